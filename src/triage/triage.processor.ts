import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../platform/config/app-config.service';
import { JobPayloads, QUEUE_SETTINGS, QueueName } from '../platform/queue/queues';
import { PipelineService } from '../pipeline/pipeline.service';
import { MetricsService } from '../platform/metrics/metrics.service';
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

  async process(job: Job<JobPayloads['triage']>): Promise<string> {
    try {
      return await this.metrics.timeJob(QueueName.Triage, async () => {
        const outcome = await this.triage.processInboxEvent(job.data.inboxId);
        if (outcome.causeId) this.metrics.triages.inc({ cause: outcome.causeId });
        await this.pipeline.triaged(outcome);
        return outcome.status;
      });
    } catch (err) {
      await waitOutDatabaseOutage(this.worker, err);
      throw err;
    }
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<JobPayloads['triage']> | undefined, error: Error): Promise<void> {
    if (!job || error.name === 'RateLimitError') return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    this.metrics.jobFailures.inc({ queue: QueueName.Triage, final: String(final) });
    try {
      await this.triage.recordFailure(job.data.inboxId, error.message || String(error), final);
    } catch (err) {
      this.logger.error({ err, inboxId: job.data.inboxId }, 'could not record a triage failure');
    }
  }
}
