import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { WritebackResult } from '../platform/metrics/metric-names';
import { MetricsService } from '../platform/metrics/metrics.service';
import { waitOutDatabaseOutage } from '../platform/queue/database-outage';
import { JobPayloads, QUEUE_SETTINGS, QueueName } from '../platform/queue/queues';
import { WaitBeforeRetry, WritebackRun, WritebackService } from './writeback.service';

type WritebackJob = Job<JobPayloads['writeback']>;

const RESULT_OF_RUN: Record<WritebackRun, WritebackResult> = { done: 'ok', 'already-done': 'skipped', 'dry-run': 'dry_run' };

/** Shared by the per-helpdesk processors: each helpdesk has its own queue, so one's 429 never stalls the other. */
abstract class WritebackProcessor extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  constructor(
    private readonly writebacks: WritebackService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  async process(job: WritebackJob): Promise<string> {
    const { helpdesk } = job.data;
    try {
      const run = await this.metrics.timeJob(job.queueName, () => this.writebacks.run(job.data.writebackId));
      this.metrics.countWriteback(helpdesk, RESULT_OF_RUN[run]);
      return run;
    } catch (err) {
      if (err instanceof WaitBeforeRetry) {
        this.metrics.countWriteback(helpdesk, err.reason);
        if (err.reason === 'rate_limited') this.metrics.helpdeskRateLimited.inc({ helpdesk });
        // Pause this helpdesk's queue for the wait and put the job back, without spending an attempt.
        await this.worker.rateLimit(err.waitMs);
        throw Worker.RateLimitError();
      }
      await waitOutDatabaseOutage(this.worker, err);
      throw err;
    }
  }

  @OnWorkerEvent('failed')
  async onFailed(job: WritebackJob | undefined, error: Error): Promise<void> {
    if (!job || error.name === 'RateLimitError') return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.metrics.jobFailures.inc({ queue: job.queueName, final: String(final) });
    this.metrics.countWriteback(job.data.helpdesk, final ? 'failed' : 'error');
    try {
      await this.writebacks.recordFailure(job.data.writebackId, error.message, final);
    } catch (err) {
      this.logger.error({ err }, 'could not record a write-back failure');
    }
  }
}

const zendesk = QUEUE_SETTINGS[QueueName.WritebackZendesk];
const freshdesk = QUEUE_SETTINGS[QueueName.WritebackFreshdesk];

@Processor(QueueName.WritebackZendesk, { concurrency: zendesk.concurrency, lockDuration: zendesk.lockDurationMs })
export class ZendeskWritebackProcessor extends WritebackProcessor {
  constructor(writebacks: WritebackService, metrics: MetricsService) {
    super(writebacks, metrics);
  }
}

@Processor(QueueName.WritebackFreshdesk, { concurrency: freshdesk.concurrency, lockDuration: freshdesk.lockDurationMs })
export class FreshdeskWritebackProcessor extends WritebackProcessor {
  constructor(writebacks: WritebackService, metrics: MetricsService) {
    super(writebacks, metrics);
  }
}
