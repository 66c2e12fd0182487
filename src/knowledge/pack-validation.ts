/**
 * Validates a knowledge pack in two passes: each file against its schema (pack-schema.ts: types, ranges,
 * required and unknown fields), then what the files say together (ids that must exist, duplicates, regex
 * safety, plugins and their parameters, derived rules, variant keys, placeholders). Every problem names
 * the file and the field path (`symptoms.yaml: symptoms[3].regexes[0].pattern: ...`).
 */
import type { z } from 'zod';
import {
  bindPlugins,
  KNOWN_PLACEHOLDERS,
  PACK_REGEX_FLAGS,
  PluginConfigError,
  type AnyProductPlugin,
  type PackDefinition,
} from '../engine';
import { PRODUCT_PLUGINS } from '../products';
import { causesFileSchema, macrosFileSchema, packFileSchema, symptomsFileSchema } from './pack-schema';
import { findBacktrackingRisks } from './redos-check';

/** One problem in a pack: the file, the field path in it, and what is wrong. */
export interface PackProblem {
  readonly file: string;
  readonly path: string;
  readonly problem: string;
}

export const formatPackProblem = (p: PackProblem): string => `${p.file}: ${p.path}: ${p.problem}`;

/** A pack that does not validate. The message is the first problem; `problems` lists them all. */
export class PackValidationError extends Error {
  readonly problems: readonly PackProblem[];

