import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type Type } from '@nestjs/common';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type { WritebackResult } from '../platform/metrics/metric-names';
import { MetricsService } from '../platform/metrics/metrics.service';
import { waitOutDatabaseOutage } from '../platform/queue/database-outage';
import { type Helpdesk, perHelpdesk } from '../platform/queue/helpdesks';
import { JobPayloads, QUEUE_SETTINGS, WRITEBACK_QUEUE } from '../platform/queue/queues';
import { WaitBeforeRetry, WritebackRun, WritebackService } from './writeback.service';

type WritebackJob = Job<JobPayloads['writeback']>;

const RESULT_OF_RUN: Record<WritebackRun, WritebackResult> = { done: 'ok', 'already-done': 'skipped', 'dry-run': 'dry_run' };

/** Shared by the per-helpdesk processors: each helpdesk has its own queue, so one's 429 never stalls the other. */
export abstract class WritebackProcessor extends WorkerHost {
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

/** The processor of one helpdesk's write-back queue, declared with that queue's settings. */
function writebackProcessorFor(helpdesk: Helpdesk): Type<WritebackProcessor> {
  const queue = WRITEBACK_QUEUE[helpdesk];
  const settings = QUEUE_SETTINGS[queue];

  @Processor(queue, { concurrency: settings.concurrency, lockDuration: settings.lockDurationMs })
  class HelpdeskWritebackProcessor extends WritebackProcessor {
    constructor(writebacks: WritebackService, metrics: MetricsService) {
      super(writebacks, metrics);
    }
  }
  // Named per helpdesk (ZendeskWritebackProcessor ...), as Nest and the logs show it.
  Object.defineProperty(HelpdeskWritebackProcessor, 'name', {
    value: `${helpdesk[0].toUpperCase()}${helpdesk.slice(1)}WritebackProcessor`,
  });
  return HelpdeskWritebackProcessor;
}

/** One processor per helpdesk of HELPDESKS, each on its own queue: the worker registers them all. */
export const WRITEBACK_PROCESSORS: Readonly<Record<Helpdesk, Type<WritebackProcessor>>> = perHelpdesk(writebackProcessorFor);

export const ZendeskWritebackProcessor = WRITEBACK_PROCESSORS.zendesk;
export const FreshdeskWritebackProcessor = WRITEBACK_PROCESSORS.freshdesk;
