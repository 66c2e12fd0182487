/**
 * The triage pipeline: normalize -> extract (symptoms, scope, entities) ->
 * diagnose (weighted evidence, priors, softmax) -> recommend (macros) ->
 * render. Pure and synchronous; the same input always gives the same result.
 */
import type { DerivedRule, CompiledPack } from './pack';
import { extractEntities, storageSummary, type FieldText, type TicketEntities } from './entities';
import { isWordChar } from './literal-matcher';
import { normalizeText } from './normalize';
import { matchesOf } from './regex-matches';
import { spanOf } from './entities';
import { renderMacro } from './macro-render';
import { recommend } from './recommend';
import { decide } from './decision';
import {
  EMPTY_FIX_STATS,
  type CauseScore,
  type Evidence,
  type Span,
  type SymptomHit,
  type TriageInput,
  type TriageOptions,
  type TriageResult,
} from './types';

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
}

const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** Share of reassuring evidence that still counts against a cause the ticket states a specific problem for. */
const REASSURANCE_AGAINST_STATED = 0.3;

/** Learned cause weights stay within +-1.5 (a strong symptom weighs 3 to 4); half of that after ~4 net verdicts. */
const LEARNED_WEIGHT_BOUND = 1.5;
const LEARNED_WEIGHT_SCALE = 8;

