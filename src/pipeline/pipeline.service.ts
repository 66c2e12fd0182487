import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MicroBatcher } from '../platform/database/micro-batcher';
import { assertUnreachable } from '../platform/errors/domain-error';
import { EnqueueRequest, JobQueue } from '../platform/queue/job-queue';
import { Helpdesk, JobDone, QUEUE_SETTINGS, QueueName, TriageOutcome, validatePayload } from '../platform/queue/queues';

const ENQUEUE_TIMEOUT_MS = 2000;
/** Jobs of events accepted in the same turn of the event loop go to Redis together (one round trip). */
const MAX_BATCH = 200;

/**
 * The whole flow in one place:
 *   intake (inbox rows committed together) -> one "triage-batch" job (jobId written on the rows)
 *   other events (comments, retriage, replays) -> "triage" job (jobId = inbox id)
 *   a batch's event whose triage failed        -> "triage" job of its own, with the attempts it has left
 *   triage (result stored, write-back row in the same transaction)
 *                                -> "writeback" job on the helpdesk's own queue (jobId = write-back id)
 * Job handlers answer an outcome and `next` enqueues the job it leads to, inside the finished job: a failure to
 * enqueue fails that job, whose retry enqueues again. Inbox and write-back rows are the durable record; the
 * sweeper re-enqueues jobs Redis lost.
 */
@Injectable()
export class PipelineService implements OnModuleInit {
  private readonly logger = new Logger(PipelineService.name);

  /** The triage jobs of one event-loop turn's accepted events, added together. */
  private readonly accepted = new MicroBatcher<EnqueueRequest, void>(
    async (requests) => {
      await this.jobs.enqueueMany(requests);
      return requests.map(() => undefined);
    },
    { maxBatch: MAX_BATCH, maxInFlight: 16 },
  );

  constructor(private readonly jobs: JobQueue) {}

  onModuleInit(): void {
    this.jobs.afterEach((done) => this.next(done));
  }

  /** After an inbox row is committed. A Redis failure here loses nothing: the sweeper enqueues it later. */
  async eventAccepted(inboxId: string): Promise<boolean> {
    try {
      const item = { name: 'triage', data: validatePayload('triage', { inboxId }) } as const;
      await withTimeout(this.accepted.submit({ item }), ENQUEUE_TIMEOUT_MS);
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
      await withTimeout(this.jobs.enqueue({ name: 'triage-batch', data: { inboxIds } }, { jobId: batchJobId }), ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (err) {
      this.logger.warn({ err, batchJobId, events: inboxIds.length }, 'could not enqueue triage now; the inbox sweeper will');
      return false;
    }
  }

  async enqueueTriage(inboxId: string): Promise<void> {
    await this.jobs.enqueue({ name: 'triage', data: { inboxId } });
  }

  /** Enqueues a failed event again; a failed job kept in Redis under the same id is retried instead. */
  async replayTriage(inboxId: string): Promise<void> {
    if (!(await this.jobs.retryFailed(QueueName.Triage, inboxId))) await this.enqueueTriage(inboxId);
  }

  async enqueueWriteback(writebackId: string, helpdesk: Helpdesk): Promise<void> {
    await this.jobs.enqueue({ name: 'writeback', data: { writebackId, helpdesk } });
  }

  /** The job a finished one leads to. */
  async next(done: JobDone): Promise<void> {
    switch (done.name) {
      case 'triage':
        await this.jobs.enqueueMany(writebacksOf([done.outcome]));
        return;
      case 'triage-batch':
        await this.jobs.enqueueMany([
          ...writebacksOf(done.outcome.triaged),
          // An event that failed in a batch already spent one attempt there.
          ...done.outcome.retryAlone.map((inboxId) => ({
            item: { name: 'triage', data: { inboxId } } as const,
            attempts: QUEUE_SETTINGS[QueueName.Triage].attempts - 1,
          })),
        ]);
        return;
      case 'writeback':
      case 'weekly-report':
      case 'retention':
        return;
      default:
        return assertUnreachable(done);
    }
  }
}

function writebacksOf(outcomes: readonly TriageOutcome[]): EnqueueRequest[] {
  return outcomes.flatMap((o) => (o.writeback ? [{ item: { name: 'writeback', data: o.writeback } as const }] : []));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
