/**
 * The shapes of a pack's YAML files, as zod schemas: field types, ranges, required and unknown fields. What
 * one file cannot say alone (ids that must exist, regex safety, plugin parameters, derived rules, variant
 * keys) is checked afterwards by pack-validation.ts. The engine keeps its own types (it imports no zod); the
 * assertions at the end keep both in step.
 */
import { z } from 'zod';
import type { CauseDef, MacroDef, PackDefinition, PluginUse, ScopeDef, SymptomDef } from '../engine';
import type { FitSettings } from '../model/fit';
import type { TrainingInput, TrainingSpec } from '../model/pack-fit';

export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;

const id = z.string({ error: 'must be a string' }).regex(ID_PATTERN, { error: `must match ${ID_PATTERN}` });
const text = z
  .string()
  .min(1, { error: 'must not be empty' })
  .refine((s) => s.trim() !== '', { error: 'must not be empty' });
const texts = z.array(text).default([]);
const weightsPerCause = z
  .record(z.string(), z.number().min(-20).max(20))
  .describe('Signed weight per cause id: about 3-4 strong, 2 medium, 1 weak.');

export const regexSchema = z.strictObject({
  pattern: z.string().min(1, { error: 'must be a non-empty string' }).describe('Matched on normalized text (lower case, no accents).'),
  anchors: z
    .array(z.string().min(1, { error: 'must not be an empty anchor' }), {
      error: 'must list at least one literal that every match contains',
    })
    .min(1, { error: 'must list at least one literal that every match contains' })
    .describe('Literals of which at least one occurs in every match: the regex runs only where one is found.'),
});

export const nearRuleSchema = z.strictObject({
  a: z.array(text).min(1, { error: 'must list at least one word' }),
  b: z.array(text).min(1, { error: 'must list at least one word' }),
  within: z.number().int().min(1).max(200).describe('Characters between an a-word and a b-word, in one clause.'),
});

const phrase = text.refine((p) => p.replace(/\*$/, '').trim().length >= 2, { error: 'is too short' });

export const symptomSchema = z.strictObject({
  id: id.describe('Stable id: list an old one in aliases when renaming.'),
  title: text,
  description: text,
  phrases: z.array(phrase).default([]).describe('Whole-word phrases; a trailing * matches any continuation.'),
  regexes: z.array(regexSchema).default([]),
  derived: z.string().optional().describe("A derived rule of one of the pack's plugins."),
  near: nearRuleSchema.optional(),
  causes: weightsPerCause,
  whenNegated: weightsPerCause.optional(),
  negatable: z.boolean().default(true),
  tried: texts.describe('Macro ids the customer already tried when this symptom is present.'),
  aliases: texts,
});

export const causeSchema = z.strictObject({
  id: id.describe('Cause ids are a contract with evaluation sets and helpdesk tags.'),
  title: text,
  description: text,
  prior: z.number().min(-20).max(20).describe('Prior log-odds, 0 unless the cause is rare or common.'),
});

export const macroVariantSchema = z.strictObject({
  when: text.describe("A variant key of the pack's plugin that picks variants."),
  body: text,
});

export const macroSchema = z.strictObject({
  id,
  title: text,
  causeIds: texts,
  generic: z.boolean().default(false),
  body: text.describe('Placeholders: {{customer.first_name}}, {{device.model}}.'),
  variants: z.array(macroVariantSchema).default([]),
  aliases: texts,
  prior: z
    .strictObject({ alpha: z.number().gt(0).max(1000), beta: z.number().gt(0).max(1000) }, { error: 'is required: {alpha, beta}' })
    .describe('Beta prior of the chance the macro resolves a ticket.'),
});

export const scopeSchema = z.strictObject(
  {
    negationBefore: texts,
    ruledOutBefore: texts,
    negationAfter: texts,
    negationFactor: z.number().min(0).max(5),
    windowBefore: z.number().min(0).max(200),
    windowAfter: z.number().min(0).max(200),
  },
  { error: 'is required: the negation and rule-out cues with their windows' },
);

export const pluginUseSchema = z.strictObject({
  name: text.describe('A product plugin compiled into the service (src/products).'),
  params: z.record(z.string(), z.unknown()).default({}),
});

export const packFileSchema = z.strictObject({
  version: z
    .union([z.string().min(1), z.number()], { error: 'is required: a string such as "2026.12.2"' })
    .transform(String)
    .describe('Recorded in every result: bump it with any change to the pack.'),
  name: text,
  fallbackCause: text,
  fallbackMacro: text,
  temperature: z.number().gt(0).max(100),
  plugins: z.array(pluginUseSchema).default([]),
  spellings: z
    .array(z.array(text).min(2, { error: 'must list two or more spellings' }))
    .default([])
    .describe('Groups of spellings of one word; phrases use the first.'),
  scope: scopeSchema,
});

export const causesFileSchema = z.strictObject({ causes: z.array(causeSchema) });
export const symptomsFileSchema = z.strictObject({ symptoms: z.array(symptomSchema) });
export const macrosFileSchema = z.strictObject({ macros: z.array(macroSchema) });

export const fitSettingsSchema = z.strictObject({
  l2Named: z.number().min(0).optional(),
  l2Hashed: z.number().min(0).optional(),
  l2Bias: z.number().min(0).optional(),
  l2PriorScale: z.number().min(0).optional(),
  minCount: z.number().int().min(1).optional(),
  hashBits: z.number().int().min(8).max(24).optional(),
  charGrams: z.tuple([z.number().int().min(0).max(8), z.number().int().min(0).max(8)]).optional(),
  maxIterations: z.number().int().min(1).optional(),
  calibrationFolds: z.number().int().min(2).optional(),
});

export const trainingInputSchema = z.strictObject({
  path: text.describe('JSON Lines of labelled tickets, relative to the project root.'),
  exclude: z.literal('holdout').optional().describe("Leave out the file's held-out quarter."),
  calibrate: z.boolean().optional().describe('Tickets the rules were not written from: the temperature is fitted on them.'),
});

export const trainingFileSchema = z.strictObject({
  inputs: z.array(trainingInputSchema),
  settings: fitSettingsSchema.optional(),
});

/** The schema of each file kind, by its file name stem (`pack` is pack.yaml). */
export const PACK_FILE_SCHEMAS = {
  pack: packFileSchema,
  causes: causesFileSchema,
  symptoms: symptomsFileSchema,
  macros: macrosFileSchema,
  training: trainingFileSchema,
} as const;

export type PackFileKind = keyof typeof PACK_FILE_SCHEMAS;

// --- the engine's types and these schemas describe the same fields -------------------------------

/** True when `A` can be used as `B` and both have the same keys (so no field is left out of either). */
type Same<A, B> = [A] extends [B] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false;
const assertSame = <T extends true>(): T | undefined => undefined;

assertSame<Same<z.output<typeof causeSchema>, CauseDef>>();
assertSame<Same<z.output<typeof symptomSchema>, SymptomDef>>();
assertSame<Same<z.output<typeof macroSchema>, MacroDef>>();
assertSame<Same<z.output<typeof scopeSchema>, ScopeDef>>();
assertSame<Same<z.output<typeof pluginUseSchema>, PluginUse>>();
assertSame<Same<z.output<typeof packFileSchema>, Omit<PackDefinition, 'causes' | 'symptoms' | 'macros'>>>();
assertSame<Same<Required<z.output<typeof fitSettingsSchema>>, FitSettings>>();
assertSame<Same<z.output<typeof trainingInputSchema>, TrainingInput>>();
assertSame<Same<z.output<typeof trainingFileSchema>, TrainingSpec>>();
