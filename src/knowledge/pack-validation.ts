/**
 * Hand-written schema for knowledge packs. Every problem names the file, the
 * rule (symptom, cause or macro id, or the setting) and what is wrong.
 */
import {
  bindPlugins,
  KNOWN_PLACEHOLDERS,
  PluginConfigError,
  type AnyProductPlugin,
  type CauseDef,
  type MacroDef,
  type MacroVariantDef,
  type NearRuleDef,
  type PackDefinition,
  type PluginUse,
  type RegexDef,
  type ScopeDef,
  type SymptomDef,
  PACK_REGEX_FLAGS,
} from '../engine';
import { PRODUCT_PLUGINS } from '../products';
import { findBacktrackingRisks } from './redos-check';

export class PackValidationError extends Error {
  constructor(
    readonly file: string,
    readonly rule: string,
    readonly problem: string,
  ) {
    super(`${file}: ${rule}: ${problem}`);
    this.name = 'PackValidationError';
  }
}

export interface PackFiles {
  readonly pack: unknown;
  readonly causes: unknown;
  readonly symptoms: unknown;
  readonly macros: unknown;
}

export const PACK_FILE_NAMES = {
  pack: 'pack.yaml',
  causes: 'causes.yaml',
  symptoms: 'symptoms.yaml',
  macros: 'macros.yaml',
} as const;

const ID_RE = /^[a-z][a-z0-9_]*$/;
type Obj = Record<string, unknown>;

