/**
 * Normalization: the customer's own words, folded for matching, with a map
 * from every normalized character back to the original text.
 *
 * 1. HTML: tags dropped (block tags become line breaks, <blockquote> and
 *    <script>/<style> are removed with their content), entities decoded with
 *    the full HTML5 table (strict: an entity ends with ";").
 * 2. Lines that are not the customer's: quoted replies ("> ", "On ... wrote:"
 *    and all after it), forwarded headers, signatures, legal disclaimers and
 *    agent lines of transcripts (except a yes/no question the customer answered).
 * 3. Folding: lower case, diacritics removed, invisible format characters
 *    (Unicode Cf) dropped, Unicode quotes/dashes to ASCII, whitespace runs to
 *    one space (a blank line becomes "\n").
 * 4. Discourse: late revisions, reported speech and answered agent questions,
 *    as optional fields of NormalizedText (see there).
 */

import { DecodingMode, EntityDecoder, htmlDecodeTree } from 'entities/decode';
import { analyzeDiscourse, answerPolarity, closingYesNoQuestion, speakerOf } from './discourse';
import { matchesOf } from './regex-matches';

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

/** An entity's decoded character when it is one, else the normalized character. */
function foldedEntity(source: string, normalized: string): string {
  if (source.charCodeAt(0) !== 38) return normalized;
  const length = decodeEntityAt(source, 0);
  return length === source.length && entityText ? entityText : normalized;
}

// ---------- character folding ----------

const SPECIAL_FOLDS: Record<string, string> = {
  'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ı': 'i',
  '‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '`': "'", '´': "'",
  '“': '"', '”': '"', '„': '"', '«': '"', '»': '"', '″': '"', '‹': "'", '›': "'",
  '‐': '-', '‑': '-', '‒': '-', '–': '-', '—': '-', '―': '-', '−': '-',
  '…': '...', '\u00a0': ' ', '\u2009': ' ', '\u202f': ' ', '\u200b': '', '\u200c': '', '\u200d': '', '\ufeff': '',
  '¿': ' ', '¡': ' ',
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
function foldRanges(
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

// ---------- HTML ----------

const BLOCK_TAGS = new Set(['br', 'p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'hr']);
const DROP_CONTENT_TAGS = new Set(['blockquote', 'script', 'style', 'head']);

interface Mapped {
  readonly text: string;
  readonly starts: Int32Array | null;
  readonly ends: Int32Array | null;
}

/**
 * HTML entities: the full HTML5 table of the `entities` package, named (`&laquo;`, `&iquest;`,
 * `&NotEqualTilde;`) and numeric (`&#233;`, `&#xE9;`). Entities must end with ";" (strict mode), so
 * plain-text tickets keep an "&" that only looks like the start of one ("AT&T", "R&D", "&copy 2024").
 * The decoder reads at most one entity name or one run of digits from each "&", so the scan stays linear.
 */
let entityText = '';
const entityDecoder = new EntityDecoder(htmlDecodeTree, (codePoint) => {
  entityText += String.fromCodePoint(codePoint);
});

/** Length of the entity starting with the "&" at `at` (0: none); its text is left in `entityText`. */
function decodeEntityAt(source: string, at: number): number {
  entityText = '';
  entityDecoder.startEntity(DecodingMode.Strict);
  let length = entityDecoder.write(source, at + 1);
  if (length < 0) length = entityDecoder.end();
  if (length <= 0) entityText = '';
  return length > 0 ? length : 0;
}

/** A tag at the current position; attributes may not contain "<", so an unterminated tag costs little. */
const TAG_AT = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]{0,1000}>/y;

