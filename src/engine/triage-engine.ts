/**
 * The triage pipeline: normalize -> extract (symptoms, scope, entities) ->
 * diagnose (weighted evidence, priors, softmax) -> recommend (macros) ->
 * render. Pure and synchronous; the same input always gives the same result.
 */
import type { DerivedRule, CompiledPack } from './pack';
import { extractEntities, storageSummary, type FieldText, type TicketEntities } from './entities';
import { isWordChar } from './literal-matcher';
import { customerOriginalText, normalizeText } from './normalize';
import { detectLanguage } from './language';
import { matchesOf } from './regex-matches';
import { spanOf } from './entities';
import { renderMacro } from './macro-render';
import { recommend } from './recommend';
import { decide } from './decision';
import { CauseModel, collectHashedFeatures, forEachHashedFeature, hashedScale, WordFeatures, type CauseModelWeights, type HashedFeatureVisitor } from './cause-model';
import {
  EMPTY_FIX_STATS,
  type CauseScore,
  type DetectedLanguage,
  type Evidence,
  type Span,
  type SymptomHit,
  type TriageInput,
  type TriageOptions,
  type TriageResult,
  type WordContribution,
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
  /** Where the hit starts in its field's normalized text (absent for symptoms derived from entities). */
  readonly at?: number;
}

/**
 * How a present hit stands in the ticket's discourse: `late` in a revision ("Update: ..."), `early` before
 * one, `reported` in someone else's words ("the store said ..."), `subject` only in the subject line.
 */
type Role = 'present' | 'late' | 'early' | 'reported' | 'subject';

/** Share of a symptom's hand-written weights its role keeps (the learned part may move it further). */
const ROLE_PRIOR: Readonly<Record<Role, number>> = { present: 1, late: 1.5, early: 0.6, reported: 0.4, subject: 1 };
/** Which hit of a symptom speaks for it, when it appears more than once. */
const ROLE_RANK: Readonly<Record<Role, number>> = { late: 5, present: 4, subject: 3, early: 2, reported: 1 };

const inRanges = (ranges: readonly (readonly [number, number])[] | undefined, at: number) =>
  ranges !== undefined && ranges.some(([from, to]) => at >= from && at < to);

const round4 = (x: number) => Math.round(x * 10000) / 10000;
/** Probabilities are shown to 4 places, rounded down: "at least this sure", so 0.99996 is never shown as 1. */
const floor4 = (x: number) => Math.floor(x * 10000) / 10000;