  constructor(
    readonly file: string,
    /** The field path of the first problem (`symptoms[3].causes`), or what failed (`yaml`, `file`). */
    readonly rule: string,
    readonly problem: string,
    problems?: readonly PackProblem[],
  ) {
    super(`${file}: ${rule}: ${problem}`);
    this.name = 'PackValidationError';
    this.problems = problems ?? [{ file, path: rule, problem }];
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

// --- schema pass ----------------------------------------------------------------------------------

/** `symptoms[3].regexes[0].pattern`; `document` for the file itself. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || 'document';
}

const ENTRY_KINDS: Readonly<Record<string, string>> = { causes: 'cause', symptoms: 'symptom', macros: 'macro' };

/** ` (symptom ios_old)` for a problem inside a list entry with an id, so the message names the rule too. */
function entryLabel(data: unknown, path: readonly PropertyKey[]): string {
  const [list, index, field] = path;
  if (typeof list !== 'string' || !ENTRY_KINDS[list] || typeof index !== 'number' || field === 'id') return '';
  const entry = (data as Record<string, unknown[]> | undefined)?.[list]?.[index] as { id?: unknown } | undefined;
  return typeof entry?.id === 'string' ? ` (${ENTRY_KINDS[list]} ${entry.id})` : '';
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

const shown = (value: unknown): string => {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
};

/** The wording of schema problems: what a field must be, and what it was. */
const packIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return issue.input === undefined ? `is required (${expected})` : `must be ${expected} (got ${shown(issue.input)})`;
    }
    case 'too_small':
      if (issue.origin === 'string') return 'must not be empty';
      if (issue.origin === 'array' || issue.origin === 'set') return `must list at least ${String(issue.minimum)}`;
      return issue.inclusive ? `must be at least ${String(issue.minimum)}` : `must be above ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string') return `must have at most ${String(issue.maximum)}`;
      return issue.inclusive ? `must be at most ${String(issue.maximum)}` : `must be below ${String(issue.maximum)}`;
    case 'invalid_format':
      return `must match ${issue.format === 'regex' && 'pattern' in issue ? String(issue.pattern) : issue.format} (got ${shown(issue.input)})`;
    case 'invalid_value':
      return `must be ${issue.values.map((v) => shown(v)).join(' or ')} (got ${shown(issue.input)})`;
    default:
      return undefined;
  }
};

/**
 * Parses one file (`data`, its parsed YAML) with its schema; adds its problems and answers undefined when it
 * does not conform. `listKey`: the file may also be the bare list that key holds.
 */
export function parsePackFile<S extends z.ZodType>(
  file: string,
  listKey: string | undefined,
  data: unknown,
  schema: S,
  problems: PackProblem[],
): z.output<S> | undefined {
  // A file may also be the bare list (`- id: ...`) rather than `{causes: [...]}`.
  const doc = listKey && Array.isArray(data) ? { [listKey]: data } : data;
  const parsed = schema.safeParse(doc, { error: packIssueMessage });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const label = entryLabel(doc, issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ file, path: fieldPath([...issue.path, key]), problem: `unknown field${label}` });
    } else {
      const problem =
        issue.path.length === 0 && doc == null
          ? `must be a mapping${listKey ? ` with "${listKey}"` : ''} (the file is empty)`
          : issue.message;
      problems.push({ file, path: fieldPath(issue.path), problem: `${problem}${label}` });
    }
  }
  return undefined;
}

// --- cross-file pass ------------------------------------------------------------------------------

/** What the pack's plugins let its rules and macros name. */
interface PluginNames {
  readonly plugins: readonly string[];
  readonly derivedRules: readonly string[];
  readonly variantKeys: readonly string[];
}

const listOrNone = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

class Problems {
  readonly list: PackProblem[] = [];

  add(file: string, path: string, problem: string, label = ''): void {
    this.list.push({ file, path, problem: label ? `${problem} (${label})` : problem });
  }
}

/** Ids and aliases of one kind of rule share one namespace: none may repeat. */
function checkIds(p: Problems, file: string, kind: string, entries: readonly { id: string; aliases?: readonly string[] }[]): void {
  const listKey = `${kind}s`;
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const label = `${kind} ${entry.id}`;
    if (seen.has(entry.id))
      p.add(file, `${listKey}[${i}].id`, `duplicate ${kind} id "${entry.id}"${entry.aliases ? ' (or an alias already used)' : ''}`);
    seen.add(entry.id);
    (entry.aliases ?? []).forEach((alias, k) => {
      if (seen.has(alias)) p.add(file, `${listKey}[${i}].aliases[${k}]`, `alias "${alias}" is already an id or alias`, label);
      seen.add(alias);
    });
  });
}

function checkPlaceholders(p: Problems, file: string, path: string, body: string, label: string): void {
  for (const m of body.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    if (!KNOWN_PLACEHOLDERS.includes(m[1]))
      p.add(file, path, `uses unknown placeholder {{${m[1]}}} (known: ${KNOWN_PLACEHOLDERS.join(', ')})`, label);
  }
}

/** A pack regex compiles, cannot backtrack catastrophically and cannot match the empty string. */
function checkRegex(p: Problems, path: string, pattern: string, label: string): void {
  const file = PACK_FILE_NAMES.symptoms;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, PACK_REGEX_FLAGS);
  } catch (err) {
    p.add(file, path, `/${pattern}/ is not a valid regular expression: ${(err as Error).message}`, label);
    return;
  }
  const risks = findBacktrackingRisks(pattern);
  if (risks.length) p.add(file, path, `/${pattern}/ can backtrack catastrophically: ${risks.join('; ')}`, label);
  else if (regex.test('')) p.add(file, path, `/${pattern}/ matches the empty string`, label);
}

type PackFile = z.output<typeof packFileSchema>;
type Causes = z.output<typeof causesFileSchema>['causes'];
type Symptoms = z.output<typeof symptomsFileSchema>['symptoms'];
type Macros = z.output<typeof macrosFileSchema>['macros'];

function pluginNames(p: Problems, pack: PackFile, registry: readonly AnyProductPlugin[]): PluginNames | undefined {
  try {
    const bound = bindPlugins(pack.plugins, registry);
    return { plugins: pack.plugins.map((u) => u.name), derivedRules: [...bound.derivedRules.keys()], variantKeys: bound.variantKeys };
  } catch (err) {
    if (!(err instanceof PluginConfigError)) throw err;
    // Without the plugins, which rules and variant keys exist is unknown: those checks are skipped.
    p.add(PACK_FILE_NAMES.pack, err.field, err.problem);
    return undefined;
  }
}

function checkSymptoms(
  p: Problems,
  symptoms: Symptoms,
  causeIds: ReadonlySet<string>,
  macroIds: ReadonlySet<string>,
  plugins: PluginNames | undefined,
): void {
  const file = PACK_FILE_NAMES.symptoms;
  checkIds(p, file, 'symptom', symptoms);
  symptoms.forEach((s, i) => {
    const at = `symptoms[${i}]`;
    const label = `symptom ${s.id}`;
    s.regexes.forEach((rx, k) => checkRegex(p, `${at}.regexes[${k}].pattern`, rx.pattern, label));
    if (s.derived !== undefined && plugins && !plugins.derivedRules.includes(s.derived)) {
      p.add(
        file,
        `${at}.derived`,
        `names ${JSON.stringify(s.derived)}, a rule none of the pack's plugins (${listOrNone(plugins.plugins)}) provides; known: ${listOrNone(plugins.derivedRules)}`,
        label,
      );
    }
    if (s.phrases.length === 0 && s.regexes.length === 0 && s.derived === undefined && !s.near) {
      p.add(file, at, 'needs phrases, regexes, a near rule or a derived rule', label);
    }
    for (const key of ['causes', 'whenNegated'] as const) {
      for (const cause of Object.keys(s[key] ?? {}))
        if (!causeIds.has(cause)) p.add(file, `${at}.${key}`, `names unknown cause "${cause}"`, label);
    }
    s.tried.forEach((t, k) => {
      if (!macroIds.has(t)) p.add(file, `${at}.tried[${k}]`, `names unknown macro "${t}"`, label);
    });
  });
}