/** Sentence ends and contrast words stop a cue from reaching a symptom. */
function crossesBoundary(text: string, from: number, to: number): boolean {
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

/** "no backup on the boat", "not backing up since the router died": the negation is about the backup. */
function negatesTheBackup(text: string, from: number, to: number): boolean {
  const gap = text.slice(from, to);
  return gap.includes('backup') || gap.includes('back up') || gap.includes('backing up') || gap.includes('backed up');
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

export class TriageEngine {
  readonly packVersion: string;

  constructor(private readonly pack: CompiledPack) {
    this.packVersion = pack.version;
  }

  /** Symptom hits of one field with their scope (negated or not). */
  scanField(field: FieldText): ScopedHit[] {
    const { pack } = this;
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
      else if (target.kind === 'nearA' || target.kind === 'nearB') (nearHits ??= []).push({ symptom: target.symptom, side: target.kind, start: lit.start, end: lit.end });
      else if (target.kind === 'anchor') {
        anchorHits ??= new Map();
        const at = anchorHits.get(target.regex);
        if (at) at.push(lit.start, lit.end);
        else anchorHits.set(target.regex, [lit.start, lit.end]);
      }
      else if (target.kind === 'negBefore') negBefore.push({ start: lit.start, end: lit.end, rulesOut: target.rulesOut });
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
            !negatesTheBackup(text, c.end, hit.start),
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
      scoped.push({ symptom: hit.symptom, span: spanOf(field, hit.start, hit.end), negated });
    });
    return scoped;
  }

  private derivedHits(entities: TicketEntities): ScopedHit[] {
    const out: ScopedHit[] = [];
    for (const { symptom, rule } of this.pack.derivedSymptoms) {
      const span = evaluateDerived(rule, entities, this.pack.definition.latestIosMajor);
      if (span) out.push({ symptom, span, negated: false });
    }
    return out;
  }

  triage(input: TriageInput, options: TriageOptions = {}): TriageResult {
    const { pack } = this;
    const def = pack.definition;
    const fields: FieldText[] = [];
    if (input.subject) fields.push({ field: 'subject', original: input.subject, norm: normalizeText(input.subject) });
    fields.push({ field: 'description', original: input.description ?? '', norm: normalizeText(input.description ?? '') });

    const entities = extractEntities(fields);
    const scoped: ScopedHit[] = [];
    for (const field of fields) scoped.push(...this.scanField(field));
    scoped.push(...this.derivedHits(entities));

    // One vote per symptom: a present hit outweighs a negated one.
    const bySymptom = new Map<number, ScopedHit>();
    for (const hit of scoped) {
      const seen = bySymptom.get(hit.symptom);
      if (!seen || (seen.negated && !hit.negated)) bySymptom.set(hit.symptom, hit);
    }

    const raw = def.causes.map((c) => c.prior);
    const evidence: Evidence[][] = def.causes.map(() => []);
    const symptoms: SymptomHit[] = [];
    const tried = new Set<string>();
    const presentSymptoms: string[] = [];
    // Causes with a specific problem stated: reassurance about them ("the wifi in the office is fine",
    // "it is plugged in") then likely speaks of another place, time or part and counts for less.
    // Fixes already tried keep their full weight.
    const isReassurance = (index: number) =>
      def.symptoms[index].tried.length === 0 && !pack.symptomWeights[index].some(([, w]) => w >= 2);
    const stated = new Set<number>();
    for (const [index, hit] of bySymptom) {
      if (hit.negated || pack.isMention[index]) continue;
      for (const [cause, weight] of pack.symptomWeights[index]) if (weight >= 2) stated.add(cause);
    }
    for (const [index, hit] of bySymptom) {
      const symptomDef = def.symptoms[index];
      const pairs = hit.negated ? pack.negatedWeights[index] : pack.symptomWeights[index];
      if (pairs.length === 0) continue;
      const isTried = !hit.negated && symptomDef.tried.length > 0;
      if (isTried) for (const macroId of symptomDef.tried) tried.add(pack.macroAliases.get(macroId) ?? macroId);
      if (!hit.negated) presentSymptoms.push(symptomDef.id);
      const scope = hit.negated ? 'negated' : isTried ? 'tried' : 'present';
      symptoms.push({ id: symptomDef.id, ...hit.span, polarity: scope });
      for (const [cause, fullWeight] of pairs) {
        const weight = fullWeight < 0 && stated.has(cause) && isReassurance(index) ? round4(fullWeight * REASSURANCE_AGAINST_STATED) : fullWeight;
        raw[cause] += weight;
        // A present symptom that rules a cause out ("wifi is fine") counts against it as negated evidence.
        const polarity = scope === 'present' && weight < 0 ? 'negated' : scope;
        evidence[cause].push({ symptom: symptomDef.id, ...hit.span, weight, polarity });
      }
    }

    this.addLearnedWeights(options, bySymptom, raw, evidence);

    const probabilities = softmax(raw, def.temperature);
    const order = raw.map((_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);
    const causes: CauseScore[] = order
      .map((i) => ({ id: pack.causeIds[i], score: round4(probabilities[i]), evidence: evidence[i] }))
      .filter((c) => c.score > 0);
    const top = order[0];

    const recommendation = recommend({
      pack,
      stats: options.stats ?? EMPTY_FIX_STATS,
      exploration: options.exploration ?? 'off',
      random: options.random ?? Math.random,
      causes: order.map((i) => ({ id: pack.causeIds[i], probability: probabilities[i] })),
      symptoms: presentSymptoms,
      tried,
    });
    symptoms.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'subject' ? -1 : 1));

    return {
      cause: { id: pack.causeIds[top], confidence: round4(probabilities[top]) },
      causes,
      symptoms,
      entities: entitiesView(entities, symptoms),
      macro: recommendation.primaryStats
        ? { ...renderMacro(recommendation.primary, input, entities.device), stats: recommendation.primaryStats }
        : renderMacro(recommendation.primary, input, entities.device),
      alternatives: recommendation.alternatives,
      tried: [...tried],
      packVersion: pack.version,
      modelVersion: `${pack.version}/0`,
      ...decide(round4(probabilities[top]), options.gate),
      language: { code: 'en', confidence: 0 },
    };
  }

  /**
   * Learned weight of a present symptom for a cause, from agents' overrides and confirmed outcomes:
   * bounded, so feedback can tip a close call but never outvote the rules.
   */
  private addLearnedWeights(
    options: TriageOptions,
    bySymptom: ReadonlyMap<number, ScopedHit>,
    raw: number[],
    evidence: Evidence[][],
  ): void {
    const feedback = options.causeFeedback?.bySymptomCause;
    if (!feedback) return;
    const { pack } = this;
    for (const [index, hit] of bySymptom) {
      if (hit.negated) continue;
      const symptomId = pack.definition.symptoms[index].id;
      const row = feedback[symptomId];
      if (!row) continue;
      for (const [causeId, net] of Object.entries(row)) {
        const cause = pack.causeIds.indexOf(causeId);
        if (cause < 0 || net === 0) continue;
        const weight = round4(LEARNED_WEIGHT_BOUND * Math.tanh(net / LEARNED_WEIGHT_SCALE));
        if (weight === 0) continue;
        raw[cause] += weight;
        evidence[cause].push({ symptom: symptomId, ...hit.span, weight, polarity: 'present', learned: true });
      }
    }
  }
}

