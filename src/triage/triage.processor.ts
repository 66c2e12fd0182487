import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../platform/config/app-config.service';
import { JobPayloads, QUEUE_SETTINGS, QueueName } from '../platform/queue/queues';
import { PipelineService } from '../pipeline/pipeline.service';
import { MetricsService } from '../platform/metrics/metrics.service';
import { isDatabaseUnavailable } from '../platform/errors/error-mapping';
import { waitOutDatabaseOutage } from '../platform/queue/database-outage';
import { TriageService } from './triage.service';

const settings = QUEUE_SETTINGS[QueueName.Triage];

@Processor(QueueName.Triage, {
  concurrency: settings.concurrency,
  lockDuration: settings.lockDurationMs,
  stalledInterval: settings.lockDurationMs,
})
export class TriageProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(TriageProcessor.name);

  constructor(
    private readonly triage: TriageService,
    private readonly config: AppConfig,
    private readonly pipeline: PipelineService,
    private readonly metrics: MetricsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.get('TRIAGE_CONCURRENCY');
  }

  async process(job: Job<JobPayloads['triage'] | JobPayloads['triage-batch']>): Promise<string> {
    try {
      return await this.metrics.timeJob(QueueName.Triage, () =>
        'inboxIds' in job.data ? this.processBatch(job.data.inboxIds) : this.triageOne(job.data.inboxId),
      );
    } catch (err) {
      await waitOutDatabaseOutage(this.worker, err);
      throw err;
    }
  }

  private async triageOne(inboxId: string): Promise<string> {
    const outcome = await this.triage.processInboxEvent(inboxId);
    if (outcome.causeId) this.metrics.triages.inc({ cause: outcome.causeId });
    if (outcome.decision) {
      this.metrics.decisions.inc({ decision: outcome.decision });
      if (outcome.confidence !== undefined) this.metrics.triageConfidence.observe({ decision: outcome.decision }, outcome.confidence);
    }
    await this.pipeline.triaged(outcome);
    return outcome.status;
  }

  /**
   * The events accepted together, triaged at once (their loads and stores share statements). An event whose
   * triage fails is handed to a job of its own, with the attempts it has left, so it cannot fail its batch-mates; a
   * database outage fails the whole job, which waits it out and runs again (finished events are skipped).
   */
  private async processBatch(inboxIds: string[]): Promise<string> {
    const settled = await Promise.allSettled(inboxIds.map((id) => this.triageOne(id)));
    const outage = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isDatabaseUnavailable(r.reason));
    if (outage) throw outage.reason;
    let alone = 0;
    for (const [i, result] of settled.entries()) {
      if (result.status === 'fulfilled') continue;
      const err = result.reason as Error;
      this.logger.warn({ err, inboxId: inboxIds[i] }, 'triage failed in a batch; retried in a job of its own');
      await this.triage.recordFailure(inboxIds[i], err?.message || String(err), false);
      await this.pipeline.enqueueTriage(inboxIds[i], settings.attempts - 1);
      alone++;
    }
    return alone === 0 ? `triaged ${inboxIds.length}` : `triaged ${inboxIds.length - alone}; ${alone} retried alone`;
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<JobPayloads['triage'] | JobPayloads['triage-batch']> | undefined, error: Error): Promise<void> {
    if (!job || error.name === 'RateLimitError') return;
    if ('inboxIds' in job.data) {
      // The events stay pending; the sweeper gives each a job of its own if this one failed for good.
      this.metrics.jobFailures.inc({ queue: QueueName.Triage, final: String(job.attemptsMade >= (job.opts.attempts ?? 1)) });
      return;
    }
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.metrics.jobFailures.inc({ queue: QueueName.Triage, final: String(final) });
    try {
      await this.triage.recordFailure(job.data.inboxId, error.message || String(error), final);
    } catch (err) {
      this.logger.error({ err, inboxId: job.data.inboxId }, 'could not record a triage failure');
    }
  }
}