function checkMacros(p: Problems, macros: Macros, causes: Causes, plugins: PluginNames | undefined): void {
  const file = PACK_FILE_NAMES.macros;
  const causeIds = new Set(causes.map((c) => c.id));
  checkIds(p, file, 'macro', macros);
  macros.forEach((m, i) => {
    const at = `macros[${i}]`;
    const label = `macro ${m.id}`;
    m.causeIds.forEach((c, k) => {
      if (!causeIds.has(c)) p.add(file, `${at}.causeIds[${k}]`, `names unknown cause "${c}"`, label);
    });
    checkPlaceholders(p, file, `${at}.body`, m.body, label);
    m.variants.forEach((v, k) => {
      if (plugins && !plugins.variantKeys.includes(v.when)) {
        p.add(
          file,
          `${at}.variants[${k}].when`,
          `must be one of ${listOrNone(plugins.variantKeys)}, the variant keys of the pack's plugins ${listOrNone(plugins.plugins)}; got "${v.when}"`,
          label,
        );
      }
      checkPlaceholders(p, file, `${at}.variants[${k}].body`, v.body, label);
    });
  });
  for (const cause of causes) {
    if (!macros.some((m) => m.causeIds.includes(cause.id))) {
      p.add(file, 'macros', `no macro fixes cause "${cause.id}" (list it in some macro's causeIds)`);
    }
  }
}

/**
 * Every problem of the parsed YAML of a pack, checked against the product plugins it may name, and the
 * definition when there are none. Cross-file checks run once every file matches its schema.
 */
export function checkPack(
  files: PackFiles,
  registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS,
): { definition?: PackDefinition; problems: PackProblem[] } {
  const schemaProblems: PackProblem[] = [];
  const pack = parsePackFile(PACK_FILE_NAMES.pack, undefined, files.pack, packFileSchema, schemaProblems);
  const causes = parsePackFile(PACK_FILE_NAMES.causes, 'causes', files.causes, causesFileSchema, schemaProblems)?.causes;
  const symptoms = parsePackFile(PACK_FILE_NAMES.symptoms, 'symptoms', files.symptoms, symptomsFileSchema, schemaProblems)?.symptoms;
  const macros = parsePackFile(PACK_FILE_NAMES.macros, 'macros', files.macros, macrosFileSchema, schemaProblems)?.macros;
  if (!pack || !causes || !symptoms || !macros) return { problems: schemaProblems };

  const p = new Problems();
  const plugins = pluginNames(p, pack, registry);
  checkIds(p, PACK_FILE_NAMES.causes, 'cause', causes);
  const causeIds = new Set(causes.map((c) => c.id));
  const macroIds = new Set(macros.flatMap((m) => [m.id, ...m.aliases]));
  checkSymptoms(p, symptoms, causeIds, macroIds, plugins);
  checkMacros(p, macros, causes, plugins);
  if (!causeIds.has(pack.fallbackCause)) p.add(PACK_FILE_NAMES.pack, 'fallbackCause', `names unknown cause "${pack.fallbackCause}"`);
  if (!macros.some((m) => m.id === pack.fallbackMacro))
    p.add(PACK_FILE_NAMES.pack, 'fallbackMacro', `names unknown macro "${pack.fallbackMacro}"`);
  if (p.list.length) return { problems: p.list };
  return { definition: { ...pack, causes, symptoms, macros }, problems: [] };
}

/**
 * Validates the parsed YAML of a pack against the product plugins it may name; throws PackValidationError
 * (its message the first problem, `problems` all of them).
 */
export function validatePack(files: PackFiles, registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS): PackDefinition {
  const { definition, problems } = checkPack(files, registry);
  if (!definition) {
    const [first] = problems;
    throw new PackValidationError(first.file, first.path, first.problem, problems);
  }
  return definition;
}
