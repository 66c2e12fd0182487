import { candidatePhrases } from './report-phrases';

describe('rule candidate phrases', () => {
  it('drops two-word phrases that only occur inside a listed three-word phrase', () => {
    const counts = [
      { phrase: 'family sharing invite', tickets: 3 },
      { phrase: 'family sharing', tickets: 4 },
      { phrase: 'sharing invite', tickets: 3 },
      { phrase: 'watch pairing', tickets: 2 },
    ];
    expect(candidatePhrases(counts, 10)).toEqual([
      { phrase: 'family sharing invite', tickets: 3 },
      { phrase: 'family sharing', tickets: 4 },
      { phrase: 'watch pairing', tickets: 2 },
    ]);
    expect(candidatePhrases(counts, 1)).toHaveLength(1);
  });
});
