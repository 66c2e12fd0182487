import { cutAtCodePoint } from './well-formed-text';

describe('cutAtCodePoint', () => {
  it('keeps text up to the limit and never splits a surrogate pair', () => {
    expect(cutAtCodePoint('abc', 3)).toBe('abc');
    expect(cutAtCodePoint('abcd', 3)).toBe('abc');
    expect(cutAtCodePoint('ab😀', 3)).toBe('ab');
    expect(cutAtCodePoint('a😀b', 3)).toBe('a😀');
  });
});
