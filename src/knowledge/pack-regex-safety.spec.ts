/**
 * Every regex of the default pack is safe from catastrophic backtracking: the static check accepts it,
 * and on adversarial text built from its own characters its cost grows no faster than the text.
 */
import { loadDefaultPack } from './pack-loader';
import { findBacktrackingRisks } from './redos-check';
import { growthRatio } from '../engine/testing/growth';

const pack = loadDefaultPack();

const packRegexes = pack.definition.symptoms.flatMap((symptom) =>
  symptom.regexes.map((rx, k) => ({ name: `${symptom.id} #${k + 1}`, pattern: rx.pattern, anchors: rx.anchors })),
);

/** Characters the pattern can match literally: escapes like \b and \d dropped, metacharacters too. */
function literalChars(pattern: string): string[] {
  const chars = new Set(
    pattern
      .replace(/\\[bBdDwWsSntr]/g, '')
      .replace(/\\(.)/g, '$1')
      .replace(/[()[\]{}?*+|^$]/g, ''),
  );
  if (/\\d/.test(pattern)) chars.add('7');
  if (/\\s/.test(pattern)) chars.add(' ');
  return [...chars];
}

/** Words of the pattern (alternatives, anchors): near-matches everywhere. */
function literalWords(pattern: string, anchors: readonly string[]): string[] {
  const words = pattern
    .replace(/\\[bBdDwWsSntr]/g, ' ')
    .split(/[^a-z0-9'":%./-]+/i)
    .filter((w) => w.length > 0);
  return [...new Set([...words, ...anchors])];
}

/** A non-matching tail: the regex must give up on the run before it, not find a match at the end. */
const TAIL = '\u0000\u00ff!';

const fill = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n) + TAIL;

type Family = (n: number, pattern: string, anchors: readonly string[]) => string;

const FAMILIES: Record<string, Family> = {
  'runs of each of its characters': (n, pattern) => {
    const chars = literalChars(pattern);
    const run = Math.floor(n / chars.length);
    return chars.map((c) => c.repeat(run)).join('') + TAIL;
  },
  'its characters cycled': (n, pattern) => fill(literalChars(pattern).join(''), n),
  'its words repeated': (n, pattern, anchors) => fill(`${literalWords(pattern, anchors).join(' ')} `, n),
};

function countMatches(regex: RegExp, text: string): number {
  let count = 0;
  regex.lastIndex = 0;
  for (const m of text.matchAll(regex)) count += m[0].length > 0 ? 1 : 0;
  return count;
}

describe('regexes of the default pack', () => {
  it('finds the pack regexes', () => {
    expect(packRegexes.length).toBeGreaterThan(10);
    expect(pack.regexes.map((r) => r.regex.source)).toEqual(packRegexes.map((r) => new RegExp(r.pattern).source));
  });

  it.each(packRegexes.map((r) => [r.name, r.pattern]))('%s passes the backtracking check: /%s/', (_name, pattern) => {
    expect(findBacktrackingRisks(pattern)).toEqual([]);
  });

  const cases = packRegexes.flatMap((r) => Object.keys(FAMILIES).map((family) => [r.name, family, r] as const));

  it.each(cases)('%s on %s: ten times the text in under thirty times the time', (_name, family, { pattern, anchors }) => {
    const regex = new RegExp(pattern, 'g');
    const build = FAMILIES[family];
    const small = build(5_000, pattern, anchors);
    const large = build(50_000, pattern, anchors);
    expect(
      growthRatio(
        () => countMatches(regex, small),
        () => countMatches(regex, large),
      ),
    ).toBeLessThan(30);
  });
});
