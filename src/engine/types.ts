/** Public types of the triage engine. The engine is pure: no Nest, database, queue or I/O. */
import type { EntitiesView } from './plugin';

export interface TriageInput {
  readonly subject?: string;
  readonly description: string;
  readonly requester?: { readonly firstName?: string; readonly name?: string; readonly email?: string };
}

/** A span of the customer's words: offsets index the original field it came from. */
export interface Span {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Which input field the offsets index. */
  readonly field: 'subject' | 'description';
}

export interface SymptomHit extends Span {
  readonly id: string;
  /** 'present', or 'negated' (ruled out by the customer) / 'tried' (a fix already done). */
  readonly polarity?: 'present' | 'negated' | 'tried';
}

export interface Evidence extends Span {
  readonly symptom: string;
  /** Signed contribution to the cause's score. */
  readonly weight: number;
  /** How the evidence counts: 'present', or 'negated' / 'tried' when it counts against. */
  readonly polarity: 'present' | 'negated' | 'tried';
  /** Set when learned statistics contributed to the weight. */
  readonly learned?: boolean;
}

/** A word or phrase of the customer's whose learned weight moved a cause's score. */
export interface WordContribution {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly field: 'subject' | 'description';
  /** Signed contribution to the cause's (pre-calibration) score. */
  readonly weight: number;
}

export interface CauseScore {
  readonly id: string;
  /** Calibrated probability; the scores of all causes sum to 1. */
  readonly score: number;
  readonly evidence: Evidence[];
  /** The learned word features that weighed most for this cause (top causes only). */
  readonly words?: WordContribution[];
}

/** `auto`: confident enough to write the cause back; `review`: an agent should look first. */
export type TriageDecision = 'auto' | 'review';
/** `high` exactly when the decision is auto; `medium` at or above the medium bound; else `low`. */
export type ConfidenceBand = 'high' | 'medium' | 'low';

/** Confidence bounds for the write-back decision and the bands. */
export interface TriageGate {
  /** Confidence at or above which the answer is written back as is (WRITEBACK_MIN_CONFIDENCE). */
  readonly autoMin: number;
  /** Confidence at or above which a review answer is `medium` (BAND_MEDIUM_MIN). */
  readonly mediumMin: number;
}

/** ISO 639-1 code of the customer's own words; confidence 0 when too little text to tell. */
export interface DetectedLanguage {
  readonly code: string;
  readonly confidence: number;
}

export interface MacroStats {
  readonly uses: number;
  readonly successes: number;
  /** Posterior mean chance of resolution. */
  readonly rate: number;
  /** 95% credible interval of the rate. */
  readonly interval: [number, number];
}

export interface RenderedMacro {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Learned statistics behind the choice, once outcomes exist. */
  readonly stats?: MacroStats;
}

export interface Alternative {
  readonly id: string;
  readonly title: string;
  readonly stats?: MacroStats;
}

export interface TriageResult {
  readonly cause: { readonly id: string; readonly confidence: number };
  readonly causes: CauseScore[];
  readonly symptoms: SymptomHit[];
  /** What the pack's plugins extracted, as each renders it (read a plugin's part with `entitiesOf`). */
  readonly entities: EntitiesView;
  readonly macro: RenderedMacro;
  readonly alternatives: Alternative[];
  /** Macro ids the customer says they already tried; ranked out of the suggestions. */
  readonly tried?: string[];
  readonly packVersion: string;
  /** The cause-model weights used (the pack's shipped weights are version `<pack version>/0`). */
  readonly modelVersion: string;
  readonly decision: TriageDecision;
  readonly band: ConfidenceBand;
  readonly language: DetectedLanguage;
}

export interface BetaCounts {
  readonly successes: number;
  readonly failures: number;
}

/** Learned fix statistics; empty until outcomes arrive. */
export interface FixStatsSnapshot {
  readonly bySymptomMacro: Readonly<Record<string, Readonly<Record<string, BetaCounts>>>>;
  readonly byCauseMacro: Readonly<Record<string, Readonly<Record<string, BetaCounts>>>>;
}

export const EMPTY_FIX_STATS: FixStatsSnapshot = Object.freeze({ bySymptomMacro: {}, byCauseMacro: {} });

export interface TriageOptions {
  readonly stats?: FixStatsSnapshot;
  /** Write-back decision bounds; default DEFAULT_GATE. */
  readonly gate?: TriageGate;
  /** `thompson` ranks fixes by a draw from each posterior, so rarely tried fixes still get their chance. */
  readonly exploration?: 'off' | 'thompson';
  /** Uniform [0, 1) source for exploration; Math.random in the service, seeded in simulations. */
  readonly random?: () => number;
}