/** Strips tags (block tags become line breaks) and decodes entities; each output character keeps its source range. */
function stripHtml(source: string): Mapped {
  if (!/[<&]/.test(source)) return { text: source, starts: null, ends: null };
  const out: string[] = [];
  // Source offsets of each output character. The output is never longer than the source (an entity or tag is
  // replaced by fewer characters than it has), so these are allocated once; growth is only a safeguard.
  let starts = new Int32Array(source.length + 2);
  let ends = new Int32Array(source.length + 2);
  let n = 0;
  const map = (start: number, end: number, count: number) => {
    if (n + count > starts.length) {
      const grown = Math.max(starts.length * 2, n + count);
      starts = grownCopy(starts, grown);
      ends = grownCopy(ends, grown);
    }
    for (let k = 0; k < count; k++) {
      starts[n] = start;
      ends[n] = end;
      n++;
    }
  };
  // Plain text is appended in runs (source[copiedTo, i) is mapped but not appended yet): one piece per run
  // rather than per character keeps the final join linear on long inputs.
  let copiedTo = 0;
  /** source[at, end) becomes piece (empty: dropped). */
  const replace = (at: number, end: number, piece: string) => {
    if (at > copiedTo) out.push(source.slice(copiedTo, at));
    if (piece) {
      out.push(piece);
      map(at, end, piece.length);
    }
    copiedTo = end;
  };
  let lower: string | undefined; // lower-cased source, made once when a tag's content must be skipped
  let commentEnd = -2; // where the next "-->" was found (-1: there is none), searched again only when passed
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '<') {
      if (source.startsWith('<!--', i)) {
        if (commentEnd !== -1 && commentEnd < i + 4) commentEnd = source.indexOf('-->', i + 4);
        if (commentEnd >= 0) {
          replace(i, commentEnd + 3, '');
          i = commentEnd + 3;
          continue;
        }
      } else {
        TAG_AT.lastIndex = i;
        const m = TAG_AT.exec(source);
        if (m) {
          const name = m[1].toLowerCase();
          const closing = m[0][1] === '/';
          if (!closing && DROP_CONTENT_TAGS.has(name)) {
            lower ??= source.toLowerCase();
            const closeAt = lower.indexOf(`</${name}`, i + m[0].length);
            const closeEnd = closeAt < 0 ? source.length : source.indexOf('>', closeAt) + 1 || source.length;
            replace(i, closeEnd, '\n\n');
            i = closeEnd;
            continue;
          }
          replace(i, i + m[0].length, BLOCK_TAGS.has(name) ? (name === 'br' ? '\n' : '\n\n') : '');
          i += m[0].length;
          continue;
        }
      }
    } else if (ch === '&') {
      const length = decodeEntityAt(source, i);
      if (length > 0) {
        replace(i, i + length, entityText);
        i += length;
        continue;
      }
    }
    map(i, i + 1, 1);
    i++;
  }
  if (source.length > copiedTo) out.push(source.slice(copiedTo));
  return { text: out.join(''), starts: starts.slice(0, n), ends: ends.slice(0, n) };
}

function grownCopy(source: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(length);
  grown.set(source);
  return grown;
}

// ---------- lines that are not the customer's ----------

const REPLY_HEADER = /^\s*(on\b.{0,200}\bwrote:|le\b.{0,200}\ba [ée]crit\s?:|am\b.{0,200}\bschrieb.{0,60}:|el\b.{0,200}\bescribi[óo]:|em\b.{0,200}\bescreveu:)\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(original message|mensaje original|urspr[üu]ngliche nachricht|message d'origine|mensagem original)\s*-*\s*$/i;
const FORWARD_MARKER = /^\s*(-{2,}\s*(forwarded message|weitergeleitete nachricht|mensaje reenviado|message transf[ée]r[ée]|mensagem encaminhada)\s*-*|begin forwarded message:)\s*$/i;
const HEADER_LINE = /^\s*(from|sent|to|cc|date|subject|von|gesendet|an|betreff|datum|de|para|enviado|asunto|fecha|envoy[ée]|[àa]|objet)\s*:/i;
const SIGNATURE_DELIMITER = /^--\s?$/;
const SENT_FROM = /^\s*(sent from my|get outlook for|von meinem .{0,30} gesendet|enviado desde mi|envoy[ée] de mon|enviado do meu)\b/i;
const CLOSING = /^\s*((kind|best|warm|many|with kind)\s+)?(regards|thanks|thank you( very much| so much)?|thanks in advance|thx|cheers|best|sincerely|yours|best wishes|mfg|mit freundlichen gr[üu](ß|ss)en|freundliche gr[üu](ß|ss)e|viele gr[üu](ß|ss)e|liebe gr[üu](ß|ss)e|sch[öo]ne gr[üu](ß|ss)e|gru(ß|ss)|danke( sch[öo]n)?|vielen dank|cordialement|bien [àa] vous|merci( beaucoup)?|saludos( cordiales)?|un saludo|gracias( por (la|tu|su) ayuda)?|muchas gracias|atentamente|obrigad[oa]|abra[çc]os|atenciosamente)\s*[,.!]*\s*$/i;
const DISCLAIMER_WORDS = ['confidential', 'privileged', 'intended solely', 'intended only', 'intended for the', 'received this', 'vertraulich', 'confidencial', 'confidentiel'];
const AGENT_LINE = /^\s*(agent|support|rep|representative|advisor)\s*:/i;
const SEPARATOR = /^\s*(-{3,}|_{3,}|={3,})\s*$/;

interface Line {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      lines.push({ start, end: text.length, text: text.slice(start) });
      return lines;
    }
    lines.push({ start, end, text: text.slice(start, end) });
    start = end + 1;
  }
}