/** Reads typed fields of one YAML object, failing with the file and rule it belongs to. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly rule: string,
    private readonly obj: Obj,
  ) {}

  get ruleName(): string {
    return this.rule;
  }

  fail(problem: string): never {
    throw new PackValidationError(this.file, this.rule, problem);
  }

  only(keys: readonly string[]): void {
    for (const key of Object.keys(this.obj)) if (!keys.includes(key)) this.fail(`unknown field "${key}"`);
  }

  string(key: string, options: { optional?: boolean; allowEmpty?: boolean } = {}): string {
    const v = this.obj[key];
    if (v === undefined && options.optional) return '';
    if (typeof v !== 'string') this.fail(`"${key}" must be a string`);
    if (!options.allowEmpty && v.trim() === '') this.fail(`"${key}" must not be empty`);
    return v;
  }

  number(key: string, options: { optional?: number; min?: number; max?: number; exclusiveMin?: number } = {}): number {
    const v = this.obj[key];
    if (v === undefined && options.optional !== undefined) return options.optional;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`"${key}" must be a number`);
    if (options.min !== undefined && v < options.min) this.fail(`"${key}" must be at least ${options.min}`);
    if (options.max !== undefined && v > options.max) this.fail(`"${key}" must be at most ${options.max}`);
    if (options.exclusiveMin !== undefined && v <= options.exclusiveMin) this.fail(`"${key}" must be above ${options.exclusiveMin}`);
    return v;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(`"${key}" must be true or false`);
    return v;
  }

  strings(key: string, options: { optional?: boolean } = { optional: true }): string[] {
    const v = this.obj[key];
    if (v === undefined && options.optional) return [];
    if (!Array.isArray(v)) this.fail(`"${key}" must be a list of strings`);
    v.forEach((item, i) => {
      if (typeof item !== 'string' || item.trim() === '') this.fail(`"${key}"[${i}] must be a non-empty string`);
    });
    return v as string[];
  }

  list(key: string, optional = true): unknown[] {
    const v = this.obj[key];
    if (v === undefined && optional) return [];
    if (!Array.isArray(v)) this.fail(`"${key}" must be a list`);
    return v;
  }

  record(key: string): Obj | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (!isObj(v)) this.fail(`"${key}" must be a mapping`);
    return v;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOfObjects(file: string, data: unknown, key: string): Obj[] {
  const list = isObj(data) ? data[key] : data;
  if (!Array.isArray(list)) throw new PackValidationError(file, key, `expected a list under "${key}"`);
  return list.map((item, i) => {
    if (!isObj(item)) throw new PackValidationError(file, `${key}[${i}]`, 'each entry must be a mapping');
    return item;
  });
}

function ruleId(file: string, obj: Obj, index: number, kind: string): string {
  const id = obj.id;
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new PackValidationError(file, `${kind}[${index}]`, `"id" must match ${ID_RE} (got ${JSON.stringify(id)})`);
  }
  return id;
}

function weights(r: Reader, key: string, causeIds: ReadonlySet<string>): Record<string, number> | undefined {
  const rec = r.record(key);
  if (!rec) return undefined;
  const out: Record<string, number> = {};
  for (const [cause, w] of Object.entries(rec)) {
    if (!causeIds.has(cause)) r.fail(`"${key}" names unknown cause "${cause}"`);
    if (typeof w !== 'number' || !Number.isFinite(w) || Math.abs(w) > 20) r.fail(`"${key}.${cause}" must be a number between -20 and 20`);
    out[cause] = w;
  }
  return out;
}

function readRegex(r: Reader, raw: unknown, i: number): RegexDef {
  if (!isObj(raw)) r.fail(`regexes[${i}] must be a mapping with "pattern" and "anchors"`);
  const rr = new Reader("", "", raw as Obj);
  const pattern = raw.pattern;
  if (typeof pattern !== 'string' || pattern === '') r.fail(`regexes[${i}].pattern must be a non-empty string`);
  for (const key of Object.keys(raw)) if (key !== 'pattern' && key !== 'anchors') r.fail(`regexes[${i}]: unknown field "${key}"`);
  try {
    new RegExp(pattern, PACK_REGEX_FLAGS);
  } catch (err) {
    r.fail(`regexes[${i}] /${pattern}/ is not a valid regular expression: ${(err as Error).message}`);
  }
  const risks = findBacktrackingRisks(pattern);
  if (risks.length) r.fail(`regexes[${i}] /${pattern}/ can backtrack catastrophically: ${risks.join('; ')}`);
  if (new RegExp(pattern, PACK_REGEX_FLAGS).test('')) r.fail(`regexes[${i}] /${pattern}/ matches the empty string`);
  let anchors: string[];
  try {
    anchors = rr.strings('anchors', { optional: false });
  } catch {
    return r.fail(`regexes[${i}].anchors must list at least one literal that every match contains`);
  }
  if (anchors.length === 0) r.fail(`regexes[${i}].anchors must list at least one literal that every match contains`);
  for (const a of anchors) if (a.length === 0) r.fail(`regexes[${i}] has an empty anchor`);
  return { pattern, anchors };
}

function readScope(r: Reader): ScopeDef {
  const raw = r.record('scope');
  if (!raw) r.fail('"scope" is required');
  const s = new Reader(PACK_FILE_NAMES.pack, 'scope', raw);
  s.only(['negationBefore', 'ruledOutBefore', 'negationAfter', 'negationFactor', 'windowBefore', 'windowAfter']);
  return {
    negationBefore: s.strings('negationBefore'),
    ruledOutBefore: s.strings('ruledOutBefore'),
    negationAfter: s.strings('negationAfter'),
    negationFactor: s.number('negationFactor', { min: 0, max: 5 }),
    windowBefore: s.number('windowBefore', { min: 0, max: 200 }),
    windowAfter: s.number('windowAfter', { min: 0, max: 200 }),
  };
}

function readCauses(data: unknown): CauseDef[] {
  const file = PACK_FILE_NAMES.causes;
  const seen = new Set<string>();
  return listOfObjects(file, data, 'causes').map((obj, i) => {
    const id = ruleId(file, obj, i, 'causes');
    const r = new Reader(file, id, obj);
    if (seen.has(id)) r.fail('duplicate cause id');
    seen.add(id);
    r.only(['id', 'title', 'description', 'prior']);
    return { id, title: r.string('title'), description: r.string('description'), prior: r.number('prior', { min: -20, max: 20 }) };
  });
}

/** What the pack's plugins let its rules and macros name. */
interface PluginNames {
  readonly plugins: readonly string[];
  readonly derivedRules: readonly string[];
  readonly variantKeys: readonly string[];
}

