import { findBacktrackingRisks } from './redos-check';

describe('findBacktrackingRisks', () => {
  it.each([
    ['(a+)+$', /nested quantifiers/],
    ['(\\w+\\s?)*x', /nested quantifiers/],
    ['(?:a*)*b', /nested quantifiers/],
    ['(x+x+){2,30}y', /nested quantifiers/],
    ['(a|a)*b', /overlapping alternatives/],
    ['(?:ab|a)+c', /overlapping alternatives/],
    ['(\\d|\\w)+!', /overlapping alternatives/],
    ['(?:a|)*b', /empty string/],
    ['\\d+\\d+x', /side by side/],
    ['\\s*.*end', /side by side|open-ended wildcard/],
    ['.*needle', /open-ended wildcard/],
    ['(', /cannot be parsed/],
  ])('refuses %s', (pattern, problem) => {
    const risks = findBacktrackingRisks(pattern);
    expect(risks.join('; ')).toMatch(problem);
  });

  it.each([
    '\\bnot enough (?:icloud )?storage\\b',
    '(?<used>\\d{1,4}(?:[.,]\\d{1,2})?) ?gb of (?<total>\\d{1,4}) ?gb',
    'auto[- ]?lock[^.!?\\n]{0,30}\\bnever\\b',
    '\\b(?:restart|reboot)\\w*\\b[^.!?\\n]{0,100}\\b(?:fixed|worked)\\b',
    '(?:wifi|wlan|network)s? (?:is|are) (?:fine|ok)',
    '[a-z]+@[a-z]+\\.com',
    '(ab)+c',
  ])('accepts %s', (pattern) => {
    expect(findBacktrackingRisks(pattern)).toEqual([]);
  });

  it('is strict on purpose: a bounded repeat inside an open-ended one is refused even when a separator makes it safe', () => {
    expect(findBacktrackingRisks('^(?:a{1,3}b)+$').join()).toMatch(/nested quantifiers/);
    expect(findBacktrackingRisks('^(?:aaa?b)+$')).toEqual([]);
  });

  it('refuses a pattern that does backtrack catastrophically, while the accepted rewrite stays fast', () => {
    const hostile = `${'a'.repeat(5000)}!`;
    expect(findBacktrackingRisks('^(a+)+$')).not.toEqual([]);
    const start = Date.now();
    expect(new RegExp('^a+$').test(hostile)).toBe(false);
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
