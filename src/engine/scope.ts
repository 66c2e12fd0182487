/**
 * Extract and scope: one scan of a field for every phrase, anchor, co-occurrence word and scope cue of the
 * pack, regexes run around their anchors, then each hit's scope (negated, ruled out, or a bare mention
 * that carries no weight).
 */
import { spanOf, type FieldText } from './entities';
import { isWordChar } from './literal-matcher';
import type { CompiledPack } from './pack';
import { matchesOf } from './regex-matches';
import type { Span } from './types';

interface RawHit {
  readonly symptom: number;
  readonly start: number;
  readonly end: number;
}

interface Cue {
  readonly start: number;
  readonly end: number;
  /** Before-cues only: whether it also rules out a bare mention. */
  readonly rulesOut?: boolean;
}

export interface ScopedHit {
  readonly symptom: number;
  readonly span: Span;
  readonly negated: boolean;
  /** Where the hit starts in its field's normalized text (absent for symptoms derived from entities). */
  readonly at?: number;
}

/**
 * Sentence ends and contrast words stop a cue from reaching a symptom, and so does a comma right after the
 * cue: "no, it's greyed out" answers a question, it does not negate what follows.
 */
function crossesBoundary(text: string, from: number, to: number): boolean {
  let first = from;
  while (first < to && text.charCodeAt(first) === 32) first++;
  if (first < to && text.charCodeAt(first) === 44) return true; // ","
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 33 || c === 63 || c === 59 || c === 10) return true; // ! ? ; \n
    if (c === 46 && (i + 1 >= text.length || text.charCodeAt(i + 1) === 32)) return true; // ". "
  }
  const gap = text.slice(from, to);
  return / (but|however|though|although|aber|pero|mais|mas) /.test(` ${gap} `);
}

/** Longest match wins: a hit inside a longer hit (of any symptom) is dropped. */
function dropContained(hits: RawHit[]): RawHit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: RawHit[] = [];
  let maxEnd = -1;
  for (const hit of hits) {
    if (hit.end <= maxEnd) continue;
    kept.push(hit);
    maxEnd = hit.end;
  }
  return kept;
}

/** Cues inside a symptom's own words ("not" in "not enough storage") are part of it, not scope. */
function withoutCuesInsideHits(cues: readonly Cue[], hits: readonly RawHit[]): Cue[] {
  if (cues.length === 0) return [];
  return cues.filter((cue) => {
    // hits are sorted by start with growing ends: find the last hit starting at or before the cue.
    let lo = 0;
    let hi = hits.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (hits[mid].start <= cue.start) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 || hits[found].end < cue.end;
  });
}

interface NearHit {
  readonly symptom: number;
  readonly side: 'nearA' | 'nearB';
  readonly start: number;
  readonly end: number;
}

/**
 * Co-occurrence hits are a fallback: one that overlaps a phrase or regex hit is dropped (the phrase says
 * the same thing more precisely), the rest join the hits in start order.
 */
function withFallbackHits(hits: RawHit[], fallback: readonly RawHit[], isMention: readonly boolean[]): RawHit[] {
  if (fallback.length === 0) return hits;
  const overlaps = (a: RawHit, b: RawHit) => a.start < b.end && b.start < a.end;
  const kept = fallback.filter((f) => !hits.some((h) => !isMention[h.symptom] && overlaps(h, f)));
  if (kept.length === 0) return hits;
  // Bare mentions inside a kept co-occurrence are part of it.
  const rest = hits.filter((h) => !(isMention[h.symptom] && kept.some((f) => h.start >= f.start && h.end <= f.end)));
  return [...rest, ...kept].sort((a, b) => a.start - b.start || b.end - a.end);
}

/** Longest co-occurrence word the scan looks back over (a window bound, not a limit on words). */
const MAX_NEAR_WORD = 40;

/**
 * Pairs co-occurrence words: an a-word and a b-word of one symptom, close together in one clause. Hits are
 * sorted by start and each a-word looks only at the words in its window, so the cost stays linear.
 */
function pairNearHits(text: string, hits: NearHit[], pack: CompiledPack, out: RawHit[]): void {
  hits.sort((x, y) => x.start - y.start);
  const paired = new Set<number>();
  for (let i = 0; i < hits.length; i++) {
    const a = hits[i];
    if (a.side !== 'nearA' || paired.has(a.symptom)) continue;
    const within = pack.definition.symptoms[a.symptom].near?.within ?? 0;
    const matches = (b: NearHit) => {
      if (b.side !== 'nearB' || b.symptom !== a.symptom) return false;
      const [first, second] = a.start <= b.start ? [a, b] : [b, a];
      return second.start >= first.end && second.start - first.end <= within && !crossesBoundary(text, first.end, second.start);
    };
    let found: NearHit | undefined;
    for (let j = i + 1; j < hits.length && hits[j].start <= a.end + within && !found; j++) if (matches(hits[j])) found = hits[j];
    for (let j = i - 1; j >= 0 && hits[j].start >= a.start - within - MAX_NEAR_WORD && !found; j--) if (matches(hits[j])) found = hits[j];
    if (!found) continue;
    // One hit per symptom is all the diagnosis uses.
    paired.add(a.symptom);
    out.push({ symptom: a.symptom, start: Math.min(a.start, found.start), end: Math.max(a.end, found.end) });
  }
}

