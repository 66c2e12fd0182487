/**
 * Normalization: the customer's own words, folded for matching, with a map
 * from every normalized character back to the original text.
 *
 * A facade over one file per step:
 *
 * 1. HTML (`html.ts`): tags dropped (block tags become line breaks, <blockquote> and
 *    <script>/<style> are removed with their content), entities decoded with
 *    the full HTML5 table (strict: an entity ends with ";").
 * 2. Lines that are not the customer's (`quoted-text.ts`): quoted replies ("> ", "On ... wrote:"
 *    and all after it), forwarded headers, signatures, legal disclaimers and
 *    agent lines of transcripts (except a yes/no question the customer answered).
 * 3. Folding (`folding.ts`): lower case, diacritics removed, invisible format characters
 *    (Unicode Cf) dropped, Unicode quotes/dashes to ASCII, whitespace runs to
 *    one space (a blank line becomes "\n").
 * 4. Discourse: late revisions, reported speech and answered agent questions,
 *    as optional fields of NormalizedText (see there).
 *
 * Every normalized character maps back to the original text (`offset-map.ts`).
 */

import { analyzeDiscourse } from './discourse';
import { foldAsciiRanges, foldRanges, NON_ASCII } from './folding';
import { stripHtml } from './html';
import { toOriginalRange, type DiscourseFields, type NormalizedText } from './offset-map';
import { customerRanges, type CustomerRanges } from './quoted-text';

export { foldForMatching } from './folding';
export { customerOriginalText, toOriginalRange, type DiscourseFields, type NormalizedText } from './offset-map';

/** Normalizes one input field (subject or description). */
export function normalizeText(original: string): NormalizedText {
  const html = stripHtml(original);
  const kept = html.text.includes('\n')
    ? customerRanges(html.text)
    : { ranges: [[0, html.text.length] as [number, number]], questions: [] };
  const bounds = kept.questions.length > 0 ? new Int32Array(kept.ranges.length * 2) : undefined;
  const norm =
    html.starts === null && !NON_ASCII.test(html.text)
      ? foldAsciiRanges(html.text, kept.ranges, bounds)
      : foldRanges(html.text, html.starts, html.ends, kept.ranges, bounds);
  return withDiscourse(norm, original, kept.questions, bounds);
}

/** Adds the discourse fields that the text has (see NormalizedText). */
function withDiscourse(
  norm: NormalizedText,
  original: string,
  questions: CustomerRanges['questions'],
  bounds: Int32Array | undefined,
): NormalizedText {
  const text = norm.text;
  const fields: { -readonly [K in keyof DiscourseFields]: DiscourseFields[K] } = {};
  if (text.length > 0) {
    const lineStartAt = (i: number) => {
      const r = toOriginalRange(norm, i - 1, i);
      if (r.end <= r.start) return true; // a cut between kept ranges
      for (let k = r.start; k < r.end; k++) {
        const c = original.charCodeAt(k);
        if (c === 10 || c === 13 || c === 60) return true; // a line break, or a block tag such as <br>
      }
      return false;
    };
    const { lateFrom, reported } = analyzeDiscourse(text, lineStartAt);
    if (lateFrom !== undefined) fields.lateFrom = lateFrom;
    if (reported.length > 0) fields.reported = reported;
  }
  if (bounds) {
    for (const q of questions) {
      const start = bounds[2 * q.range];
      const end = bounds[2 * q.range + 1];
      if (end <= start) continue;
      const key = q.answer === 'no' ? 'negatedQuestions' : 'affirmedQuestions';
      (fields[key] ??= []).push([start, end]);
    }
  }
  return Object.keys(fields).length === 0 ? norm : { ...norm, ...fields };
}