/** `plugins` in pack.yaml: each names a registered plugin, with the parameters it takes. */
function readPlugins(r: Reader, registry: readonly AnyProductPlugin[]): { uses: PluginUse[]; names: PluginNames } {
  const uses = r.list('plugins').map((raw, i): PluginUse => {
    if (!isObj(raw)) r.fail(`plugins[${i}] must be a mapping with "name" and optional "params"`);
    const p = new Reader(PACK_FILE_NAMES.pack, `plugins[${i}]`, raw);
    p.only(['name', 'params']);
    return { name: p.string('name'), params: p.record('params') ?? {} };
  });
  try {
    const bound = bindPlugins(uses, registry);
    return { uses, names: { plugins: uses.map((u) => u.name), derivedRules: [...bound.derivedRules.keys()], variantKeys: bound.variantKeys } };
  } catch (err) {
    if (err instanceof PluginConfigError) throw new PackValidationError(PACK_FILE_NAMES.pack, err.field, err.problem);
    throw err;
  }
}

const listOrNone = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

function readSymptoms(data: unknown, causeIds: ReadonlySet<string>, plugins: PluginNames): SymptomDef[] {
  const file = PACK_FILE_NAMES.symptoms;
  const seen = new Set<string>();
  return listOfObjects(file, data, 'symptoms').map((obj, i) => {
    const id = ruleId(file, obj, i, 'symptoms');
    const r = new Reader(file, id, obj);
    if (seen.has(id)) r.fail('duplicate symptom id (or an alias already used)');
    seen.add(id);
    r.only(['id', 'title', 'description', 'phrases', 'regexes', 'derived', 'near', 'causes', 'whenNegated', 'negatable', 'tried', 'aliases']);
    const phrases = r.strings('phrases');
    const regexes = r.list('regexes').map((raw, k) => readRegex(r, raw, k));
    const derived = r.raw('derived');
    if (derived !== undefined && (typeof derived !== 'string' || !plugins.derivedRules.includes(derived))) {
      r.fail(
        `"derived" names ${JSON.stringify(derived)}, a rule none of the pack's plugins (${listOrNone(plugins.plugins)}) provides; known: ${listOrNone(plugins.derivedRules)}`,
      );
    }
    const near = readNear(r);
    if (phrases.length === 0 && regexes.length === 0 && derived === undefined && !near) r.fail('needs phrases, regexes, a near rule or a derived rule');
    for (const p of phrases) if (p.replace(/\*$/, '').trim().length < 2) r.fail(`phrase "${p}" is too short`);
    const aliases = r.strings('aliases');
    for (const alias of aliases) {
      if (seen.has(alias)) r.fail(`alias "${alias}" is already an id or alias`);
      seen.add(alias);
    }
    return {
      id,
      title: r.string('title'),
      description: r.string('description'),
      phrases,
      regexes,
      derived: derived as string | undefined,
      near,
      causes: weights(r, 'causes', causeIds) ?? r.fail('"causes" (weights per cause) is required'),
      whenNegated: weights(r, 'whenNegated', causeIds),
      negatable: r.boolean('negatable', true),
      tried: r.strings('tried'),
      aliases,
    };
  });
}

function readNear(r: Reader): NearRuleDef | undefined {
  const raw = r.record('near');
  if (!raw) return undefined;
  const n = new Reader(PACK_FILE_NAMES.symptoms, `${r.ruleName}.near`, raw);
  n.only(['a', 'b', 'within']);
  const a = n.strings('a', { optional: false });
  const b = n.strings('b', { optional: false });
  if (a.length === 0 || b.length === 0) n.fail('"a" and "b" must each list at least one word');
  return { a, b, within: n.number('within', { min: 1, max: 200 }) };
}

function checkPlaceholders(r: Reader, where: string, body: string): void {
  for (const m of body.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!KNOWN_PLACEHOLDERS.includes(m[1])) r.fail(`${where} uses unknown placeholder {{${m[1]}}} (known: ${KNOWN_PLACEHOLDERS.join(', ')})`);
  }
}

