import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { isDatabaseUnavailable } from '../platform/errors/error-mapping';
import { MetricsService } from '../platform/metrics/metrics.service';
import { waitOutDatabaseOutage } from '../platform/queue/database-outage';
import { JobAttemptFailure, JobQueue } from '../platform/queue/job-queue';
import { JobOutcomes, JobPayloads, QueueName, TriageOutcome } from '../platform/queue/queues';
import { TriageService } from './triage.service';

/** The handlers of the triage queue's jobs: they triage and answer what they stored; the pipeline chains the write-back. */
@Injectable()
export class TriageProcessor {
  private readonly logger = new Logger(TriageProcessor.name);

  constructor(
    private readonly triage: TriageService,
    private readonly metrics: MetricsService,
    jobs: JobQueue,
    config: AppConfig,
  ) {
    jobs.setConcurrency(QueueName.Triage, config.get('TRIAGE_CONCURRENCY'));
    jobs.handle('triage', {
      run: (data) => this.timed(() => this.triageOne(data.inboxId)),
      failed: (data, failure) => this.triageFailed(data, failure),
    });
    jobs.handle('triage-batch', {
      run: (data) => this.timed(() => this.triageBatch(data.inboxIds)),
      // The events stay pending; the sweeper gives each a job of its own if this one failed for good.
      failed: async (_data, { final }) => this.metrics.jobFailures.inc({ queue: QueueName.Triage, final: String(final) }),
    });
  }

  private async timed<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await this.metrics.timeJob(QueueName.Triage, run);
    } catch (err) {
      waitOutDatabaseOutage(err);
      throw err;
    }
  }

  private async triageOne(inboxId: string): Promise<TriageOutcome> {
    const outcome = await this.triage.processInboxEvent(inboxId);
    if (outcome.causeId) this.metrics.triages.inc({ cause: outcome.causeId });
    if (outcome.decision) {
      this.metrics.decisions.inc({ decision: outcome.decision });
      if (outcome.confidence !== undefined) this.metrics.triageConfidence.observe({ decision: outcome.decision }, outcome.confidence);
    }
    return outcome;
  }

  /**
   * The events accepted together, triaged at once (their loads and stores share statements). An event whose
   * triage fails is answered in `retryAlone`, for a job of its own with the attempts it has left, so it cannot
   * fail its batch-mates; a database outage fails the whole job, which waits it out and runs again (finished
   * events are skipped).
   */
  private async triageBatch(inboxIds: string[]): Promise<JobOutcomes['triage-batch']> {
    const settled = await Promise.allSettled(inboxIds.map((id) => this.triageOne(id)));
    const outage = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && isDatabaseUnavailable(r.reason));
    if (outage) throw outage.reason;
    const triaged: TriageOutcome[] = [];
    const retryAlone: string[] = [];
    for (const [i, result] of settled.entries()) {
      if (result.status === 'fulfilled') {
        triaged.push(result.value);
        continue;
      }
      const err = result.reason as Error;
      this.logger.warn({ err, inboxId: inboxIds[i] }, 'triage failed in a batch; retried in a job of its own');
      await this.triage.recordFailure(inboxIds[i], err?.message || String(err), false);
      retryAlone.push(inboxIds[i]);
    }
    return { triaged, retryAlone };
  }

  private async triageFailed(data: JobPayloads['triage'], { error, final }: JobAttemptFailure): Promise<void> {
    this.metrics.jobFailures.inc({ queue: QueueName.Triage, final: String(final) });
    try {
      await this.triage.recordFailure(data.inboxId, error.message || String(error), final);
    } catch (err) {
      this.logger.error({ err, inboxId: data.inboxId }, 'could not record a triage failure');
    }
  }
}
