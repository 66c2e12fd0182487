import { TriageEngine } from '../engine';
import { loadDefaultPack, validateModelWeights } from '../knowledge';
import { rulesOnlyWeights } from '../engine/testing/rules-only';
import {
  crossValidate,
  DEFAULT_FIT_SETTINGS,
  encodeTickets,
  fitCombination,
  fitModel,
  foldsOf,
  predictEncoded,
  toWeights,
  type FitSettings,
  type LabelledTicket,
} from './fit';

const pack = loadDefaultPack();
const rulesOnly = new TriageEngine(pack, rulesOnlyWeights(pack));
const k = pack.causeIds.length;
const settings: FitSettings = { ...DEFAULT_FIT_SETTINGS, calibrationFolds: 3, maxIterations: 100, minCount: 1 };

/**
 * A made-up word ("quibbleflux") that the rules know nothing of, said by customers whose backups fail for
 * lack of power, next to tickets about other causes.
 */
function trainingTickets(): LabelledTicket[] {
  const tickets: LabelledTicket[] = [];
  const openers = ['Hello,', 'Hi team', 'Good morning.', 'hey', 'Dear support,', 'Quick question:'];
  for (let i = 0; i < 24; i++) {
    tickets.push({
      id: `qf-${i}`,
      description: `${openers[i % openers.length]} my iPhone backup does not finish, the quibbleflux thing again, night ${i}.`,
      label: 'power',
    });
  }
  for (let i = 0; i < 24; i++) {
    tickets.push({
      id: `st-${i}`,
      description: `${openers[i % openers.length]} iCloud says not enough storage for the backup, ticket ${i}.`,
      label: 'storage_full',
    });
  }
  for (let i = 0; i < 12; i++) {
    tickets.push({
      id: `ot-${i}`,
      description: `${openers[i % openers.length]} how do I change the billing address on my account? case ${i}`,
      label: 'other',
    });
  }
  return tickets;
}

describe('fitting the cause model', () => {
  const tickets = trainingTickets();
  const encoded = encodeTickets(rulesOnly, tickets, settings);
  const model = fitModel({ fixed: [], calibration: encoded }, k, settings);
  const weights = toWeights(model, { version: '7', packVersion: pack.version, causes: pack.causeIds, settings });
  const probe = { description: 'backup not done again this morning, the quibbleflux thing' };

  it('learns a word the rules do not know: the cause it was labelled with gains', () => {
    const before = rulesOnly.triage(probe);
    const after = new TriageEngine(pack, weights).triage(probe);
    const power = (r: typeof before) => r.causes.find((c) => c.id === 'power')?.score ?? 0;
    expect(power(after)).toBeGreaterThan(power(before) + 0.2);
    expect(after.cause.id).toBe('power');
    expect(after.modelVersion).toBe(`${pack.version}/7`);
  });

  it('names the words behind a cause, with their spans in the original text', () => {
    const result = new TriageEngine(pack, weights).triage(probe);
    const words = result.causes.find((c) => c.id === 'power')!.words!;
    expect(words.length).toBeGreaterThan(0);
    const top = words[0];
    expect(probe.description.slice(top.start, top.end)).toBe(top.text);
    expect(words.some((w) => w.text.toLowerCase().includes('quibbleflux') && w.weight > 0)).toBe(true);
  });

  it('scores as the engine does: fitted probabilities equal the served ones', () => {
    const [one] = encodeTickets(rulesOnly, [{ id: 'p', description: probe.description, label: 'power' }], settings);
    const fitted = predictEncoded(model, one, k);
    const served = new TriageEngine(pack, weights).triage(probe);
    for (const c of served.causes) expect(c.score).toBeCloseTo(fitted[pack.causeIds.indexOf(c.id)], 2);
  });

  it('is deterministic: the same tickets give the same weights', () => {
    const again = toWeights(fitModel({ fixed: [], calibration: encodeTickets(rulesOnly, tickets, settings) }, k, settings), {
      version: '7',
      packVersion: pack.version,
      causes: pack.causeIds,
      settings,
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(weights));
  });

  it('writes weights the validator accepts, with probabilities that sum to 1', () => {
    expect(() => validateModelWeights(JSON.parse(JSON.stringify(weights)), pack.causeIds, 'test')).not.toThrow();
    const sum = new TriageEngine(pack, weights).triage(probe).causes.reduce((s, c) => s + c.score, 0);
    // Each score is rounded down to 4 places.
    expect(sum).toBeLessThanOrEqual(1);
    expect(sum).toBeGreaterThan(1 - 0.0001 * pack.causeIds.length);
  });

  it('cross-validates: every ticket is scored by a model that did not see it', () => {
    const probabilities = crossValidate(encoded, [], k, 3, settings);
    expect(probabilities).toHaveLength(tickets.length);
    const right = probabilities.filter((p, i) => p.indexOf(Math.max(...p)) === pack.causeIds.indexOf(tickets[i].label)).length;
    expect(right / tickets.length).toBeGreaterThan(0.9);
  });

  it('a refit over a base model moves it toward new labels and keeps what the data does not touch', () => {
    const base = new TriageEngine(pack, weights).model;
    // Agents now say the made-up word means a Wi-Fi problem.
    const relabelled = tickets.filter((t) => t.label === 'power').map((t) => ({ ...t, id: `re-${t.id}`, label: 'wifi' }));
    const refit = fitModel({ fixed: [], calibration: encodeTickets(rulesOnly, relabelled, settings) }, k, settings, base);
    const next = toWeights(refit, { version: '8', packVersion: pack.version, causes: pack.causeIds, settings });
    const wifi = (w: typeof weights) => new TriageEngine(pack, w).triage(probe).causes.find((c) => c.id === 'wifi')?.score ?? 0;
    expect(wifi(next)).toBeGreaterThan(wifi(weights));
    const storage = { description: 'iCloud says not enough storage for the backup.' };
    expect(new TriageEngine(pack, next).triage(storage).cause.id).toBe('storage_full');
  });
});

describe('combining the rules with what was learned', () => {
  it('recovers the scales that generated the labels', () => {
    // Labels drawn from softmax(0.5 * rules + 2 * learned): the rules count for a quarter of what they say.
    const parts: { rules: Float64Array; learned: Float64Array }[] = [];
    const labels: number[] = [];
    let seed = 1;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 4000; i++) {
      const rules = Float64Array.from([rand() * 4, rand() * 4, rand() * 4]);
      const learned = Float64Array.from([rand() * 2, rand() * 2, rand() * 2]);
      const p = [0, 1, 2].map((c) => Math.exp(0.5 * rules[c] + 2 * learned[c]));
      const sum = p.reduce((x, y) => x + y, 0);
      let u = rand() * sum;
      let label = 0;
      while (label < 2 && u > p[label]) u -= p[label++];
      parts.push({ rules, learned });
      labels.push(label);
    }
    const { rules, learned } = fitCombination(parts, labels);
    expect(rules).toBeGreaterThan(0.35);
    expect(rules).toBeLessThan(0.65);
    expect(learned).toBeGreaterThan(1.7);
    expect(learned).toBeLessThan(2.3);
  });
});

describe('folds', () => {
  it('deal every label across the folds, whatever the input order', () => {
    const tickets = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, label: i % 2 ? 'a' : 'b' }));
    const folds = foldsOf(tickets, 4);
    const reversed = foldsOf([...tickets].reverse(), 4).reverse();
    expect(reversed).toEqual(folds);
    for (let f = 0; f < 4; f++) {
      expect(tickets.filter((t, i) => folds[i] === f && t.label === 'a')).toHaveLength(5);
    }
  });
});
