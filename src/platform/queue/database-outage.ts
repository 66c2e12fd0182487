import { isDatabaseUnavailable } from '../errors/error-mapping';
import { JobFailure } from './job-queue';

/** How long a queue pauses when Postgres does not answer, before it tries again. */
export const DATABASE_OUTAGE_PAUSE_MS = 2000;

/**
 * A job that failed because Postgres cannot be reached is not the job's fault: instead of spending one of
 * its attempts (an outage longer than the backoff would fail every queued job for good), the queue pauses
 * and the job goes back to wait. Any other error is left for the caller to rethrow.
 */
export function waitOutDatabaseOutage(err: unknown): void {
  if (isDatabaseUnavailable(err)) throw JobFailure.retryLater(DATABASE_OUTAGE_PAUSE_MS, 'database unavailable; the queue waits');
}
