/**
 * Knowledge pack shapes: the validated definition (what the YAML says) and the
 * compiled form the engine runs on. Compilation is pure, so it lives here.
 */
import { LiteralMatcher } from './literal-matcher';
import { foldForMatching } from './normalize';
import type { CauseModelWeights } from './cause-model';
import { bindPlugins, type AnyProductPlugin, type PackPlugins, type PluginUse, type TicketEntities } from './plugin';
import type { Span } from './types';

export interface RegexDef {
  readonly pattern: string;
  /** Literals (normalized text) of which at least one occurs wherever the regex can match. */
  readonly anchors: readonly string[];
}

export interface NearRuleDef {
  readonly a: readonly string[];
  readonly b: readonly string[];
  readonly within: number;
}

export interface SymptomDef {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly phrases: readonly string[];
  readonly regexes: readonly RegexDef[];
  /** A derived rule of one of the pack's plugins: the symptom is found from entities, not words. */
  readonly derived?: string;
  /**
   * Co-occurrence: a word from `a` and a word from `b` within `within` characters in one clause
   * ("charger ... broken", "storage ... full"). Matched on the shared automaton, so it costs no extra scan.
   */
  readonly near?: NearRuleDef;
  /** Signed weight per cause id when the symptom is present. */
  readonly causes: Readonly<Record<string, number>>;
  /** Weights when the symptom is negated or ruled out; default: the present weights times -negationFactor. */
  readonly whenNegated?: Readonly<Record<string, number>>;
  /** Whether negation cues around a hit flip its weights. */
  readonly negatable: boolean;
  /** Macro ids this symptom says the customer already tried. */
  readonly tried: readonly string[];
  readonly aliases: readonly string[];
}

export interface CauseDef {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** Prior log-odds added to the cause's score before any evidence. */
  readonly prior: number;
}

export interface MacroVariantDef {
  /** A variant key of the pack's plugin that picks macro variants (`iphone_no_home`, ...). */
  readonly when: string;
  readonly body: string;
}

export interface MacroDef {
  readonly id: string;
  readonly title: string;
  readonly causeIds: readonly string[];
  readonly generic: boolean;
  readonly body: string;
  readonly variants: readonly MacroVariantDef[];
  readonly aliases: readonly string[];
  /** Beta prior of the chance this macro resolves a ticket it is sent on. */
  readonly prior: { readonly alpha: number; readonly beta: number };
}

export interface ScopeDef {
  /** Cues that negate a problem symptom when they end shortly before it, in the same clause ("not stuck"). */
  readonly negationBefore: readonly string[];
  /**
   * Cues before a symptom that rule it out, mentions included ("nothing wrong with the wifi"). Plain
   * negations do not apply to mentions: "no wifi" and "never on wifi" are problems, not reassurance.
   */
  readonly ruledOutBefore: readonly string[];
  /** Cues that negate a symptom when they start shortly after it, in the same clause. */
  readonly negationAfter: readonly string[];
  /** Negated weights are the present weights times -negationFactor. */
  readonly negationFactor: number;
  /** How far (in normalized characters) a cue may sit from the symptom. */
  readonly windowBefore: number;
  readonly windowAfter: number;
}

export interface PackDefinition {
  readonly version: string;
  readonly name: string;
  /** Cause id used when nothing fits. */
  readonly fallbackCause: string;
  /** Macro sent when the answer is the fallback cause. */
  readonly fallbackMacro: string;
  /** Softmax temperature turning scores into calibrated probabilities. */
  readonly temperature: number;
  /** The product plugins the pack uses, in order, with their parameters. */
  readonly plugins: readonly PluginUse[];
  /** Groups of spellings treated as one word inside phrases; the first is the one phrases use. */
  readonly spellings: readonly (readonly string[])[];
  readonly scope: ScopeDef;
  readonly causes: readonly CauseDef[];
  readonly symptoms: readonly SymptomDef[];
  readonly macros: readonly MacroDef[];
}

/** What a literal in the matcher stands for. */
export type LiteralTarget =
  | { readonly kind: 'phrase'; readonly symptom: number }
  | { readonly kind: 'nearA' | 'nearB'; readonly symptom: number }
  | { readonly kind: 'anchor'; readonly regex: number }
  | { readonly kind: 'negBefore'; readonly rulesOut: boolean }
  | { readonly kind: 'negAfter' };

