import { PACK_REGEX_FLAGS } from '../engine';
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

  it('parses with the flags the engine compiles with: \\p{...} is a class only under u, and a bad escape under u is refused', () => {
    expect(PACK_REGEX_FLAGS).toBe('g');
    // Without u, \p{L} is the letter p followed by a literal {L}: accepted as plain characters.
    expect(findBacktrackingRisks('\\p{L}+x')).toEqual([]);
    // With u it is a Unicode property class; an open-ended repeat of it nested in another is refused.
    expect(findBacktrackingRisks('(?:\\p{L}+ )+x', 'u').join()).toMatch(/nested quantifiers/);
    expect(findBacktrackingRisks('\\q', 'u').join()).toMatch(/cannot be parsed/);
    expect(findBacktrackingRisks('x[\\p{L}--[a-z]]+y', 'v')).toEqual([]);
  });

  it('understands lookarounds, named groups and back-references as the engine compiles them', () => {
    expect(findBacktrackingRisks('(?<=icloud )backup(?! done)')).toEqual([]);
    expect(findBacktrackingRisks('(?<w>\\w+) \\k<w>')).toEqual([]);
    expect(findBacktrackingRisks('(?:(?=a)\\w+)+!').join()).toMatch(/nested quantifiers/);
  });
});
