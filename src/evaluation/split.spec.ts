import { holdoutIds, splitHoldout } from './split';

const records = Array.from({ length: 200 }, (_, i) => ({
  id: `ticket-${i}`,
  label: ['wifi', 'power', 'other', 'storage_full'][i % 4],
  channel: ['email', 'chat'][i % 2],
  lang: i % 10 === 0 ? 'de' : undefined,
}));

describe('held-out quarter', () => {
  it('holds out a quarter, the same ids whatever the order of the file', () => {
    const held = holdoutIds(records);
    expect(held.size).toBe(50);
    expect(holdoutIds([...records].reverse())).toEqual(held);
  });

  it('takes its share from every label', () => {
    const { holdout } = splitHoldout(records);
    for (const label of ['wifi', 'power', 'other', 'storage_full']) {
      expect(holdout.filter((r) => r.label === label).length).toBeGreaterThanOrEqual(12);
      expect(holdout.filter((r) => r.label === label).length).toBeLessThanOrEqual(13);
    }
  });

  it('splits into two disjoint parts that cover the set', () => {
    const { fit, holdout } = splitHoldout(records);
    expect(fit.length + holdout.length).toBe(records.length);
    const fitIds = new Set(fit.map((r) => r.id));
    expect(holdout.some((r) => fitIds.has(r.id))).toBe(false);
  });
});