export interface CompiledRegex {
  readonly symptom: number;
  readonly regex: RegExp;
}

export interface CompiledPack {
  readonly definition: PackDefinition;
  readonly version: string;
  readonly matcher: LiteralMatcher<LiteralTarget>;
  readonly regexes: readonly CompiledRegex[];
  readonly causeIds: readonly string[];
  readonly causeIndex: ReadonlyMap<string, number>;
  readonly symptomIndex: ReadonlyMap<string, number>;
  /** For each symptom: [causeIndex, weight] pairs when present, and when negated. */
  readonly symptomWeights: readonly (readonly (readonly [number, number])[])[];
  readonly negatedWeights: readonly (readonly (readonly [number, number])[])[];
  /**
   * Mentions carry no weight when present (a bare "wifi"); they only count
   * when negated ("wifi is fine"), and only they take cues that follow them.
   */
  readonly isMention: readonly boolean[];
  /** Whether scope cues can change a symptom's weights (negatable and weighted when negated). */
  readonly scoped: readonly boolean[];
  /** The pack's plugins bound to their parameters. */
  readonly plugins: PackPlugins;
  readonly derivedSymptoms: readonly DerivedSymptom[];
  readonly macros: ReadonlyMap<string, MacroDef>;
  /** Old ids (aliases) to current macro or symptom ids. */
  readonly macroAliases: ReadonlyMap<string, string>;
  readonly symptomAliases: ReadonlyMap<string, string>;
  /** Macros per cause, in pack order. */
  readonly macrosByCause: ReadonlyMap<string, readonly MacroDef[]>;
  readonly genericMacros: readonly MacroDef[];
  readonly fallbackCauseIndex: number;
  /** The cause-model weights shipped with the pack (`model.json`), if any. */
  readonly modelWeights?: CauseModelWeights;
}

export interface DerivedSymptom {
  readonly symptom: number;
  /** The plugin's rule bound to its parameters: the span showing the symptom, if the entities do. */
  readonly evaluate: (entities: TicketEntities) => Span | undefined;
}