const isBlank = (line: Line) => line.text.trim() === '';

/** An agent's yes/no question the customer answered: its offsets in the text, and the answer. */
interface AnsweredQuestion {
  readonly start: number;
  readonly end: number;
  readonly answer: 'yes' | 'no';
}

function isAgentLine(line: string): boolean {
  if (AGENT_LINE.test(line)) return true;
  const colon = line.indexOf(':');
  return colon > 0 && colon < 80 && speakerOf(line)?.role === 'agent';
}

/**
 * The yes/no question closing the agent's line `i` when the next line (after blank ones) is the
 * customer's answer starting with yes or no ("Is it on Wi-Fi at night?" / "no, only 5G").
 */
function answeredQuestion(lines: readonly Line[], i: number): AnsweredQuestion | null {
  const speaker = speakerOf(lines[i].text);
  const bodyStart = speaker?.bodyStart ?? lines[i].text.indexOf(':') + 1;
  const question = closingYesNoQuestion(lines[i].text.slice(bodyStart));
  if (!question) return null;
  let j = i + 1;
  while (j < lines.length && j <= i + 3 && isBlank(lines[j])) j++;
  if (j >= lines.length || j > i + 3) return null;
  const next = lines[j].text;
  if (/^\s*>/.test(next) || isAgentLine(next)) return null;
  const answerSpeaker = next.indexOf(':') >= 0 ? speakerOf(next) : null;
  const answer = answerPolarity(answerSpeaker ? next.slice(answerSpeaker.bodyStart) : next);
  if (!answer) return null;
  const at = lines[i].start + bodyStart;
  return { start: at + question[0], end: at + question[1], answer };
}

interface CustomerRanges {
  /** Kept ranges of the text, in order. */
  readonly ranges: [number, number][];
  /** Answered agent questions, each kept as a range of its own: indexes into `ranges`. */
  readonly questions: { readonly range: number; readonly answer: 'yes' | 'no' }[];
}

