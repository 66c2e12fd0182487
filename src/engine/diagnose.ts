/**
 * Diagnose, the rules' part: what a ticket's symptoms say per cause, with the role each hit plays in the
 * ticket's discourse, as the named features the cause model scores.
 */
import { type FieldText } from './entities';
import { detectLanguage } from './language';
import { customerOriginalText, normalizeText } from './normalize';
import type { CompiledPack } from './pack';
import { TicketEntities } from './plugin';
import { scanField, type ScopedHit } from './scope';
import type { DetectedLanguage, Span, SymptomHit, TriageInput } from './types';

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

export const round4 = (x: number) => Math.round(x * 10000) / 10000;

/** Share of reassuring evidence that still counts against a cause the ticket states a specific problem for. */
const REASSURANCE_AGAINST_STATED = 0.3;

/**
 * What the rules find in a ticket: its fields, entities, the symptoms with their polarity, and the
 * named features the cause model scores, each with its hand-written weights.
 */
export function analyseTicket(pack: CompiledPack, input: TriageInput): TicketAnalysis {
  const def = pack.definition;
  const fields: FieldText[] = [];
  if (input.subject) fields.push({ field: 'subject', original: input.subject, norm: normalizeText(input.subject) });
  fields.push({ field: 'description', original: input.description ?? '', norm: normalizeText(input.description ?? '') });

  const entities = new TicketEntities();
  for (const plugin of pack.plugins.bound) plugin.extractInto(fields, entities);
  const scoped: ScopedHit[] = [];
  for (const field of fields) scoped.push(...scanField(pack, field));
  for (const { symptom, evaluate } of pack.derivedSymptoms) {
    const span = evaluate(entities);
    if (span) scoped.push({ symptom, span, negated: false });
  }

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
  const isReassurance = (index: number) => def.symptoms[index].tried.length === 0 && !pack.symptomWeights[index].some(([, w]) => w >= 2);
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
