import type { ConfidenceBand, TriageDecision, TriageGate } from './types';

/**
 * Default bounds, chosen from the cross-validated precision/coverage curve of the shipped cause model
 * (README, "Accuracy"): WRITEBACK_MIN_CONFIDENCE and BAND_MEDIUM_MIN override them.
 */
export const DEFAULT_GATE: TriageGate = Object.freeze({ autoMin: 0.9, mediumMin: 0.5 });

/** The write-back decision and band of a confidence: `high` exactly when `auto`. */
export function decide(confidence: number, gate: TriageGate = DEFAULT_GATE): { decision: TriageDecision; band: ConfidenceBand } {
  if (confidence >= gate.autoMin) return { decision: 'auto', band: 'high' };
  return { decision: 'review', band: confidence >= gate.mediumMin ? 'medium' : 'low' };
}