const MAX_SPELLING_VARIANTS = 48;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Expands a phrase into its spelling variants (pack spellings, apostrophes dropped). */
export function expandPhrase(phrase: string, spellings: readonly (readonly string[])[]): string[] {
  let variants = [foldForMatching(phrase)];
  for (const group of spellings) {
    const canonical = foldForMatching(group[0]);
    const finder = new RegExp(`(^|[^a-z0-9])${escapeRegExp(canonical)}`);
    if (!variants.some((v) => finder.test(v))) continue;
    const next = new Set<string>();
    for (const variant of variants) {
      next.add(variant);
      if (!finder.test(variant)) continue;
      for (const alt of group.slice(1)) {
        const replaced = variant.replace(
          new RegExp(`(^|[^a-z0-9])${escapeRegExp(canonical)}`, 'g'),
          (_m, pre: string) => pre + foldForMatching(alt),
        );
        next.add(replaced);
        if (next.size >= MAX_SPELLING_VARIANTS) break;
      }
      if (next.size >= MAX_SPELLING_VARIANTS) break;
    }
    variants = [...next];
  }
  const withApostrophes = new Set(variants);
  for (const v of variants) if (v.includes("'")) withApostrophes.add(v.replace(/'/g, ''));
  return [...withApostrophes];
}

/** A phrase ending in "*" matches any word continuing it ("restart*" matches "restarted"). */
function splitStem(phrase: string): { text: string; stem: boolean } {
  const trimmed = phrase.trim();
  return trimmed.endsWith('*') ? { text: trimmed.slice(0, -1).trimEnd(), stem: true } : { text: trimmed, stem: false };
}

function indexMacros(def: PackDefinition) {
  const macros = new Map<string, MacroDef>();
  const macroAliases = new Map<string, string>();
  const macrosByCause = new Map<string, MacroDef[]>();
  for (const macro of def.macros) {
    macros.set(macro.id, macro);
    for (const alias of macro.aliases) macroAliases.set(alias, macro.id);
    for (const causeId of macro.causeIds) {
      const list = macrosByCause.get(causeId) ?? [];
      list.push(macro);
      macrosByCause.set(causeId, list);
    }
  }
  return { macros, macroAliases, macrosByCause, genericMacros: def.macros.filter((m) => m.generic) };
}

/** Flags every pack regex is compiled with (on case-folded text); the pack's regex checks parse with the same. */
export const PACK_REGEX_FLAGS = 'g';

/**
 * Compiles a validated definition into matchers (one literal automaton for all phrases, anchors and cues),
 * binding the plugins it names from `registry`. Throws PluginConfigError for a plugin problem and an Error
 * for a derived rule no plugin provides (pack validation reports both with file and field first).
 */
export function compilePack(def: PackDefinition, registry: readonly AnyProductPlugin[], modelWeights?: CauseModelWeights): CompiledPack {
  const plugins = bindPlugins(def.plugins, registry);
  const causeIds = def.causes.map((c) => c.id);
  const causeIndex = new Map(causeIds.map((id, i) => [id, i] as const));
  const symptomIndex = new Map(def.symptoms.map((s, i) => [s.id, i] as const));
  const symptomAliases = new Map<string, string>();
  const matcher = new LiteralMatcher<LiteralTarget>();
  const regexes: CompiledRegex[] = [];
  const derivedSymptoms: DerivedSymptom[] = [];

  def.symptoms.forEach((symptom, index) => {
    for (const alias of symptom.aliases) symptomAliases.set(alias, symptom.id);
    if (symptom.derived) {
      const evaluate = plugins.derivedRules.get(symptom.derived)?.derivedRule(symptom.derived);
      if (!evaluate) throw new Error(`symptom ${symptom.id}: derived rule "${symptom.derived}" is provided by none of the pack's plugins`);
      derivedSymptoms.push({ symptom: index, evaluate });
    }
    for (const phrase of symptom.phrases) {
      const { text, stem } = splitStem(phrase);
      for (const variant of expandPhrase(text, def.spellings)) {
        matcher.add(variant, { kind: 'phrase', symptom: index }, { rightBoundary: !stem });
      }
    }
    if (symptom.near) {
      for (const side of ['a', 'b'] as const) {
        for (const phrase of symptom.near[side]) {
          const { text, stem } = splitStem(phrase);
          const kind = side === 'a' ? 'nearA' : 'nearB';
          for (const variant of expandPhrase(text, def.spellings)) matcher.add(variant, { kind, symptom: index }, { rightBoundary: !stem });
        }
      }
    }
    for (const rx of symptom.regexes) {
      const regexNumber = regexes.length;
      regexes.push({ symptom: index, regex: new RegExp(rx.pattern, PACK_REGEX_FLAGS) });
      for (const anchor of rx.anchors) {
        matcher.add(foldForMatching(anchor), { kind: 'anchor', regex: regexNumber }, { leftBoundary: false, rightBoundary: false });
      }
    }
  });
  for (const cue of def.scope.negationBefore) {
    for (const variant of expandPhrase(cue, def.spellings)) matcher.add(variant, { kind: 'negBefore', rulesOut: false });
  }
  for (const cue of def.scope.ruledOutBefore) {
    for (const variant of expandPhrase(cue, def.spellings)) matcher.add(variant, { kind: 'negBefore', rulesOut: true });
  }
  for (const cue of def.scope.negationAfter) {
    for (const variant of expandPhrase(cue, def.spellings)) matcher.add(variant, { kind: 'negAfter' });
  }
  matcher.build();

  const toPairs = (weights: Readonly<Record<string, number>>) =>
    Object.entries(weights)
      .filter(([, weight]) => weight !== 0)
      .map(([causeId, weight]) => [causeIndex.get(causeId) as number, weight] as const);
  const symptomWeights = def.symptoms.map((s) => toPairs(s.causes));
  const negatedWeights = def.symptoms.map((s) =>
    toPairs(s.whenNegated ?? Object.fromEntries(Object.entries(s.causes).map(([id, w]) => [id, -w * def.scope.negationFactor]))),
  );
  const isMention = symptomWeights.map((pairs) => pairs.length === 0);
  const scoped = def.symptoms.map((s, i) => s.negatable && negatedWeights[i].length > 0);

  return {
    definition: def,
    version: def.version,
    matcher,
    regexes,
    causeIds,
    causeIndex,
    symptomIndex,
    symptomWeights,
    negatedWeights,
    isMention,
    scoped,
    plugins,
    derivedSymptoms,
    symptomAliases,
    ...indexMacros(def),
    fallbackCauseIndex: causeIndex.get(def.fallbackCause) as number,
    ...(modelWeights ? { modelWeights } : {}),
  };
}
