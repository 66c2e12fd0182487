import { evaluate, wilson, type ScoredTicket } from './metrics';

const causes = ['a', 'b', 'c'];
function ticket(id: string, label: string, probs: [number, number, number], lang = 'en'): ScoredTicket {
  return { id, label, lang, probabilities: new Map(causes.map((c, i) => [c, probs[i]])) };
}

describe('evaluation measures', () => {
  // Ten tickets: seven right, three wrong; two of the wrong ones at confidence >= 0.9.
  const tickets = [
    ticket('1', 'a', [0.95, 0.03, 0.02]),
    ticket('2', 'a', [0.85, 0.1, 0.05]),
    ticket('3', 'b', [0.1, 0.8, 0.1]),
    ticket('4', 'b', [0.2, 0.7, 0.1], 'de'),
    ticket('5', 'c', [0.1, 0.3, 0.6], 'de'),
    ticket('6', 'c', [0.2, 0.25, 0.55]),
    ticket('7', 'a', [0.5, 0.3, 0.2]),
    ticket('8', 'b', [0.92, 0.05, 0.03]),
    ticket('9', 'c', [0.05, 0.91, 0.04]),
    ticket('10', 'a', [0.2, 0.45, 0.35]),
  ];
  const r = evaluate(tickets, causes, 0.8);

  it('top-1 and top-3', () => {
    expect(r.top1).toBeCloseTo(0.7);
    expect(r.top3).toBe(1);
  });

  it('confident wrong is the share of all tickets wrong at >= 0.9', () => {
    expect(r.confidentWrong).toBeCloseTo(0.2);
  });

  it('precision at 70% is top-1 on the 7 most confident tickets', () => {
    // By confidence: 0.95 (right), 0.92 (wrong), 0.91 (wrong), 0.85, 0.8, 0.7, 0.6 (right).
    expect(r.precisionAt70).toBeCloseTo(5 / 7);
  });

  it('ECE weighs each bin by its share of tickets', () => {
    // Bins: [0.9,1): 0.95 r, 0.92 w, 0.91 w -> acc 1/3, conf 0.926667; [0.8,0.9): 0.85 r, 0.8 r -> 1 vs 0.825;
    // [0.7,0.8): 0.7 r; [0.6,0.7): 0.6 r; [0.5,0.6): 0.55 r, 0.5 r; [0.4,0.5): 0.45 w.
    const expected = 0.3 * Math.abs(1 / 3 - 0.926667) + 0.2 * 0.175 + 0.1 * 0.3 + 0.1 * 0.4 + 0.2 * Math.abs(1 - 0.525) + 0.1 * 0.45;
    expect(r.ece).toBeCloseTo(expected, 4);
  });

  it('the gate: what a threshold auto-applies and how often it is right', () => {
    expect(r.gate.auto).toBe(5);
    expect(r.gate.coverage).toBeCloseTo(0.5);
    expect(r.gate.precision).toBeCloseTo(3 / 5);
  });

  it('log-loss and Brier score of the label', () => {
    const ll = -tickets.reduce((s, t) => s + Math.log(t.probabilities.get(t.label)!), 0) / 10;
    expect(r.logLoss).toBeCloseTo(ll, 6);
    expect(r.brier).toBeGreaterThan(0);
  });

  it('per cause, per language and the confusion table', () => {
    const a = r.perCause.find((c) => c.id === 'a')!;
    expect(a.support).toBe(4);
    expect(a.recall).toBeCloseTo(0.75);
    expect(a.precision).toBeCloseTo(3 / 4); // predicted a: 1, 2, 7, 8
    expect(r.perLanguage).toEqual([
      { lang: 'de', n: 2, top1: 1 },
      { lang: 'en', n: 8, top1: 5 / 8 },
    ]);
    expect(r.confusion.counts[1][0]).toBe(1); // label b answered a (ticket 8)
  });

  it('Wilson interval brackets the proportion', () => {
    const [lo, hi] = wilson(45, 52);
    expect(lo).toBeGreaterThan(0.74);
    expect(lo).toBeLessThan(45 / 52);
    expect(hi).toBeGreaterThan(45 / 52);
    expect(hi).toBeLessThan(0.96);
  });
});
