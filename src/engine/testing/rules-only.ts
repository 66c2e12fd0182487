import type { CompiledPack } from '../pack';
import type { CauseModelWeights } from '../cause-model';

/**
 * Weights that leave the pack's rules alone (no learned part, temperature 1): for tests of what the rules
 * and the recommendation logic do, whatever the shipped cause model has learned.
 */
export function rulesOnlyWeights(pack: CompiledPack): CauseModelWeights {
  return {
    format: 1,
    version: 'rules',
    packVersion: pack.version,
    causes: pack.causeIds,
    hashBits: 18,
    charGrams: [4, 5],
    temperature: 1,
    priorScale: 1,
    bias: pack.causeIds.map(() => 0),
    named: {},
    hashed: {},
  };
}
