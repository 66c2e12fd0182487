/**
 * What a result shows besides the scores: each cause's evidence, the customer's words behind the top
 * causes, and the entities as the pack's plugins render them.
 */
import type { CauseModel, WordFeatures } from './cause-model';
import { spanOf } from './entities';
import { round4, type TicketAnalysis } from './diagnose';
import type { CompiledPack } from './pack';
import type { EntitiesView, TicketEntities } from './plugin';
import type { Evidence, SymptomHit, WordContribution } from './types';

/** Causes whose result lists the words behind their score, and how many words each. */
export const TOP_CAUSES_WITH_WORDS = 3;
const WORDS_PER_CAUSE = 5;
const MIN_WORD_WEIGHT = 0.05;
const MIN_EVIDENCE_WEIGHT = 0.1;

/**
 * Each named feature's contribution to each cause in final log-odds: its hand-written weight (as the
 * model scales it) plus what was learned, over the calibration temperature. Listed where the pack
 * weighs the symptom for the cause or the learned part moves it by at least MIN_EVIDENCE_WEIGHT.
 */
export function evidenceOf(
  pack: CompiledPack,
  model: CauseModel,
  analysis: TicketAnalysis,
  deltas: readonly (Float64Array | undefined)[],
): Evidence[][] {
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
export function wordsOf(
  pack: CompiledPack,
  model: CauseModel,
  words: WordFeatures,
  analysis: TicketAnalysis,
  causes: readonly number[],
  scale: number,
  perToken: Float64Array,
): Map<number, WordContribution[]> {
  const k = pack.causeIds.length;
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

/** The entities as JSON: each of the pack's plugins renders its own, in the pack's plugin order. */
export function entitiesView(pack: CompiledPack, entities: TicketEntities, symptoms: readonly SymptomHit[]): EntitiesView {
  const view: Record<string, unknown> = {};
  for (const plugin of pack.plugins.bound) plugin.renderView(entities, symptoms, view);
  return view;
}
