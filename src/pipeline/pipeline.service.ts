import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { defaultJobOptions, QueueName, validatePayload } from '../platform/queue/queues';

const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * The whole flow in one place:
 *   intake (inbox row committed) -> "triage" job (jobId = inbox id)
 *   triage (result stored)       -> nothing further yet
 * The inbox row is the durable record; a lost job is re-enqueued by the sweeper.
 */
@Injectable()
export class PipelineService {
  private readonly logger = new Logger(PipelineService.name);

  constructor(@InjectQueue(QueueName.Triage) private readonly triageQueue: Queue) {}

  /** After an inbox row is committed. A Redis failure here loses nothing: the sweeper enqueues it later. */
  async eventAccepted(inboxId: string): Promise<boolean> {
    try {
      await withTimeout(this.enqueueTriage(inboxId), ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (err) {
      this.logger.warn({ err, inboxId }, 'could not enqueue triage now; the inbox sweeper will');
      return false;
    }
  }

  async enqueueTriage(inboxId: string): Promise<void> {
    const payload = validatePayload('triage', { inboxId });
    await this.triageQueue.add('triage', payload, { ...defaultJobOptions(QueueName.Triage), jobId: inboxId });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
