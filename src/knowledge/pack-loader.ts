/** Loads a knowledge pack from YAML files, validates it and compiles it once. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compilePack, type AnyProductPlugin, type CauseModelWeights, type CompiledPack, type PackDefinition } from '../engine';
import { PRODUCT_PLUGINS } from '../products';
import { MODEL_FILE_NAME, validateModelWeights } from './model-validation';
import { PACK_FILE_NAMES, PackValidationError, validatePack, type PackFiles } from './pack-validation';
import { parseRouting, type PackRouting } from './pack-routing';

export const DEFAULT_PACK_NAME = 'icloud-backup';

/** The folder holding package.json, found by walking up (compiled code runs from dist/src/knowledge). */
export function findProjectRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

/** The packs shipped with the service: PACKS_DIR when it is unset. */
export function bundledPacksDir(): string {
  return path.join(findProjectRoot(), 'src', 'knowledge', 'packs');
}

export function defaultPackDir(): string {
  return path.join(bundledPacksDir(), DEFAULT_PACK_NAME);
}

function readYaml(dir: string, file: string): unknown {
  const full = path.join(dir, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    throw new PackValidationError(file, 'file', `cannot be read from ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new PackValidationError(file, 'yaml', (err as Error).message.split('\n')[0]);
  }
}

export function readPackFiles(dir: string): PackFiles {
  return {
    pack: readYaml(dir, PACK_FILE_NAMES.pack),
    causes: readYaml(dir, PACK_FILE_NAMES.causes),
    symptoms: readYaml(dir, PACK_FILE_NAMES.symptoms),
    macros: readYaml(dir, PACK_FILE_NAMES.macros),
  };
}

/** The pack's fitted cause-model weights (`model.json`), or undefined when it ships none. */
export function readModelWeights(dir: string, definition: PackDefinition): CauseModelWeights | undefined {
  const full = path.join(dir, MODEL_FILE_NAME);
  if (!fs.existsSync(full)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (err) {
    throw new PackValidationError(MODEL_FILE_NAME, 'json', (err as Error).message.split('\n')[0]);
  }
  return validateModelWeights(
    parsed,
    definition.causes.map((c) => c.id),
    MODEL_FILE_NAME,
  );
}

/**
 * pack.yaml's service-level fields (`routing`), taken out before validation: they say which tickets go to the
 * pack, not what the engine does with them, and the pack definition's schema does not know them.
 */
export function splitServiceFields(files: PackFiles): { files: PackFiles; routing: PackRouting } {
  const pack = files.pack;
  if (pack === null || typeof pack !== 'object' || Array.isArray(pack) || !('routing' in pack)) return { files, routing: {} };
  const { routing, ...rest } = pack as Record<string, unknown>;
  return { files: { ...files, pack: rest }, routing: parseRouting(routing, PACK_FILE_NAMES.pack) };
}

/** Reads, validates and compiles the pack in `dir`, with the product plugins of `registry` (the service's by default). */
export function loadPackFromDir(dir: string, registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS): CompiledPack {
  const { files } = splitServiceFields(readPackFiles(dir));
  const definition = validatePack(files, registry);
  return compilePack(definition, registry, readModelWeights(dir, definition));
}

/** A pack as the service runs it: its folder name is its id. */
export interface LoadedPack {
  readonly id: string;
  readonly dir: string;
  readonly pack: CompiledPack;
  readonly routing: PackRouting;
  /** No model.json: the pack's rules alone decide (no learned weights, temperature from pack.yaml). */
  readonly rulesOnly: boolean;
}

export interface LoadedPacks {
  /** Sorted by id: the order routing tries them in. */
  readonly packs: readonly LoadedPack[];
  readonly defaultId: string;
}

/** A folder name usable as a pack id (and in `?pack=`). */
export const PACK_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Loads one pack folder; its errors name the pack folder and the file. */
export function loadPack(dir: string, registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS): LoadedPack {
  const id = path.basename(path.resolve(dir));
  try {
    const { files, routing } = splitServiceFields(readPackFiles(dir));
    const definition = validatePack(files, registry);
    const weights = readModelWeights(dir, definition);
    return { id, dir, pack: compilePack(definition, registry, weights), routing, rulesOnly: weights === undefined };
  } catch (err) {
    if (err instanceof PackValidationError) {
      const problems = err.problems.map((p) => ({ ...p, file: `${id}/${p.file}` }));
      throw new PackValidationError(`${id}/${err.file}`, err.rule, err.problem, problems);
    }
    throw err;
  }
}

/**
 * Every pack in `packsDir` (each sub-folder holding a pack.yaml), all validated before any is used: one bad pack
 * refuses the whole set. `defaultId` must be among them.
 */
export function loadPacks(
  packsDir: string,
  defaultId: string,
  registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS,
  log: (line: string) => void = () => undefined,
): LoadedPacks {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(packsDir, { withFileTypes: true });
  } catch (err) {
    throw new PackValidationError(packsDir, 'PACKS_DIR', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const folders = entries
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && fs.existsSync(path.join(packsDir, e.name, PACK_FILE_NAMES.pack)))
    .map((e) => e.name)
    .sort();
  const packs = folders.map((name) => {
    if (!PACK_ID_PATTERN.test(name)) {
      throw new PackValidationError(name, 'folder', 'a pack folder name is its id: lower-case letters, digits, _ and - (up to 64)');
    }
    const loaded = loadPack(path.join(packsDir, name), registry);
    if (loaded.rulesOnly) log(`pack ${loaded.id} has no ${MODEL_FILE_NAME}: it runs on its rules alone`);
    return loaded;
  });
  if (!packs.some((p) => p.id === defaultId)) {
    throw new PackValidationError(
      packsDir,
      'DEFAULT_PACK',
      `no pack "${defaultId}" here (found: ${packs.map((p) => p.id).join(', ') || 'none'})`,
    );
  }
  return { packs, defaultId };
}

let defaultPack: CompiledPack | undefined;

/** The default pack, read and compiled on first use and shared afterwards. */
export function loadDefaultPack(): CompiledPack {
  defaultPack ??= loadPackFromDir(defaultPackDir());
  return defaultPack;
}
