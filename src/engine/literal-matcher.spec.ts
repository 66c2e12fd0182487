import { LiteralMatcher } from './literal-matcher';

function matcherOf(...literals: [string, { leftBoundary?: boolean; rightBoundary?: boolean }?][]) {
  const m = new LiteralMatcher<string>();
  for (const [text, options] of literals) m.add(text, text, options);
  m.build();
  return m;
}

describe('LiteralMatcher', () => {
  it('finds every literal, overlapping ones included, with offsets, in order of their end', () => {
    const m = matcherOf(['not enough storage'], ['storage'], ['enough']);
    const hits = m.scan('it says not enough storage today');
    expect(hits.map((h) => [h.target, h.start, h.end])).toEqual([
      ['enough', 12, 18],
      ['not enough storage', 8, 26],
      ['storage', 19, 26],
    ]);
  });

  it('matches whole words unless told otherwise', () => {
    const m = matcherOf(['grey'], ['restart', { rightBoundary: false }]);
    expect(m.scan('greyhound and grey').map((h) => h.start)).toEqual([14]);
    expect(m.scan('restarted it').map((h) => h.target)).toEqual(['restart']);
  });

  it('finds a literal that starts inside another literal (failure links)', () => {
    const m = matcherOf(['abcd'], ['bc'], ['cde']);
    expect(
      m
        .scan('xabcde')
        .map((h) => h.target)
        .sort(),
    ).toEqual([]);
    const loose = matcherOf(
      ['abcd', { leftBoundary: false, rightBoundary: false }],
      ['bc', { leftBoundary: false, rightBoundary: false }],
      ['cde', { leftBoundary: false, rightBoundary: false }],
    );
    expect(
      loose
        .scan('xabcde')
        .map((h) => h.target)
        .sort(),
    ).toEqual(['abcd', 'bc', 'cde']);
  });

  it('refuses to scan before it is built', () => {
    const m = new LiteralMatcher<string>();
    m.add('wifi', 'wifi');
    expect(() => m.scan('wifi')).toThrow(/before build/);
  });
});
