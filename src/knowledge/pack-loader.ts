/** Loads a knowledge pack from YAML files, validates it and compiles it once. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compilePack, type AnyProductPlugin, type CauseModelWeights, type CompiledPack, type PackDefinition } from '../engine';
import { PRODUCT_PLUGINS } from '../products';
import { MODEL_FILE_NAME, validateModelWeights } from './model-validation';
import { PACK_FILE_NAMES, PackValidationError, validatePack, type PackFiles } from './pack-validation';

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

export function defaultPackDir(): string {
  return path.join(findProjectRoot(), 'src', 'knowledge', 'packs', DEFAULT_PACK_NAME);
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
  return validateModelWeights(parsed, definition.causes.map((c) => c.id), MODEL_FILE_NAME);
}

/** Reads, validates and compiles the pack in `dir`, with the product plugins of `registry` (the service's by default). */
export function loadPackFromDir(dir: string, registry: readonly AnyProductPlugin[] = PRODUCT_PLUGINS): CompiledPack {
  const definition = validatePack(readPackFiles(dir), registry);
  return compilePack(definition, registry, readModelWeights(dir, definition));
}

let defaultPack: CompiledPack | undefined;

/** The default pack, read and compiled on first use and shared afterwards. */
export function loadDefaultPack(): CompiledPack {
  defaultPack ??= loadPackFromDir(defaultPackDir());
  return defaultPack;
}
