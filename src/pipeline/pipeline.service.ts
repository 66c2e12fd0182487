import { getQueueToken, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import type { ProcessOutcome } from '../triage/triage.service';
import { defaultJobOptions, Helpdesk, QueueName, validatePayload, WRITEBACK_QUEUE } from '../platform/queue/queues';

const ENQUEUE_TIMEOUT_MS = 2000;
/** Jobs of events accepted in the same turn of the event loop go to Redis together (one round trip). */
const MAX_BATCH = 200;

interface PendingEnqueue {
  inboxId: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The whole flow in one place:
 *   intake (inbox rows committed together) -> one "triage-batch" job (jobId written on the rows)
 *   other events (comments, retriage, replays) -> "triage" job (jobId = inbox id)
 *   a batch's event whose triage failed        -> "triage" job of its own, with the attempts it has left
 *   triage (result stored, write-back row in the same transaction)
 *                                -> "writeback" job on the helpdesk's own queue (jobId = write-back id)
 * Inbox and write-back rows are the durable record; the sweeper re-enqueues jobs Redis lost.
 */
@Injectable()
export class PipelineService {
  private readonly logger = new Logger(PipelineService.name);
  private pending: PendingEnqueue[] = [];
  private flushScheduled = false;

  constructor(
    @InjectQueue(QueueName.Triage) private readonly triageQueue: Queue,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** After an inbox row is committed. A Redis failure here loses nothing: the sweeper enqueues it later. */
  async eventAccepted(inboxId: string): Promise<boolean> {
    try {
      await withTimeout(this.enqueueBatched(inboxId), ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (err) {
      this.logger.warn({ err, inboxId }, 'could not enqueue triage now; the inbox sweeper will');
      return false;
    }
  }

  /**
   * After inbox rows are committed together: one job triages them all. A Redis failure here loses nothing: the
   * sweeper finds the rows pending without their job and enqueues them.
   */
  async batchAccepted(batchJobId: string, inboxIds: string[]): Promise<boolean> {
    try {
      const payload = validatePayload('triage-batch', { inboxIds });
      await withTimeout(
        this.triageQueue.add('triage-batch', payload, { ...defaultJobOptions(QueueName.Triage), jobId: batchJobId }),
        ENQUEUE_TIMEOUT_MS,
      );
      return true;
    } catch (err) {
      this.logger.warn({ err, batchJobId, events: inboxIds.length }, 'could not enqueue triage now; the inbox sweeper will');
      return false;
    }
  }

  /** `attemptsLeft`: fewer attempts than usual, for an event that already spent one in a batch. */
  async enqueueTriage(inboxId: string, attemptsLeft?: number): Promise<void> {
    const payload = validatePayload('triage', { inboxId });
    const options = defaultJobOptions(QueueName.Triage);
    if (attemptsLeft !== undefined) options.attempts = Math.max(1, attemptsLeft);
    await this.triageQueue.add('triage', payload, { ...options, jobId: inboxId });
  }

  private enqueueBatched(inboxId: string): Promise<void> {
    validatePayload('triage', { inboxId });
    return new Promise((resolve, reject) => {
      this.pending.push({ inboxId, resolve, reject });
      if (this.pending.length >= MAX_BATCH) void this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (batch.length === 0) return;
    const options = defaultJobOptions(QueueName.Triage);
    try {
      await this.triageQueue.addBulk(
        batch.map(({ inboxId }) => ({ name: 'triage', data: { inboxId }, opts: { ...options, jobId: inboxId } })),
      );
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  /** Enqueues a failed event again; a failed job kept in Redis under the same id is retried instead. */
  async replayTriage(inboxId: string): Promise<void> {
    const job = await this.triageQueue.getJob(inboxId);
    if (job && (await job.isFailed())) await job.retry('failed', { resetAttemptsMade: true });
    else await this.enqueueTriage(inboxId);
  }

  /** After a triage is stored. A failure to enqueue fails the triage job, whose retry enqueues again. */
  async triaged(outcome: ProcessOutcome): Promise<void> {
    if (outcome.writeback) await this.enqueueWriteback(outcome.writeback.writebackId, outcome.writeback.helpdesk);
  }

  async enqueueWriteback(writebackId: string, helpdesk: Helpdesk): Promise<void> {
    const payload = validatePayload('writeback', { writebackId, helpdesk });
    await this.writebackQueue(helpdesk).add('writeback', payload, {
      ...defaultJobOptions(WRITEBACK_QUEUE[helpdesk]),
      jobId: writebackId,
    });
  }

  get triage(): Queue {
    return this.triageQueue;
  }

  writebackQueue(helpdesk: Helpdesk): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(WRITEBACK_QUEUE[helpdesk]), { strict: false });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
