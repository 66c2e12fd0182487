import { loadDefaultPack } from '../knowledge';
import { sampleBeta } from './beta';
import { makeTicket } from './testing/ticket-factory';
import { TriageEngine } from './triage-engine';
import type { FixStatsSnapshot } from './types';

const engine = new TriageEngine(loadDefaultPack());
const storageTicket = makeTicket({ description: 'Backup fails: not enough iCloud storage, my 5 GB are full.' });

/** A seeded uniform source, so sampling tests are repeatable. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('exploration', () => {
  const stats: FixStatsSnapshot = {
    byCauseMacro: { storage_full: { manage_icloud_storage: { successes: 30, failures: 5 } } },
    bySymptomMacro: {},
  };

  it('off: the same ticket always gets the same fix', () => {
    const picks = new Set(Array.from({ length: 20 }, () => engine.triage(storageTicket, { stats }).macro.id));
    expect(picks).toEqual(new Set(['manage_icloud_storage']));
  });

  it('thompson: a rarely tried fix is suggested now and then, the proven one most often', () => {
    const random = seeded(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const id = engine.triage(storageTicket, { stats, exploration: 'thompson', random }).macro.id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const proven = counts.get('manage_icloud_storage') ?? 0;
    expect(proven).toBeGreaterThan(200);
    expect(counts.size).toBeGreaterThan(1);
  });

  it('samples Beta draws with the right mean', () => {
    const random = seeded(11);
    const draws = Array.from({ length: 4000 }, () => sampleBeta(8, 2, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    expect(mean).toBeCloseTo(0.8, 1);
    expect(Math.min(...draws)).toBeGreaterThan(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});