/** Share of reassuring evidence that still counts against a cause the ticket states a specific problem for. */
const REASSURANCE_AGAINST_STATED = 0.3;


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
  /** The cause-model weights in use: the pack's own (`model.json`) unless others are given. */
  readonly model: CauseModel;
  /** Scratch space for one ticket's word features (triage is synchronous, so one per engine). */
  private readonly words = new WordFeatures();
  /** Scratch: per token and cause, the learned word weight (grown as needed, reused). */
  private perToken = new Float64Array(8192);

  constructor(
    private readonly pack: CompiledPack,
    weights: CauseModelWeights | undefined = pack.modelWeights,
  ) {
    this.packVersion = pack.version;
    this.model = new CauseModel(pack.causeIds, weights);
  }

  get causeIds(): readonly string[] {
    return this.pack.causeIds;
  }

  get modelVersion(): string {
    return `${this.pack.version}/${this.model.version}`;
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
      scoped.push({ symptom: hit.symptom, span: spanOf(field, hit.start, hit.end), negated, at: hit.start });
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

  /**
   * What the rules find in a ticket: its fields, entities, the symptoms with their polarity, and the
   * named features the cause model scores, each with its hand-written weights.
   */
  analyse(input: TriageInput): TicketAnalysis {
    const { pack } = this;
    const def = pack.definition;
    const fields: FieldText[] = [];
    if (input.subject) fields.push({ field: 'subject', original: input.subject, norm: normalizeText(input.subject) });
    fields.push({ field: 'description', original: input.description ?? '', norm: normalizeText(input.description ?? '') });

    const entities = extractEntities(fields);
    const scoped: ScopedHit[] = [];
    for (const field of fields) scoped.push(...this.scanField(field));
    scoped.push(...this.derivedHits(entities));

    // Discourse: an agent's question answered "no" negates what it asks about; a hit's role says how
    // much its weights count.
    const normOf = (hit: ScopedHit) => fields.find((f) => f.field === hit.span.field)?.norm;
    const roleOf = (hit: ScopedHit): Role => {
      const norm = normOf(hit);
      if (hit.at === undefined || !norm) return 'present';
      if (inRanges(norm.reported, hit.at)) return 'reported';
      if (norm.lateFrom !== undefined) return hit.at >= norm.lateFrom ? 'late' : 'early';
      return hit.span.field === 'subject' ? 'subject' : 'present';
    };
    // A symptom that cannot be negated is simply not asserted by a question answered "no".
    const roles = new Map<ScopedHit, Role>();
    const asserted: ScopedHit[] = [];
    for (const hit of scoped) {
      const norm = normOf(hit);
      let kept = hit;
      if (!hit.negated && hit.at !== undefined && norm && inRanges(norm.negatedQuestions, hit.at)) {
        if (!pack.scoped[hit.symptom]) continue;
        kept = { ...hit, negated: true };
      }
      asserted.push(kept);
      roles.set(kept, roleOf(kept));
    }

    // One vote per symptom: a present hit outweighs a negated one; among present hits, the one whose role
    // speaks most for the customer (a revision, the body, the subject, before a revision, reported).
    const bySymptom = new Map<number, ScopedHit>();
    for (const hit of asserted) {
      const seen = bySymptom.get(hit.symptom);
      if (
        !seen ||
        (seen.negated && !hit.negated) ||
        (seen.negated === hit.negated && !hit.negated && ROLE_RANK[roles.get(hit) as Role] > ROLE_RANK[roles.get(seen) as Role])
      ) {
        bySymptom.set(hit.symptom, hit);
      }
    }

    const prior = new Float64Array(def.causes.length);
    def.causes.forEach((c, i) => (prior[i] = c.prior));
    const named: NamedFeature[] = [];
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
      const role = scope === 'present' ? (roles.get(hit) ?? 'present') : scope;
      const share = scope === 'present' ? ROLE_PRIOR[role as Role] : 1;
      const weights: (readonly [number, number])[] = [];
      for (const [cause, fullWeight] of pairs) {
        const adjusted = fullWeight < 0 && stated.has(cause) && isReassurance(index) ? fullWeight * REASSURANCE_AGAINST_STATED : fullWeight;
        const weight = round4(adjusted * share);
        prior[cause] += weight;
        weights.push([cause, weight]);
      }
      named.push({ name: `sym:${symptomDef.id}:${role}`, symptom: symptomDef.id, span: hit.span, scope, weights });
    }
    if (bySymptom.size === 0) named.push({ name: 'fact:no_symptom', weights: [] });
    const language = detectLanguage(fields.map((f) => customerOriginalText(f.norm, f.original)).join('\n'));
    if (language.confidence > 0) named.push({ name: `fact:lang:${language.code}`, weights: [] });
    for (let c = 0; c < prior.length; c++) prior[c] /= def.temperature;
    symptoms.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'subject' ? -1 : 1));
    return { fields, entities, prior, named, symptoms, tried, presentSymptoms, language };
  }

  /** Calls `visit` for every hashed word feature of an analysed ticket (the cause model's word part). */
  forEachWordFeature(analysis: TicketAnalysis, visit: HashedFeatureVisitor, model: CauseModel = this.model): void {
    forEachHashedFeature(analysis.fields.map((f) => f.norm), model.hashBits, model.charGrams, visit);
  }

  triage(input: TriageInput, options: TriageOptions = {}): TriageResult {
    const { pack, model } = this;
    const analysis = this.analyse(input);
    const k = pack.causeIds.length;
    const tau = model.temperature;

    // logit = priorScale * rules + bias + named deltas + damped word deltas.
    const logits = new Float64Array(k);
    for (let c = 0; c < k; c++) logits[c] = model.priorScale * analysis.prior[c] + model.bias[c];
    const deltas = analysis.named.map((f) => model.namedWeights(f.name));
    for (const d of deltas) if (d) for (let c = 0; c < k; c++) logits[c] += d[c];
    let wordScale = 0;
    let perToken: Float64Array | undefined;
    if (model.hasHashed) {
      const words = collectHashedFeatures(analysis.fields.map((f) => f.norm), model.hashBits, model.charGrams, this.words);
      const acc = new Float64Array(k);
      if (this.perToken.length < words.tokenCount * k) this.perToken = new Float64Array(words.tokenCount * k * 2);
      perToken = this.perToken;
      perToken.fill(0, 0, words.tokenCount * k);
      model.scoreWords(words, acc, perToken);
      wordScale = hashedScale(words.count);
      for (let c = 0; c < k; c++) logits[c] += wordScale * acc[c];
    }
    const probabilities = softmax(logits, tau);
    const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => probabilities[b] - probabilities[a] || a - b);

    const evidence = this.evidenceOf(analysis, deltas);
    const words = perToken ? this.wordsOf(analysis, order.slice(0, TOP_CAUSES_WITH_WORDS), wordScale, perToken) : undefined;
    const causes: CauseScore[] = order
      .map((i) => {
        const cause = { id: pack.causeIds[i], score: floor4(probabilities[i]), evidence: evidence[i] };
        const w = words?.get(i);
        return w ? { ...cause, words: w } : cause;
      })
      .filter((c) => c.score > 0);
    const top = order[0];
    const confidence = floor4(probabilities[top]);

    const recommendation = recommend({
      pack,
      stats: options.stats ?? EMPTY_FIX_STATS,
      exploration: options.exploration ?? 'off',
      random: options.random ?? Math.random,
      causes: order.map((i) => ({ id: pack.causeIds[i], probability: probabilities[i] })),
      symptoms: analysis.presentSymptoms,
      tried: analysis.tried,
    });

    return {
      cause: { id: pack.causeIds[top], confidence },
      causes,
      symptoms: analysis.symptoms,
      entities: entitiesView(analysis.entities, analysis.symptoms),
      macro: recommendation.primaryStats
        ? { ...renderMacro(recommendation.primary, input, analysis.entities.device), stats: recommendation.primaryStats }
        : renderMacro(recommendation.primary, input, analysis.entities.device),
      alternatives: recommendation.alternatives,
      tried: [...analysis.tried],
      packVersion: pack.version,
      modelVersion: this.modelVersion,
      ...decide(confidence, options.gate),
      language: analysis.language,
    };
  }

  /**
   * Each named feature's contribution to each cause in final log-odds: its hand-written weight (as the
   * model scales it) plus what was learned, over the calibration temperature. Listed where the pack
   * weighs the symptom for the cause or the learned part moves it by at least MIN_EVIDENCE_WEIGHT.
   */
  private evidenceOf(analysis: TicketAnalysis, deltas: readonly (Float64Array | undefined)[]): Evidence[][] {
    const { pack, model } = this;
    const perPrior = model.priorScale / pack.definition.temperature / model.temperature;
    const evidence: Evidence[][] = pack.causeIds.map(() => []);
    analysis.named.forEach((f, n) => {
      if (!f.span || !f.symptom || !f.scope) return;
      const hand = new Map(f.weights);
      const d = deltas[n];
      for (let c = 0; c < evidence.length; c++) {
        const handWeight = hand.get(c);
        const weight = round4((handWeight ?? 0) * perPrior + (d ? d[c] / model.temperature : 0));
        if (handWeight === undefined && Math.abs(weight) < MIN_EVIDENCE_WEIGHT) continue;
        // A present symptom that counts against a cause ("wifi is fine") is negated evidence for it.
        const polarity = f.scope === 'present' && weight < 0 ? 'negated' : f.scope;
        evidence[c].push({ symptom: f.symptom, ...f.span, weight, polarity });
      }
    });
    return evidence;
  }

  /**
   * The customer's words whose learned weights moved each of the given causes most, from the per-token
   * sums the scoring pass left in `perToken` (token x cause).
   */
  private wordsOf(analysis: TicketAnalysis, causes: readonly number[], scale: number, perToken: Float64Array): Map<number, WordContribution[]> {
    const { model, words } = this;
    const k = this.pack.causeIds.length;
    const factor = scale / model.temperature;
    const out = new Map<number, WordContribution[]>();
    for (const c of causes) {
      const weightOf = (t: number) => perToken[t * k + c] * factor;
      // The WORDS_PER_CAUSE tokens of largest |weight| (earlier first on ties), kept sorted as they come.
      const top: number[] = [];
      for (let t = 0; t < words.tokenCount; t++) {
        const w = Math.abs(weightOf(t));
        if (w < MIN_WORD_WEIGHT || (top.length === WORDS_PER_CAUSE && w <= Math.abs(weightOf(top[top.length - 1])))) continue;
        let at = top.length;
        while (at > 0 && Math.abs(weightOf(top[at - 1])) < w) at--;
        top.splice(at, 0, t);
        if (top.length > WORDS_PER_CAUSE) top.pop();
      }
      out.set(
        c,
        top.map((t) => {
          const span = spanOf(analysis.fields[words.tokenField[t]], words.tokenStart[t], words.tokenEnd[t]);
          return { text: span.text, start: span.start, end: span.end, field: span.field, weight: round4(weightOf(t)) };
        }),
      );
    }
    return out;
  }
}

