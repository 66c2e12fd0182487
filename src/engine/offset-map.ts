/**
 * The offset map of normalized text: every normalized character maps back to the original, per character
 * or (ASCII text) as breakpoints, so each span the engine reports highlights what the customer wrote.
 */
import { foldedEntity } from './html';

export interface NormalizedText {
  /** The folded text that matchers run on. */
  readonly text: string;
  /**
   * Offsets back into the original text, in one of two forms: per character (starts, and ends when a
   * character came from several original ones, like an HTML entity), or as breakpoints where the
   * distance between normalized and original offsets changes (ASCII text, the common case).
   */
  readonly starts: Int32Array | null;
  readonly ends: Int32Array | null;
  readonly breaks?: { readonly norm: Int32Array; readonly orig: Int32Array; readonly origEnd: Int32Array };
  /**
   * Discourse structure (normalized offsets, like every offset above; absent when the text has none).
   *
   * `lateFrom`: where a late revision begins, a line or sentence opening with "update:", "edit 2:",
   * "later:", "found it", "turns out", "figured it out", "actually it was", "nevermind", "actualización:",
   * "Nachtrag:", "mise à jour :", "atualização:" after some of the customer's words. What follows revises
   * what came before (the first such marker; later ones are part of the same revision).
   */
  readonly lateFrom?: number;
  /**
   * `reported`: [start, end) ranges of other people's words and guesses: the clause after "the Apple
   * Store said", "my son thinks", "the genius told me", "support suggested", "I was told", "someone on
   * reddit said", up to the end of the sentence or a contrast ("but"). Sorted, not overlapping. The
   * customer's own statements ("I think", "I said") and what the device shows ("it says ...") are not.
   */
  readonly reported?: Array<[number, number]>;
  /**
   * Chat transcripts: an agent's yes/no question that the customer answered on the next line with yes/no
   * (en, es, de, fr, pt: yes/yeah/yep, sí, ja, oui, sim / no/nope, nein, non, não) stays in the text,
   * its words mapped to the agent line's original offsets, as a range of its own (preceded by a
   * paragraph break). `negatedQuestions` are the [start, end) ranges of those answered "no": read what
   * they say as negated ("Is it on Wi-Fi at night?" "No" = not on Wi-Fi at night). `affirmedQuestions`
   * are those answered "yes": read them as the customer's statement. Nothing synthetic is inserted.
   * Other agent lines (suggestions, instructions, open questions) are removed as before.
   */
  readonly negatedQuestions?: Array<[number, number]>;
  readonly affirmedQuestions?: Array<[number, number]>;
}

/** The fields of NormalizedText that carry discourse structure. */
export type DiscourseFields = Pick<NormalizedText, 'lateFrom' | 'reported' | 'negatedQuestions' | 'affirmedQuestions'>;

type Breaks = NonNullable<NormalizedText['breaks']>;

/** Index of the last breakpoint at or before normalized offset i. */
function breakAt(b: Breaks, i: number): number {
  let lo = 0;
  let hi = b.norm.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (b.norm[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function originalStart(norm: NormalizedText, i: number): number {
  if (norm.starts) return norm.starts[i];
  const b = norm.breaks as Breaks;
  const k = breakAt(b, i);
  return b.orig[k] + (i - b.norm[k]);
}

function originalEnd(norm: NormalizedText, i: number): number {
  if (norm.ends) return norm.ends[i];
  if (norm.starts) return norm.starts[i] + 1;
  const b = norm.breaks as Breaks;
  const k = breakAt(b, i);
  // A collapsed whitespace run is one character here and ends where the run ends.
  return b.norm[k] === i && b.origEnd[k] >= 0 ? b.origEnd[k] : b.orig[k] + (i - b.norm[k]) + 1;
}

/** Maps [start, end) of the normalized text to offsets in the original text. */
export function toOriginalRange(norm: NormalizedText, start: number, end: number): { start: number; end: number } {
  if (norm.text.length === 0) return { start: 0, end: 0 };
  const s = originalStart(norm, Math.min(start, norm.text.length - 1));
  if (end <= start) return { start: s, end: s };
  return { start: s, end: originalEnd(norm, end - 1) };
}

/**
 * The original characters behind the normalized text: the customer's own words (quoted replies,
 * signatures and agent lines left out) with their case and diacritics, whitespace runs as one space or
 * "\n", and an HTML entity or tag as the text it stands for. For language detection, whose spelling
 * cues (ñ, ß, ç, ã, è) folding removes. ASCII text without markup is its own normalized text. Marks
 * that fold into whitespace (¿ ¡) are not kept.
 */
export function customerOriginalText(norm: NormalizedText, original: string): string {
  const { text, starts, ends } = norm;
  if (starts === null) return text;
  const parts: string[] = [];
  let runStart = -1; // original[runStart, runEnd) is copied as it is
  let runEnd = -1;
  let lastEnd = -1;
  for (let i = 0; i < text.length; i++) {
    const start = starts[i];
    if (start < lastEnd) continue; // one original character folded into several (ß -> ss)
    const end = ends === null ? start + 1 : ends[i];
    lastEnd = end;
    if (end - start === 1 && original.charCodeAt(start) !== 38) {
      // One original character (whitespace included): extend the run.
      if (start !== runEnd) {
        if (runStart >= 0) parts.push(original.slice(runStart, runEnd));
        runStart = start;
      }
      runEnd = end;
      continue;
    }
    // Whitespace runs, entities and tags: the normalized character (or the entity's own) stands in.
    if (runStart >= 0) parts.push(original.slice(runStart, runEnd));
    runStart = -1;
    runEnd = -1;
    const ch = text[i];
    parts.push(ch !== ' ' && ch !== '\n' ? foldedEntity(original.slice(start, end), ch) : ch);
  }
  if (runStart >= 0) parts.push(original.slice(runStart, runEnd));
  return parts.join('');
}
