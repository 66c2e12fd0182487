/** Every metric of the service starts with this, so a shared Prometheus tells its series from other applications'. */
export const METRIC_PREFIX = 'ticket_triage_';

/**
 * What one write-back attempt came to: written (`ok`), nothing left to write (`skipped`), logged only
 * (`dry_run`), waiting because the helpdesk answered 429 (`rate_limited`) or our own per-minute budget is spent
 * (`throttled`), failed and tried again later (`error`), or given up for good (`failed`).
 */
export type WritebackResult = 'ok' | 'skipped' | 'dry_run' | 'rate_limited' | 'throttled' | 'error' | 'failed';

/** Confidence buckets of the triage histogram: tenths, so a gate's share can be read at any tenth. */
export const CONFIDENCE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
