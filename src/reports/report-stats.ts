/** Small statistics for the weekly report: the Wilson score interval and rounding for display. */

/** A fix "resolves" a symptom when it resolves at least this share of its tickets; below it for every fix: a gap. */
export const GAP_THRESHOLD = 0.5;

/** The 97.5th percentile of the standard normal: a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** 95% Wilson score interval of a proportion; null with no trials. */
export function wilsonInterval(successes: number, trials: number): Interval | null {
  if (trials <= 0) return null;
  const p = successes / trials;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / trials;
  const centre = p + z2 / (2 * trials);
  const margin = Z95 * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, (centre - margin) / denominator), high: Math.min(1, (centre + margin) / denominator) };
}

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** Figures are stored rounded to 4 decimals, enough for percentages with two decimals. */
export function round4(x: number | null): number | null {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 10_000) / 10_000;
}
