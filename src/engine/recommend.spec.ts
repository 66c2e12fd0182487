import { loadDefaultPack } from '../knowledge';
import { betaInterval95, betaMean } from './beta';
import { makeTicket } from './testing/ticket-factory';
import { TriageEngine } from './triage-engine';
import { rulesOnlyWeights } from './testing/rules-only';
import { EMPTY_FIX_STATS, type FixStatsSnapshot } from './types';
import { recommend } from './recommend';

const pack = loadDefaultPack();
/** The rules' probabilities, so the ranking logic is tested whatever the shipped model learned. */
const engine = new TriageEngine(pack, rulesOnlyWeights(pack));
const storageTicket = makeTicket({ description: 'Backup fails: not enough iCloud storage. Also my wifi drops out now and then.' });
const GENERIC = ['restart_device', 'reset_all_settings', 'update_ios', 'contact_apple_support'];

/** The learned stats the ranking used for one macro: the chosen one carries them too. */
function macroStats(ticket: typeof storageTicket, stats: FixStatsSnapshot, macroId: string) {
  const result = engine.triage(ticket, { stats });
  const found = [result.macro, ...result.alternatives].find((a) => a.id === macroId);
  if (!found?.stats) throw new Error(`no stats for ${macroId}`);
  return found.stats;
}

describe('recommendations', () => {
  it("with empty stats: the top cause macro, then the next causes' fixes, then the generic fallbacks in pack order", () => {
    const result = engine.triage(storageTicket, { stats: EMPTY_FIX_STATS });
    expect(result.macro.id).toBe('manage_icloud_storage');
    const ids = result.alternatives.map((a) => a.id);
    expect(ids[0]).toBe('connect_stable_wifi');
    const genericIds = ids.filter((id) => GENERIC.includes(id));
    expect(genericIds).toEqual(GENERIC);
    expect(ids.indexOf('connect_stable_wifi')).toBeLessThan(ids.indexOf('restart_device'));
    expect(result.alternatives.every((a) => a.stats === undefined)).toBe(true);
  });

  it('lets learned outcomes choose the fix: one that keeps resolving tickets like this goes first', () => {
    const stats: FixStatsSnapshot = {
      byCauseMacro: {
        storage_full: { reset_all_settings: { successes: 40, failures: 5 }, connect_stable_wifi: { successes: 1, failures: 30 } },
      },
      bySymptomMacro: {},
    };
    const result = engine.triage(storageTicket, { stats });
    expect(result.macro.id).toBe('reset_all_settings');
    const ids = result.alternatives.map((a) => a.id);
    expect(ids[0]).toBe('manage_icloud_storage');
    expect(ids.indexOf('connect_stable_wifi')).toBeGreaterThan(ids.indexOf('restart_device'));
    expect(result.alternatives.find((a) => a.id === 'connect_stable_wifi')!.stats).toMatchObject({ uses: 31, successes: 1 });
    const resetStats = macroStats(storageTicket, stats, 'reset_all_settings');
    expect(resetStats.uses).toBe(45);
    expect(resetStats.successes).toBe(40);
    expect(resetStats.rate).toBeCloseTo(betaMean(2.5 + 40, 2.5 + 5), 3);
    expect(resetStats.interval[0]).toBeLessThan(resetStats.rate);
    expect(resetStats.interval[1]).toBeGreaterThan(resetStats.rate);
  });

  it("averages symptom x macro counts over the ticket's symptoms and honours old macro ids", () => {
    const stats: FixStatsSnapshot = {
      byCauseMacro: {},
      bySymptomMacro: { wifi_unstable: { check_wifi: { successes: 9, failures: 1 } } },
    };
    expect(macroStats(storageTicket, stats, 'connect_stable_wifi')).toMatchObject({ uses: 10, successes: 9 });
  });

  it('answers other with the ask-for-details macro', () => {
    const result = engine.triage(makeTicket({ description: 'Please call me back about my phone.' }));
    expect(result.cause.id).toBe('other');
    expect(result.macro.id).toBe('ask_for_details');
  });

  it('records the pack version and is deterministic', () => {
    const a = engine.triage(storageTicket);
    const b = engine.triage(storageTicket);
    expect(a.packVersion).toBe(pack.version);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('Beta helpers', () => {
  it('computes the mean and a 95% interval', () => {
    expect(betaMean(3, 1)).toBe(0.75);
    const [lo, hi] = betaInterval95(1, 1);
    expect(lo).toBeCloseTo(0.025, 3);
    expect(hi).toBeCloseTo(0.975, 3);
    const [lo2, hi2] = betaInterval95(50, 50);
    expect(lo2).toBeCloseTo(0.4026, 2);
    expect(hi2).toBeCloseTo(0.5974, 2);
  });
});

describe('fixes already tried', () => {
  it('when every fix of the top cause was tried, sends the next untried one instead of repeating it', () => {
    const { primary, alternatives } = recommend({
      pack,
      stats: EMPTY_FIX_STATS,
      causes: [
        { id: 'software_glitch', probability: 0.45 },
        { id: 'settings_corrupt', probability: 0.35 },
        { id: 'other', probability: 0.2 },
      ],
      symptoms: [],
      tried: new Set(['restart_device']),
    });
    expect(primary.id).not.toBe('restart_device');
    expect(alternatives.map((a) => a.id)).not.toContain('restart_device');
  });
});
