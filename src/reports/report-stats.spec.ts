import { ratio, round4, wilsonInterval } from './report-stats';

describe('Wilson score interval', () => {
  it('matches the published values', () => {
    // 8 of 10: the textbook example gives [0.490, 0.943].
    const i = wilsonInterval(8, 10)!;
    expect(i.low).toBeCloseTo(0.4902, 4);
    expect(i.high).toBeCloseTo(0.9433, 4);
  });

  it('stays inside [0, 1] at the edges and is empty without trials', () => {
    expect(wilsonInterval(0, 5)!.low).toBe(0);
    expect(wilsonInterval(0, 5)!.high).toBeCloseTo(0.4345, 4);
    expect(wilsonInterval(5, 5)!.high).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rounds for storage and has no ratio of nothing', () => {
    expect(round4(2 / 3)).toBe(0.6667);
    expect(round4(null)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});
