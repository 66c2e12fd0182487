import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { PipelineService } from '../pipeline/pipeline.service';
import { AppConfig } from '../platform/config/app-config.service';
import { WritebackService } from '../helpdesk/writeback.service';
import { Helpdesk, QueueName } from '../platform/queue/queues';
import { TriageService } from './triage.service';

const BATCH = 500;

/**
 * Redis may lose its queue (it keeps nothing on disk): every inbox row and write-back still pending after
 * INBOX_SWEEP_SECONDS is enqueued again. Job ids are the row ids, so a job still in Redis is not doubled.
 */
@Injectable()
export class InboxSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxSweeperService.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Triage) private readonly triageQueue: Queue,
    @InjectQueue(QueueName.WritebackZendesk) private readonly zendeskQueue: Queue,
    @InjectQueue(QueueName.WritebackFreshdesk) private readonly freshdeskQueue: Queue,
    private readonly writebacks: WritebackService,
    private readonly pipeline: PipelineService,
    private readonly triage: TriageService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const periodMs = Math.max(500, (this.config.get('INBOX_SWEEP_SECONDS') * 1000) / 2);
    this.timer = setInterval(() => void this.sweepSafely(), periodMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns how many jobs were enqueued again. */
  async sweep(): Promise<number> {
    return (await this.sweepInbox()) + (await this.sweepWritebacks());
  }

  private async sweepInbox(): Promise<number> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM inbox_events
       WHERE state = 'pending' AND received_at < now() - make_interval(secs => $1)
       ORDER BY received_at LIMIT $2`,
      [this.config.get('INBOX_SWEEP_SECONDS'), BATCH],
    );
    let requeued = 0;
    for (const { id } of rows) {
      const job = await this.triageQueue.getJob(id);
      if (!job) {
        await this.pipeline.enqueueTriage(id);
        requeued++;
      } else if (await job.isFailed()) {
        // The job gave up but its failure never reached the database (e.g. the worker died).
        await this.triage.recordFailure(id, job.failedReason || 'failed', true);
      }
    }
    if (requeued > 0) this.logger.warn({ requeued }, 're-enqueued inbox events missing from the queue');
    return requeued;
  }

  private async sweepWritebacks(): Promise<number> {
    const rows: { id: string; helpdesk: Helpdesk }[] = await this.db.query(
      `SELECT id, helpdesk FROM writebacks
       WHERE state = 'pending' AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [this.config.get('INBOX_SWEEP_SECONDS'), BATCH],
    );
    let requeued = 0;
    for (const { id, helpdesk } of rows) {
      const queue = helpdesk === 'zendesk' ? this.zendeskQueue : this.freshdeskQueue;
      const job = await queue.getJob(id);
      if (!job) {
        await this.pipeline.enqueueWriteback(id, helpdesk);
        requeued++;
      } else if (await job.isFailed()) {
        await this.writebacks.recordFailure(id, job.failedReason || 'failed', true);
      }
    }
    if (requeued > 0) this.logger.warn({ requeued }, 're-enqueued write-backs missing from the queue');
    return requeued;
  }

  private async sweepSafely(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.sweep();
    } catch (err) {
      this.logger.warn({ err }, 'inbox sweep failed; will try again');
    } finally {
      this.running = false;
    }
  }
}
