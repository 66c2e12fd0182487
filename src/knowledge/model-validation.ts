/** Checks cause-model weights (a pack's `model.json`, or a version stored by the service) before use. */
import type { CauseModelWeights } from '../engine';
import { PackValidationError } from './pack-validation';

export const MODEL_FILE_NAME = 'model.json';

/** Upper bound of a weights document: the pack ships sparse weights, at most 2 MB. */
export const MAX_MODEL_BYTES = 2 * 1024 * 1024;

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * Validates a parsed weights document against the pack's cause ids: every field of the right type, weights
 * finite, cause indexes in range, buckets inside the hashed space. `where` names the source in errors.
 */
export function validateModelWeights(value: unknown, packCauses: readonly string[], where: string): CauseModelWeights {
  const fail = (field: string, problem: string): never => {
    throw new PackValidationError(where, field, problem);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('document', 'must be an object');
  const w = value as Record<string, unknown>;
  if (w.format !== 1) fail('format', 'must be 1');
  if (typeof w.version !== 'string' || w.version.length === 0) fail('version', 'must be a non-empty string');
  if (typeof w.packVersion !== 'string') fail('packVersion', 'must be a string');
  const causes = w.causes;
  if (!Array.isArray(causes) || causes.length === 0 || !causes.every((c) => typeof c === 'string')) fail('causes', 'must list cause ids');
  const unknown = (causes as string[]).filter((c) => !packCauses.includes(c));
  if (unknown.length > 0) fail('causes', `names causes the pack does not have: ${unknown.join(', ')}`);
  const k = (causes as string[]).length;
  if (!Number.isInteger(w.hashBits) || (w.hashBits as number) < 8 || (w.hashBits as number) > 24)
    fail('hashBits', 'must be an integer from 8 to 24');
  const grams = w.charGrams;
  if (!Array.isArray(grams) || grams.length !== 2 || !grams.every((g) => Number.isInteger(g) && g >= 0 && g <= 8) || grams[0] > grams[1]) {
    fail('charGrams', 'must be [min, max] with 0 <= min <= max <= 8');
  }
  if (!isNumber(w.temperature) || w.temperature <= 0) fail('temperature', 'must be a positive number');
  if (!isNumber(w.priorScale)) fail('priorScale', 'must be a number');
  if (!Array.isArray(w.bias) || w.bias.length !== k || !w.bias.every(isNumber)) fail('bias', `must be ${k} numbers`);
  const checkPairs = (field: string, table: unknown, key: (name: string) => boolean) => {
    if (typeof table !== 'object' || table === null || Array.isArray(table)) fail(field, 'must be an object');
    for (const [name, pairs] of Object.entries(table as Record<string, unknown>)) {
      if (!key(name)) fail(field, `has an invalid key "${name.slice(0, 60)}"`);
      if (!Array.isArray(pairs)) fail(field, `"${name.slice(0, 60)}" must be a list of [cause, weight] pairs`);
      for (const pair of pairs as unknown[]) {
        if (!Array.isArray(pair) || pair.length !== 2 || !Number.isInteger(pair[0]) || pair[0] < 0 || pair[0] >= k || !isNumber(pair[1])) {
          fail(field, `"${name.slice(0, 60)}" has a bad pair (cause index 0..${k - 1}, finite weight)`);
        }
      }
    }
  };
  checkPairs('named', w.named, (name) => name.length > 0 && name.length <= 200);
  const buckets = 2 ** (w.hashBits as number);
  checkPairs('hashed', w.hashed, (name) => /^\d{1,8}$/.test(name) && Number(name) < buckets);
  return value as CauseModelWeights;
}
