/**
 * Folding: lower case, diacritics removed, invisible format characters (Unicode Cf) dropped, typographic
 * quotes and dashes to ASCII, whitespace runs to one space (a blank line becomes "\n"). Kept ranges of a
 * text are folded into one NormalizedText; ASCII text takes a fast path of native string operations.
 */
import type { NormalizedText } from './offset-map';
import { matchesOf } from './regex-matches';

const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ı: 'i',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '′': "'",
  '`': "'",
  '´': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '«': '"',
  '»': '"',
  '″': '"',
  '‹': "'",
  '›': "'",
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '―': '-',
  '−': '-',
  '…': '...',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
  '\u200b': '',
  '\u200c': '',
  '\u200d': '',
  '\ufeff': '',
  '¿': ' ',
  '¡': ' ',
};
const foldCache = new Map<number, string>();
/**
 * Invisible format characters (Unicode category Cf: soft hyphen, zero-width spaces and joiners, word
 * joiner, bidirectional marks and overrides, byte-order mark, U+180E, ...) are dropped before matching,
 * inside words too ("stor\u00ADage" reads "storage"); the characters around them keep their offsets.
 */
const FORMAT_CHAR = /^\p{Cf}$/u;
const astralFormatCache = new Map<number, boolean>();

/** Whether the surrogate pair at i (a high surrogate followed by a low one) is a format character. */
function isAstralFormat(source: string, i: number): boolean {
  const low = source.charCodeAt(i + 1);
  if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
  const codePoint = ((source.charCodeAt(i) - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  let format = astralFormatCache.get(codePoint);
  if (format === undefined) {
    format = FORMAT_CHAR.test(String.fromCodePoint(codePoint));
    astralFormatCache.set(codePoint, format);
  }
  return format;
}

function foldNonAscii(code: number): string {
  const cached = foldCache.get(code);
  if (cached !== undefined) return cached;
  const ch = String.fromCharCode(code);
  let folded = SPECIAL_FOLDS[ch];
  if (folded === undefined && FORMAT_CHAR.test(ch)) folded = '';
  if (folded === undefined) {
    const lower = ch.toLowerCase();
    folded = SPECIAL_FOLDS[lower] ?? lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (/\s/.test(folded)) folded = ' ';
  }
  foldCache.set(code, folded);
  return folded;
}

/** Folds a pattern or cue the same way ticket text is folded (no line cutting). */
export function foldForMatching(text: string): string {
  return foldRanges(text, null, null, [[0, text.length]]).text.trim();
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11;
}

const UTF16 = new TextDecoder('utf-16le');
const SPACE = 32;
const NEWLINE = 10;

/** Scratch output shared by all calls (the engine is synchronous); results are copied out. */
let scratchCodes = new Uint16Array(4096);
let scratchStarts = new Int32Array(4096);
let scratchEnds = new Int32Array(4096);

function ensureScratch(size: number): void {
  if (scratchCodes.length >= size) return;
  const capacity = Math.max(size, scratchCodes.length * 2);
  scratchCodes = new Uint16Array(capacity);
  scratchStarts = new Int32Array(capacity);
  scratchEnds = new Int32Array(capacity);
}

/** Writes a collapsed whitespace run (a space, or "\n" for a paragraph break) unless at the start. */
function emitBreak(length: number, kind: number, start: number, end: number): number {
  if (length === 0) return 0;
  scratchCodes[length] = kind === 2 ? NEWLINE : SPACE;
  scratchStarts[length] = start;
  scratchEnds[length] = end;
  return length + 1;
}

/**
 * Normalized [start, end) of range r, given the output length before and after it: the first
 * character of a range is preceded by exactly one break (a space or "\n") unless it opens the text.
 */
function recordBounds(bounds: Int32Array, r: number, before: number, after: number): void {
  bounds[2 * r] = after > before && before > 0 ? before + 1 : before;
  bounds[2 * r + 1] = after;
}

/** Folds the kept ranges of `source` (whose offsets map back through starts/ends when given). */
export function foldRanges(
  source: string,
  srcStarts: Int32Array | null,
  srcEnds: Int32Array | null,
  ranges: readonly (readonly [number, number])[],
  bounds?: Int32Array,
): NormalizedText {
  // Folding can expand a character (ß -> ss, … -> ...) to three at most; breaks add one per range.
  ensureScratch(source.length * 3 + ranges.length + 16);
  const codes = scratchCodes;
  const starts = scratchStarts;
  const ends = scratchEnds;
  let length = 0;
  let pendingSpace = 0; // 0 none, 1 space, 2 paragraph break
  let spaceStart = 0;
  let spaceEnd = 0;
  for (let r = 0; r < ranges.length; r++) {
    const [from, to] = ranges[r];
    const before = length;
    let newlines = 0;
    for (let i = from; i < to; i++) {
      const code = source.charCodeAt(i);
      const isAsciiWord = code < 128 && code > 32;
      if (isAsciiWord) {
        if (pendingSpace !== 0) {
          length = emitBreak(length, pendingSpace, spaceStart, spaceEnd);
          pendingSpace = 0;
        }
        newlines = 0;
        codes[length] = code >= 65 && code <= 90 ? code + 32 : code;
        if (srcStarts === null) starts[length] = i;
        else {
          starts[length] = srcStarts[i];
          ends[length] = (srcEnds as Int32Array)[i];
        }
        length++;
        continue;
      }
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < to && isAstralFormat(source, i)) {
        i++;
        continue;
      }
      const origStart = srcStarts === null ? i : srcStarts[i];
      const origEnd = srcEnds === null ? i + 1 : srcEnds[i];
      const piece = code < 128 ? (isSpace(code) ? ' ' : '') : foldNonAscii(code);
      if (piece === '') continue;
      if (piece === ' ') {
        if (code === NEWLINE) newlines++;
        if (pendingSpace === 0) spaceStart = origStart;
        pendingSpace = Math.max(pendingSpace, newlines >= 2 ? 2 : 1);
        spaceEnd = origEnd;
        continue;
      }
      if (pendingSpace !== 0) {
        length = emitBreak(length, pendingSpace, spaceStart, spaceEnd);
        pendingSpace = 0;
      }
      newlines = 0;
      for (let k = 0; k < piece.length; k++) {
        codes[length] = piece.charCodeAt(k);
        starts[length] = origStart;
        ends[length] = origEnd;
        length++;
      }
    }
    if (bounds) recordBounds(bounds, r, before, length);
    // A cut between ranges separates words like a paragraph break does.
    if (length > 0) {
      if (pendingSpace === 0) {
        spaceStart = ends[length - 1];
        spaceEnd = spaceStart;
      }
      pendingSpace = 2;
    }
  }
  return {
    text: UTF16.decode(codes.subarray(0, length)),
    starts: starts.slice(0, length),
    ends: srcEnds === null ? null : ends.slice(0, length),
  };
}

/** Whitespace or a control character (NaN past the end of a string counts as neither). */
const isBlankCode = (code: number) => code <= 32 || code === 127;

/** Whitespace that does not stay as it is: control characters, runs of two or more, and spaces at a range edge. */
// eslint-disable-next-line no-control-regex -- control characters are what these two patterns find
const IRREGULAR_SPACE = /[\s\x00-\x1f\x7f]{2,}|[\t\n\r\f\v\x00-\x1f\x7f]/g;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL
export const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Fast path for ASCII text: lower-casing keeps every offset, so the text is built from native string
 * operations and the offset map only records where whitespace was collapsed or lines were cut.
 */
export function foldAsciiRanges(source: string, ranges: readonly (readonly [number, number])[], bounds?: Int32Array): NormalizedText {
  const parts: string[] = [];
  const norm: number[] = [];
  const orig: number[] = [];
  const origEnd: number[] = [];
  let length = 0;
  let pending = 0; // 0 none, 1 space, 2 paragraph break
  let pendingStart = 0;
  let pendingEnd = 0;
  let delta = Number.NaN; // orig - norm of the last chunk written
  const emitChunk = (segment: string, from: number, to: number, origFrom: number) => {
    if (to <= from) return;
    if (pending !== 0 && length > 0) {
      parts.push(pending === 2 ? '\n' : ' ');
      norm.push(length);
      orig.push(pendingStart);
      origEnd.push(pendingEnd);
      length++;
      delta = Number.NaN;
    }
    pending = 0;
    if (origFrom - length !== delta) {
      norm.push(length);
      orig.push(origFrom);
      origEnd.push(-1);
      delta = origFrom - length;
    }
    parts.push(from === 0 && to === segment.length ? segment : segment.slice(from, to));
    length += to - from;
  };
  for (let r = 0; r < ranges.length; r++) {
    const [from, to] = ranges[r];
    const before = length;
    const segment = source.slice(from, to).toLowerCase();
    let last = 0;
    // A single space at either edge of a range is a break too (the general path drops or merges it).
    if (segment.charCodeAt(0) === SPACE && !isBlankCode(segment.charCodeAt(1))) {
      if (pending === 0) pendingStart = from;
      pending = Math.max(pending, 1);
      pendingEnd = from + 1;
      last = 1;
    }
    const trailing =
      segment.length > last && segment.charCodeAt(segment.length - 1) === SPACE && !isBlankCode(segment.charCodeAt(segment.length - 2))
        ? 1
        : 0;
    for (const m of matchesOf(IRREGULAR_SPACE, segment)) {
      emitChunk(segment, last, m.index, from + last);
      let newlines = 0;
      for (let k = 0; k < m[0].length; k++) if (m[0].charCodeAt(k) === 10) newlines++;
      if (pending === 0) pendingStart = from + m.index;
      pending = Math.max(pending, newlines >= 2 ? 2 : 1);
      pendingEnd = from + m.index + m[0].length;
      last = m.index + m[0].length;
    }
    emitChunk(segment, last, segment.length - trailing, from + last);
    if (trailing && last < segment.length) {
      if (pending === 0) pendingStart = from + segment.length - 1;
      pending = Math.max(pending, 1);
      pendingEnd = from + segment.length;
    }
    if (bounds) recordBounds(bounds, r, before, length);
    if (length > 0) {
      if (pending === 0) {
        pendingStart = from + segment.length;
        pendingEnd = pendingStart;
      }
      pending = 2;
    }
  }
  return {
    text: parts.join(''),
    starts: null,
    ends: null,
    breaks: {
      norm: Int32Array.from(norm.length ? norm : [0]),
      orig: Int32Array.from(orig.length ? orig : [0]),
      origEnd: Int32Array.from(origEnd.length ? origEnd : [-1]),
    },
  };
}