function softmax(raw: readonly number[], temperature: number): number[] {
  const max = Math.max(...raw);
  const exps = raw.map((r) => Math.exp((r - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function evaluateDerived(rule: DerivedRule, entities: TicketEntities, latestIosMajor: number): Span | undefined {
  switch (rule) {
    case 'storage_nearly_full': {
      const s = storageSummary(entities.storage);
      const tight =
        (s.neededGb !== undefined && s.availableGb !== undefined && s.neededGb > s.availableGb) ||
        (s.usedGb !== undefined && s.totalGb !== undefined && s.totalGb > 0 && s.usedGb / s.totalGb >= 0.95) ||
        (s.neededGb !== undefined && s.totalGb !== undefined && s.neededGb > s.totalGb);
      return tight ? entities.storage[0]?.span : undefined;
    }
    case 'storage_plenty': {
      const s = storageSummary(entities.storage);
      const tight = s.neededGb !== undefined && s.availableGb !== undefined && s.neededGb > s.availableGb;
      const plenty = s.availableGb !== undefined && s.availableGb >= 5;
      return plenty && !tight ? entities.storage.find((e) => e.availableGb !== undefined || e.totalGb !== undefined)?.span : undefined;
    }
    case 'ios_old':
      return entities.iosVersion && entities.iosVersion.major <= latestIosMajor - 2 ? entities.iosVersion.span : undefined;
    case 'ios_current':
      return entities.iosVersion && entities.iosVersion.major >= latestIosMajor && entities.iosVersion.minor >= 1
        ? entities.iosVersion.span
        : undefined;
    case 'long_running':
      return entities.durations.find((d) => d.unit === 'hour' && (d.hours ?? 0) >= 2)?.span;
  }
}

/** Entities as JSON; a quoted message lists the symptoms found in it, so a misquoted alert is still recognized. */
function entitiesView(e: TicketEntities, symptoms: readonly SymptomHit[]): Record<string, unknown> {
  const span = (s: Span) => ({ field: s.field, text: s.text, start: s.start, end: s.end });
  const view: Record<string, unknown> = {};
  if (e.device) {
    view.device = { model: e.device.model, family: e.device.family, homeButton: e.device.homeButton, ...span(e.device.span) };
  }
  if (e.devices.length > 1) view.devices = e.devices.map((d) => ({ model: d.model, ...span(d.span) }));
  if (e.iosVersion) view.iosVersion = { version: e.iosVersion.version, major: e.iosVersion.major, ...span(e.iosVersion.span) };
  if (e.storage.length) {
    const summary = storageSummary(e.storage);
    const gb = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 100) / 100);
    view.storage = {
      usedGb: gb(summary.usedGb),
      totalGb: gb(summary.totalGb),
      neededGb: gb(summary.neededGb),
      availableGb: gb(summary.availableGb),
      mentions: e.storage.map((s) => ({
        field: s.span.field,
        text: s.span.text,
        start: s.span.start,
        end: s.span.end,
        usedGb: s.usedGb,
        totalGb: s.totalGb,
        neededGb: s.neededGb,
        availableGb: s.availableGb,
      })),
    };
  }
  if (e.durations.length) {
    view.durations = e.durations.map((d) => ({ amount: d.amount, unit: d.unit, hours: d.hours, field: d.span.field, text: d.span.text, start: d.span.start, end: d.span.end }));
  }
  if (e.messages.length) {
    view.messages = e.messages.map((m) => ({
      ...span(m.span),
      symptoms: symptoms
        .filter((h) => h.field === m.span.field && h.start >= m.span.start && h.end <= m.span.end && h.polarity !== 'negated')
        .map((h) => h.id),
    }));
  }
  return view;
}
