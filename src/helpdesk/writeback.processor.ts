import { Injectable, Logger } from '@nestjs/common';
import type { WritebackResult } from '../platform/metrics/metric-names';
import { MetricsService } from '../platform/metrics/metrics.service';
import { waitOutDatabaseOutage } from '../platform/queue/database-outage';
import { JobAttemptFailure, JobContext, JobFailure, JobQueue } from '../platform/queue/job-queue';
import { JobPayloads } from '../platform/queue/queues';
import { WaitBeforeRetry, WritebackRun, WritebackService } from './writeback.service';

const RESULT_OF_RUN: Record<WritebackRun, WritebackResult> = { done: 'ok', 'already-done': 'skipped', 'dry-run': 'dry_run' };

/**
 * The handler of "writeback" jobs. Each helpdesk has its own queue (a worker each, with its settings), so one's
 * 429 pauses that helpdesk's queue and never stalls another's.
 */
@Injectable()
export class WritebackProcessor {
  private readonly logger = new Logger(WritebackProcessor.name);

  constructor(
    private readonly writebacks: WritebackService,
    private readonly metrics: MetricsService,
    jobs: JobQueue,
  ) {
    jobs.handle('writeback', {
      run: (data, job) => this.run(data, job),
      failed: (data, failure) => this.failed(data, failure),
    });
  }

  private async run({ writebackId, helpdesk }: JobPayloads['writeback'], job: JobContext): Promise<WritebackRun> {
    try {
      const run = await this.metrics.timeJob(job.queue, () => this.writebacks.run(writebackId));
      this.metrics.countWriteback(helpdesk, RESULT_OF_RUN[run]);
      return run;
    } catch (err) {
      if (err instanceof WaitBeforeRetry) {
        this.metrics.countWriteback(helpdesk, err.reason);
        if (err.reason === 'rate_limited') this.metrics.helpdeskRateLimited.inc({ helpdesk });
        // Pause this helpdesk's queue for the wait and put the job back, without spending an attempt.
        throw JobFailure.retryLater(err.waitMs, err.message);
      }
      waitOutDatabaseOutage(err);
      throw err;
    }
  }

  private async failed({ writebackId, helpdesk }: JobPayloads['writeback'], { queue, error, final }: JobAttemptFailure): Promise<void> {
    this.metrics.jobFailures.inc({ queue, final: String(final) });
    this.metrics.countWriteback(helpdesk, final ? 'failed' : 'error');
    try {
      await this.writebacks.recordFailure(writebackId, error.message, final);
    } catch (err) {
      this.logger.error({ err }, 'could not record a write-back failure');
    }
  }
}