/** A regex match contains one of its anchors, so it lies within this many characters of an anchor hit. */
const REGEX_WINDOW = 200;

/**
 * Runs a symptom regex only around its anchor hits (windows widened to word edges, overlapping windows
 * merged), so its cost follows the anchors found, not the length of the ticket.
 */
function runRegexNearAnchors(text: string, rule: { regex: RegExp; symptom: number }, anchorRanges: readonly number[], out: RawHit[]): void {
  let k = 0;
  while (k < anchorRanges.length) {
    let from = Math.max(0, anchorRanges[k] - REGEX_WINDOW);
    let to = Math.min(text.length, anchorRanges[k + 1] + REGEX_WINDOW);
    k += 2;
    while (k < anchorRanges.length && anchorRanges[k] - REGEX_WINDOW <= to) {
      to = Math.min(text.length, Math.max(to, anchorRanges[k + 1] + REGEX_WINDOW));
      k += 2;
    }
    while (from > 0 && isWordChar(text.charCodeAt(from - 1))) from--;
    while (to < text.length && isWordChar(text.charCodeAt(to))) to++;
    const windowText = from === 0 && to === text.length ? text : text.slice(from, to);
    for (const m of matchesOf(rule.regex, windowText)) {
      if (m[0].length > 0) out.push({ symptom: rule.symptom, start: from + m.index, end: from + m.index + m[0].length });
    }
  }
}

/** Cue hits arrive sorted by end offset: test only those ending within [from, to]. */
function cueInWindow(cues: readonly Cue[], from: number, to: number, accept: (cue: Cue) => boolean): boolean {
  let lo = 0;
  let hi = cues.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cues[mid].end < from) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < cues.length && cues[k].end <= to; k++) if (accept(cues[k])) return true;
  return false;
}

const MAX_CUE_LENGTH = 40;

/** Whether a symptom that is not a bare mention lies between hit `index` and a cue starting at `cueStart`. */
function problemBetween(hits: readonly RawHit[], index: number, cueStart: number, isMention: readonly boolean[]): boolean {
  for (let j = index + 1; j < hits.length && hits[j].start < cueStart; j++) {
    if (!isMention[hits[j].symptom]) return true;
  }
  return false;
}

/** Symptom hits of one field with their scope (negated or not). */
export function scanField(pack: CompiledPack, field: FieldText): ScopedHit[] {
  const text = field.norm.text;
  const literals = pack.matcher.scan(text);
  const raw: RawHit[] = [];
  const negBefore: Cue[] = [];
  const negAfter: Cue[] = [];
  let anchorHits: Map<number, number[]> | undefined;
  let nearHits: NearHit[] | undefined;
  for (const lit of literals) {
    const target = lit.target;
    if (target.kind === 'phrase') raw.push({ symptom: target.symptom, start: lit.start, end: lit.end });
    else if (target.kind === 'nearA' || target.kind === 'nearB')
      (nearHits ??= []).push({ symptom: target.symptom, side: target.kind, start: lit.start, end: lit.end });
    else if (target.kind === 'anchor') {
      anchorHits ??= new Map();
      const at = anchorHits.get(target.regex);
      if (at) at.push(lit.start, lit.end);
      else anchorHits.set(target.regex, [lit.start, lit.end]);
    } else if (target.kind === 'negBefore') negBefore.push({ start: lit.start, end: lit.end, rulesOut: target.rulesOut });
    else negAfter.push(lit);
  }
  if (anchorHits) for (const [index, at] of anchorHits) runRegexNearAnchors(text, pack.regexes[index], at, raw);
  const nearRaw: RawHit[] = [];
  if (nearHits) pairNearHits(text, nearHits, pack, nearRaw);
  if (raw.length === 0 && nearRaw.length === 0) return [];
  const hits = withFallbackHits(dropContained(raw), nearRaw, pack.isMention);
  const before = withoutCuesInsideHits(negBefore, hits);
  const after = withoutCuesInsideHits(negAfter, hits);
  const { windowBefore, windowAfter } = pack.definition.scope;
  const { negatesSomethingElse } = pack.plugins;

  const scoped: ScopedHit[] = [];
  hits.forEach((hit, index) => {
    let negated = false;
    if (pack.scoped[hit.symptom]) {
      const mention = pack.isMention[hit.symptom];
      negated = cueInWindow(
        before,
        hit.start - windowBefore,
        hit.start,
        (c) =>
          (c.rulesOut === true || !mention) &&
          c.end <= hit.start &&
          !crossesBoundary(text, c.end, hit.start) &&
          !(negatesSomethingElse !== undefined && negatesSomethingElse(text, c.end, hit.start)),
      );
      if (!negated && pack.isMention[hit.symptom] && after.length > 0) {
        negated = cueInWindow(
          after,
          hit.end,
          hit.end + windowAfter + MAX_CUE_LENGTH,
          (c) =>
            c.start >= hit.end &&
            c.start - hit.end <= windowAfter &&
            !crossesBoundary(text, hit.end, c.start) &&
            !problemBetween(hits, index, c.start, pack.isMention),
        );
      }
    }
    // A mention that nothing negates carries no weight: skip it before building its span.
    if (!negated && pack.isMention[hit.symptom]) return;
    scoped.push({ symptom: hit.symptom, span: spanOf(field, hit.start, hit.end), negated, at: hit.start });
  });
  return scoped;
}
