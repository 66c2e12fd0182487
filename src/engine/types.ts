/** Public types of the triage engine. The engine is pure: no Nest, database, queue or I/O. */

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

export interface CauseScore {
  readonly id: string;
  readonly score: number;
  readonly evidence: Evidence[];
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
  readonly entities: Record<string, unknown>;
  readonly macro: RenderedMacro;
  readonly alternatives: Alternative[];
  /** Macro ids the customer says they already tried; ranked out of the suggestions. */
  readonly tried?: string[];
  readonly packVersion: string;
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

/** Agents' verdicts on causes: per symptom and cause, confirmations minus rejections. */
export interface CauseFeedbackSnapshot {
  readonly bySymptomCause: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface TriageOptions {
  readonly stats?: FixStatsSnapshot;
  /** Re-weights the diagnosis within bounds: symptoms agents keep confirming for a cause count more for it. */
  readonly causeFeedback?: CauseFeedbackSnapshot;
  /** `thompson` ranks fixes by a draw from each posterior, so rarely tried fixes still get their chance. */
  readonly exploration?: 'off' | 'thompson';
  /** Uniform [0, 1) source for exploration; Math.random in the service, seeded in simulations. */
  readonly random?: () => number;
}