function readMacros(data: unknown, causeIds: ReadonlySet<string>, plugins: PluginNames): MacroDef[] {
  const file = PACK_FILE_NAMES.macros;
  const seen = new Set<string>();
  return listOfObjects(file, data, 'macros').map((obj, i) => {
    const id = ruleId(file, obj, i, 'macros');
    const r = new Reader(file, id, obj);
    if (seen.has(id)) r.fail('duplicate macro id (or an alias already used)');
    seen.add(id);
    r.only(['id', 'title', 'causeIds', 'generic', 'body', 'variants', 'aliases', 'prior']);
    const causes = r.strings('causeIds');
    for (const c of causes) if (!causeIds.has(c)) r.fail(`"causeIds" names unknown cause "${c}"`);
    const body = r.string('body');
    checkPlaceholders(r, 'body', body);
    const variants = r.list('variants').map((raw, k): MacroVariantDef => {
      if (!isObj(raw)) r.fail(`variants[${k}] must be a mapping with "when" and "body"`);
      const v = new Reader(file, `${id}.variants[${k}]`, raw as Obj);
      v.only(['when', 'body']);
      const when = v.string('when');
      if (!plugins.variantKeys.includes(when)) {
        v.fail(`"when" must be one of ${listOrNone(plugins.variantKeys)} (the variant keys of the pack's plugins: ${listOrNone(plugins.plugins)})`);
      }
      const variantBody = v.string('body');
      checkPlaceholders(v, 'body', variantBody);
      return { when, body: variantBody };
    });
    const aliases = r.strings('aliases');
    for (const alias of aliases) {
      if (seen.has(alias)) r.fail(`alias "${alias}" is already an id or alias`);
      seen.add(alias);
    }
    const priorRaw = r.record('prior');
    const prior = priorRaw
      ? (() => {
          const p = new Reader(file, `${id}.prior`, priorRaw);
          p.only(['alpha', 'beta']);
          return { alpha: p.number('alpha', { exclusiveMin: 0, max: 1000 }), beta: p.number('beta', { exclusiveMin: 0, max: 1000 }) };
        })()
      : r.fail('"prior" {alpha, beta} is required');
    return { id, title: r.string('title'), causeIds: causes, generic: r.boolean('generic', false), body, variants, aliases, prior };
  });
}

/**
 * Validates the parsed YAML of a pack against the product plugins it may name; throws PackValidationError
 * on the first problem.
 */
export function validatePack(files: PackFiles, registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS): PackDefinition {
  if (!isObj(files.pack)) throw new PackValidationError(PACK_FILE_NAMES.pack, 'pack', 'must be a mapping');
  const r = new Reader(PACK_FILE_NAMES.pack, 'pack', files.pack);
  r.only(['version', 'name', 'fallbackCause', 'fallbackMacro', 'temperature', 'plugins', 'spellings', 'scope']);
  const plugins = readPlugins(r, registry);
  const causes = readCauses(files.causes);
  const causeIds = new Set(causes.map((c) => c.id));
  const symptoms = readSymptoms(files.symptoms, causeIds, plugins.names);
  const macros = readMacros(files.macros, causeIds, plugins.names);
  const macroIds = new Set(macros.flatMap((m) => [m.id, ...m.aliases]));
  for (const s of symptoms) {
    for (const t of s.tried) {
      if (!macroIds.has(t)) throw new PackValidationError(PACK_FILE_NAMES.symptoms, s.id, `"tried" names unknown macro "${t}"`);
    }
  }
  const spellings = r.list('spellings').map((group, i) => {
    if (!Array.isArray(group) || group.length < 2 || group.some((g) => typeof g !== 'string' || g.trim() === '')) {
      r.fail(`spellings[${i}] must be a list of two or more spellings`);
    }
    return group as string[];
  });
  const fallbackCause = r.string('fallbackCause');
  if (!causeIds.has(fallbackCause)) r.fail(`"fallbackCause" names unknown cause "${fallbackCause}"`);
  const fallbackMacro = r.string('fallbackMacro');
  if (!macros.some((m) => m.id === fallbackMacro)) r.fail(`"fallbackMacro" names unknown macro "${fallbackMacro}"`);
  for (const cause of causes) {
    if (!macros.some((m) => m.causeIds.includes(cause.id))) {
      throw new PackValidationError(PACK_FILE_NAMES.macros, cause.id, 'no macro fixes this cause (list it in some macro\'s causeIds)');
    }
  }
  return {
    version: String(r.raw('version') ?? r.fail('"version" is required')),
    name: r.string('name'),
    fallbackCause,
    fallbackMacro,
    temperature: r.number('temperature', { exclusiveMin: 0, max: 100 }),
    plugins: plugins.uses,
    spellings,
    scope: readScope(r),
    causes,
    symptoms,
    macros,
  };
}