/** Marks the lines to keep; returns kept ranges of the text. */
function customerRanges(text: string): CustomerRanges {
  const lines = splitLines(text);
  const keep = lines.map(() => true);
  const answered = new Map<number, AnsweredQuestion>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i].text;
    // Headers, closings and signatures are short lines; long lines are the customer's text.
    if (line.length > 300) {
      i++;
      continue;
    }
    if (REPLY_HEADER.test(line) || ORIGINAL_MESSAGE.test(line) || SIGNATURE_DELIMITER.test(line)) {
      for (let k = i; k < lines.length; k++) keep[k] = false;
      break;
    }
    if (FORWARD_MARKER.test(line)) {
      keep[i] = false;
      let k = i + 1;
      while (k < lines.length && (HEADER_LINE.test(lines[k].text) || isBlank(lines[k]))) keep[k++] = false;
      i = k;
      continue;
    }
    if (/^\s*>/.test(line) || SENT_FROM.test(line)) {
      keep[i] = false;
    } else if (isAgentLine(line)) {
      // An agent's words are not the customer's, but a yes/no question the customer answered is a fact.
      keep[i] = false;
      const question = answeredQuestion(lines, i);
      if (question) answered.set(i, question);
    } else if (CLOSING.test(line)) {
      keep[i] = false;
      // Name, title and company lines under a closing; stops at a separator or a real sentence.
      let k = i + 1;
      while (k < lines.length && k <= i + 4) {
        const next = lines[k].text.trim();
        if (next === '' || SEPARATOR.test(next) || next.length > 60 || next.split(/\s+/).length > 8) break;
        keep[k++] = false;
      }
      i = k;
      continue;
    }
    i++;
  }
  // Legal disclaimers: whole paragraphs. A ticket never opens with one, so the first paragraph is skipped.
  let paraStart = lines.findIndex(isBlank) + 1;
  for (let k = paraStart; paraStart > 0 && k <= lines.length; k++) {
    if (k === lines.length || isBlank(lines[k])) {
      if (k > paraStart) {
        // The paragraph's lines joined by spaces, lower-cased (one slice of the text, not one string per line).
        const paragraph = text.slice(lines[paraStart].start, lines[k - 1].end);
        const lower = paragraph.length > 60 ? paragraph.toLowerCase().replace(/\n/g, ' ') : '';
        if (lower && DISCLAIMER_WORDS.some((w) => lower.includes(w))) {
          for (let j = paraStart; j < k; j++) keep[j] = false;
        }
      }
      paraStart = k + 1;
    }
  }
  const ranges: [number, number][] = [];
  const questions: CustomerRanges['questions'][number][] = [];
  let separate = false; // the last range is a question: never merged with the next line
  for (let k = 0; k < lines.length; k++) {
    if (!keep[k]) {
      const question = answered.get(k);
      if (question) {
        questions.push({ range: ranges.length, answer: question.answer });
        ranges.push([question.start, question.end]);
        separate = true;
      }
      continue;
    }
    const end = k + 1 < lines.length ? lines[k].end + 1 : lines[k].end;
    const last = ranges[ranges.length - 1];
    if (last && !separate && last[1] === lines[k].start) last[1] = end;
    else ranges.push([lines[k].start, end]);
    separate = false;
  }
  return { ranges, questions };
}

/** Whitespace or a control character (NaN past the end of a string counts as neither). */
const isBlankCode = (code: number) => code <= 32 || code === 127;

/** Whitespace that does not stay as it is: control characters, runs of two or more, and spaces at a range edge. */
const IRREGULAR_SPACE = /[\s\x00-\x1f\x7f]{2,}|[\t\n\r\f\v\x00-\x1f\x7f]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Fast path for ASCII text: lower-casing keeps every offset, so the text is built from native string
 * operations and the offset map only records where whitespace was collapsed or lines were cut.
 */
function foldAsciiRanges(source: string, ranges: readonly (readonly [number, number])[], bounds?: Int32Array): NormalizedText {
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
    const trailing = segment.length > last && segment.charCodeAt(segment.length - 1) === SPACE && !isBlankCode(segment.charCodeAt(segment.length - 2)) ? 1 : 0;
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
    breaks: { norm: Int32Array.from(norm.length ? norm : [0]), orig: Int32Array.from(orig.length ? orig : [0]), origEnd: Int32Array.from(origEnd.length ? origEnd : [-1]) },
  };
}

/** Normalizes one input field (subject or description). */
export function normalizeText(original: string): NormalizedText {
  const html = stripHtml(original);
  const kept = html.text.includes('\n') ? customerRanges(html.text) : { ranges: [[0, html.text.length] as [number, number]], questions: [] };
  const bounds = kept.questions.length > 0 ? new Int32Array(kept.ranges.length * 2) : undefined;
  const norm =
    html.starts === null && !NON_ASCII.test(html.text)
      ? foldAsciiRanges(html.text, kept.ranges, bounds)
      : foldRanges(html.text, html.starts, html.ends, kept.ranges, bounds);
  return withDiscourse(norm, original, kept.questions, bounds);
}

/** Adds the discourse fields that the text has (see NormalizedText). */
function withDiscourse(norm: NormalizedText, original: string, questions: CustomerRanges['questions'], bounds: Int32Array | undefined): NormalizedText {
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
