/**
 * The triage pipeline: normalize -> extract (symptoms, scope, entities) ->
 * diagnose (weighted evidence, priors, softmax) -> recommend (macros) ->
 * render. Pure and synchronous; the same input always gives the same result.
 */
import {
  CauseModel,
  collectHashedFeatures,
  forEachHashedFeature,
  hashedScale,
  WordFeatures,
  type CauseModelWeights,
  type HashedFeatureVisitor,
} from './cause-model';
import { decide } from './decision';
import { analyseTicket, softmax, type TicketAnalysis } from './diagnose';
import { renderMacro } from './macro-render';
import type { MacroSubject } from './entities';
import type { CompiledPack } from './pack';
import type { EntitiesView } from './plugin';
import { recommend } from './recommend';
import { entitiesView, evidenceOf, TOP_CAUSES_WITH_WORDS, wordsOf } from './result-view';
import { EMPTY_FIX_STATS, type CauseScore, type TriageInput, type TriageOptions, type TriageResult } from './types';

/** Probabilities are shown to 4 places, rounded down: "at least this sure", so 0.99996 is never shown as 1. */
const floor4 = (x: number) => Math.floor(x * 10000) / 10000;

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

  /**
   * What macro rendering reads of a stored result's `entities` (its device and variant), for rendering
   * another macro than the engine picked.
   */
  macroSubjectOf(entities: EntitiesView): MacroSubject | undefined {
    return this.pack.plugins.variants?.subjectOfView(entities);
  }

  /**
   * What the rules find in a ticket: its fields, entities, the symptoms with their polarity, and the
   * named features the cause model scores, each with its hand-written weights.
   */
  analyse(input: TriageInput): TicketAnalysis {
    return analyseTicket(this.pack, input);
  }

  /** Calls `visit` for every hashed word feature of an analysed ticket (the cause model's word part). */
  forEachWordFeature(analysis: TicketAnalysis, visit: HashedFeatureVisitor, model: CauseModel = this.model): void {
    forEachHashedFeature(
      analysis.fields.map((f) => f.norm),
      model.hashBits,
      model.charGrams,
      visit,
    );
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
      const words = collectHashedFeatures(
        analysis.fields.map((f) => f.norm),
        model.hashBits,
        model.charGrams,
        this.words,
      );
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

    const evidence = evidenceOf(pack, model, analysis, deltas);
    const words = perToken
      ? wordsOf(pack, model, this.words, analysis, order.slice(0, TOP_CAUSES_WITH_WORDS), wordScale, perToken)
      : undefined;
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

    const subject = pack.plugins.variants?.subject(analysis.entities);
    return {
      cause: { id: pack.causeIds[top], confidence },
      causes,
      symptoms: analysis.symptoms,
      entities: entitiesView(pack, analysis.entities, analysis.symptoms),
      macro: recommendation.primaryStats
        ? { ...renderMacro(recommendation.primary, input, subject), stats: recommendation.primaryStats }
        : renderMacro(recommendation.primary, input, subject),
      alternatives: recommendation.alternatives,
      tried: [...analysis.tried],
      packVersion: pack.version,
      modelVersion: this.modelVersion,
      ...decide(confidence, options.gate),
      language: analysis.language,
    };
  }
}
