import { createHash } from 'node:crypto';

/** The fields a labelled ticket is stratified by. */
export interface Stratifiable {
  readonly id: string;
  readonly label: string;
  readonly channel?: string;
  readonly lang?: string;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * A fixed held-out share of a labelled set, chosen by a hash of each id and stratified by label, language
 * and channel: the tickets are ordered by (label, language, channel, hash of id) and every `every`-th one
 * is held out, so each stratum gives up its share and the choice depends on nothing but the ids.
 */
export function holdoutIds(records: readonly Stratifiable[], every = 4): Set<string> {
  const keyed = records.map((r) => ({ id: r.id, key: `${r.label}\u0000${r.lang ?? 'en'}\u0000${r.channel ?? ''}\u0000${hashOf(r.id)}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const held = new Set<string>();
  keyed.forEach((r, i) => {
    if (i % every === every - 1) held.add(r.id);
  });
  return held;
}

/** Splits records into the part that may be read and fitted on, and the held-out part. */
export function splitHoldout<T extends Stratifiable>(records: readonly T[], every = 4): { fit: T[]; holdout: T[] } {
  const held = holdoutIds(records, every);
  return { fit: records.filter((r) => !held.has(r.id)), holdout: records.filter((r) => held.has(r.id)) };
}