/** Causes whose result lists the words behind their score, and how many words each. */
const TOP_CAUSES_WITH_WORDS = 3;
const WORDS_PER_CAUSE = 5;
const MIN_WORD_WEIGHT = 0.05;
const MIN_EVIDENCE_WEIGHT = 0.1;

/** A feature the cause model scores by name, with the hand-written weights it starts from. */
export interface NamedFeature {
  /** `sym:<symptom id>:<present|late|early|reported|subject|negated|tried>` or `fact:<name>`. */
  readonly name: string;
  readonly symptom?: string;
  readonly span?: Span;
  readonly scope?: 'present' | 'negated' | 'tried';
  /** [cause index, hand weight] pairs (pack units, before the pack's temperature). */
  readonly weights: readonly (readonly [number, number])[];
}

export interface TicketAnalysis {
  readonly fields: readonly FieldText[];
  readonly entities: TicketEntities;
  /** What the rules alone say per cause, in log-odds: priors plus symptom weights over the pack's temperature. */
  readonly prior: Float64Array;
  readonly named: readonly NamedFeature[];
  readonly symptoms: SymptomHit[];
  readonly tried: ReadonlySet<string>;
  readonly presentSymptoms: readonly string[];
  /** The language of the customer's own words. */
  readonly language: DetectedLanguage;
}

export function softmax(raw: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) if (raw[i] > max) max = raw[i];
  const exps: number[] = [];
  let sum = 0;
  for (let i = 0; i < raw.length; i++) {
    const e = Math.exp((raw[i] - max) / temperature);
    exps.push(e);
    sum += e;
  }
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
