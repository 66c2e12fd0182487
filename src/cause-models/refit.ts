/**
 * A refit of the cause model on agents' labels, and the comparison that decides whether it replaces the
 * active weights. Pure: the caller reads the labels and the active weights and stores the result.
 */
import { TriageEngine, type CauseModelWeights, type CompiledPack } from '../engine';
import {
  crossValidate,
  DEFAULT_FIT_SETTINGS,
  encodeTickets,
  fitModel,
  fittedFromModel,
  predictEncoded,
  toWeights,
  type FitSettings,
  type LabelledTicket,
} from '../model/fit';
import { evaluate, type ScoredTicket } from '../model/metrics';
import { fitSettingsOf } from '../model/pack-fit';

/** A refit needs at least this many labelled tickets (DESIGN, "Labels for a refit"). */
export const MIN_REFIT_LABELS = 200;

/** Folds of the cross-validation that scores a candidate. */
export const DEFAULT_REFIT_FOLDS = 5;

export interface ScoreSummary {
  readonly n: number;
  readonly logLoss: number;
  readonly top1: number;
  readonly brier: number;
  readonly ece: number;
  readonly meanConfidence: number;
}

/** What is stored with a candidate: the two models scored on the same labelled tickets. */
export interface RefitMetrics {
  readonly labels: number;
  readonly folds: number;
  /** The candidate, by cross-validation: each fold scored by weights fitted without it. */
  readonly candidate: ScoreSummary;
  /** The weights active when the refit ran, on the same tickets. */
  readonly active: ScoreSummary & { readonly version: string };
  /** log-loss of the candidate minus the active one's: at or below 0 means not worse. */
  readonly logLossChange: number;
  readonly top1Change: number;
}

export interface RefitInput {
  readonly pack: CompiledPack;
  readonly labels: readonly LabelledTicket[];
  /** The active weights ("0" with the pack's own, or none when the pack ships none). */
  readonly active: { readonly version: string; readonly weights?: CauseModelWeights };
  readonly version: string;
  readonly folds?: number;
  /** Overrides of the fit settings; the hashed space always follows the active weights'. */
  readonly settings?: Partial<FitSettings>;
  /** The write-back gate, for the metrics' curve point (not stored). */
  readonly gate?: number;
  readonly fitted?: Record<string, unknown>;
}

export interface RefitResult {
  readonly weights: CauseModelWeights;
  readonly metrics: RefitMetrics;
  /** Whether the candidate is to replace the active weights. */
  readonly activate: boolean;
}

/** A candidate replaces the active weights only when it is not worse: its log-loss is not higher. */
export function isNotWorse(candidate: Pick<ScoreSummary, 'logLoss'>, active: Pick<ScoreSummary, 'logLoss'>): boolean {
  if (!Number.isFinite(candidate.logLoss)) return false;
  if (!Number.isFinite(active.logLoss)) return true;
  return candidate.logLoss <= active.logLoss + 1e-12;
}

/** Fit settings of a refit: the active weights' own (their hashed space must be kept), then the overrides. */
export function refitSettings(base: CauseModelWeights | undefined, overrides: Partial<FitSettings> = {}): FitSettings {
  const settings: FitSettings = { ...(fitSettingsOf(base) ?? DEFAULT_FIT_SETTINGS), ...overrides };
  return base ? { ...settings, hashBits: base.hashBits, charGrams: [base.charGrams[0], base.charGrams[1]] } : settings;
}

function summary(
  probabilities: readonly Float64Array[],
  labels: readonly LabelledTicket[],
  causeIds: readonly string[],
  gate: number,
): ScoreSummary {
  const scored: ScoredTicket[] = labels.map((t, i) => ({
    id: t.id,
    label: t.label,
    lang: t.lang ?? '',
    probabilities: new Map(causeIds.map((id, c) => [id, probabilities[i][c]])),
  }));
  const r = evaluate(scored, causeIds, gate);
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    n: r.n,
    logLoss: round(r.logLoss),
    top1: round(r.top1),
    brier: round(r.brier),
    ece: round(r.ece),
    meanConfidence: round(r.meanConfidence),
  };
}

/**
 * Fits a candidate on the labels, regularised toward the active weights, and scores it by K-fold
 * cross-validation (with the same base) against the active weights on the same tickets.
 */
export function refit(input: RefitInput): RefitResult {
  const { pack, labels } = input;
  const k = pack.causeIds.length;
  const folds = input.folds ?? DEFAULT_REFIT_FOLDS;
  if (!Number.isInteger(folds) || folds < 2) throw new Error('a refit needs at least 2 folds');
  const gate = input.gate ?? 0.8;
  const settings = refitSettings(input.active.weights, input.settings);
  const engine = new TriageEngine(pack, input.active.weights);
  const base = input.active.weights ? engine.model : undefined;
  const encoded = encodeTickets(engine, labels, settings);

  const candidateScores = crossValidate(encoded, [], k, folds, settings, base);
  const active = fittedFromModel(engine.model);
  const activeScores = encoded.map((t) => predictEncoded(active, t, k));
  const candidate = summary(candidateScores, labels, pack.causeIds, gate);
  const current = summary(activeScores, labels, pack.causeIds, gate);

  const model = fitModel({ fixed: [], calibration: encoded }, k, settings, base);
  const metrics: RefitMetrics = {
    labels: labels.length,
    folds,
    candidate,
    active: { version: input.active.version, ...current },
    logLossChange: Math.round((candidate.logLoss - current.logLoss) * 1e6) / 1e6,
    top1Change: Math.round((candidate.top1 - current.top1) * 1e6) / 1e6,
  };
  const weights = toWeights(model, {
    version: input.version,
    packVersion: pack.version,
    causes: pack.causeIds,
    settings,
    fitted: {
      ...input.fitted,
      tickets: labels.length,
      base: input.active.version,
      settings,
      crossValidation: { folds, candidate, active: metrics.active },
    },
  });
  return { weights, metrics, activate: isNotWorse(candidate, current) };
}
