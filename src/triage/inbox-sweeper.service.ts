import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PipelineService } from '../pipeline/pipeline.service';
import { AppConfig } from '../platform/config/app-config.service';
import { WritebackService } from '../helpdesk/writeback.service';
import { JobQueue } from '../platform/queue/job-queue';
import { QueueName, WRITEBACK_QUEUE } from '../platform/queue/queues';
import { InboxSweeperRepository, PageStart, SweptTable } from './inbox-sweeper.repository';
import { TriageService } from './triage.service';

/** Rows read per page; a pass reads pages until one comes back short or MAX_ROWS_PER_PASS were seen. */
const PAGE = 500;
const MAX_ROWS_PER_PASS = 50_000;

/** How the sweeper finds and requeues one kind of row (inbox events, write-backs). */
interface RequeueOps<R> {
  queue: (row: R) => QueueName;
  /** The row's work is in another job still queued or running (events accepted together). */
  coveredBy?: (row: R) => Promise<boolean>;
  /** The table the rows come from: a row is enqueued only if it is still pending after its job was looked up. */
  table: SweptTable;
  enqueue: (row: R) => Promise<void>;
  recordFailure: (row: R, reason: string) => Promise<void>;
}

/**
 * Redis may lose its queue (it keeps nothing on disk): every inbox row and write-back still pending after
 * INBOX_SWEEP_SECONDS is enqueued again. Job ids are the row ids, so a job still in Redis is not doubled; an
 * event accepted with others is left alone while their common job (its batch_job_id) is queued or running.
 * A pass pages through every stale row (up to MAX_ROWS_PER_PASS), so a queue lost under a large backlog is
 * rebuilt in one pass rather than a page per period.
 */
@Injectable()
export class InboxSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxSweeperService.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly rows: InboxSweeperRepository,
    private readonly writebacks: WritebackService,
    private readonly pipeline: PipelineService,
    private readonly jobs: JobQueue,
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
    const batchJobs = new Map<string, Promise<boolean>>();
    const inBatchJob = (batchJobId: string) => {
      if (!batchJobs.has(batchJobId)) batchJobs.set(batchJobId, this.jobAlive(QueueName.Triage, batchJobId));
      return batchJobs.get(batchJobId)!;
    };
    const staleAfter = this.config.get('INBOX_SWEEP_SECONDS');
    const inbox = await this.pages('inbox events', (after) => this.rows.staleInboxEvents(staleAfter, PAGE, after), {
      queue: () => QueueName.Triage,
      table: 'inbox_events',
      coveredBy: async (r) => r.batch_job_id !== null && (await inBatchJob(r.batch_job_id)),
      enqueue: (r) => this.pipeline.enqueueTriage(r.id),
      recordFailure: (r, reason) => this.triage.recordFailure(r.id, reason, true),
    });
    const writebacks = await this.pages('write-backs', (after) => this.rows.staleWritebacks(staleAfter, PAGE, after), {
      queue: (r) => WRITEBACK_QUEUE[r.helpdesk],
      table: 'writebacks',
      enqueue: (r) => this.pipeline.enqueueWriteback(r.id, r.helpdesk),
      recordFailure: (r, reason) => this.writebacks.recordFailure(r.id, reason, true),
    });
    return inbox + writebacks;
  }

  /** Reads stale rows page by page (oldest first) and requeues those whose job is missing. */
  private async pages<R extends { id: string; at: string }>(
    what: string,
    page: (after: PageStart | null) => Promise<R[]>,
    ops: RequeueOps<R>,
  ): Promise<number> {
    let requeued = 0;
    let after: PageStart | null = null;
    for (let seen = 0; seen < MAX_ROWS_PER_PASS;) {
      const rows = await page(after);
      requeued += await this.requeueMissing(rows, ops);
      seen += rows.length;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      after = { at: last.at, id: last.id };
    }
    if (requeued > 0) this.logger.warn({ requeued }, `re-enqueued ${what} missing from the queue`);
    return requeued;
  }

  /**
   * Each row whose job is gone from Redis is enqueued again; a job that failed for good without its failure
   * reaching the database (the worker died) gets it recorded. A row covered by a live job of its batch needs no
   * lookup of its own (under a backlog that is nearly every row), and a page's lookups go out together. A job
   * that finished between the page's read and its lookup is gone too, but its row is no longer pending: rows
   * are read again before they are enqueued.
   */
  private async requeueMissing<R extends { id: string }>(rows: readonly R[], ops: RequeueOps<R>): Promise<number> {
    const covered = await Promise.all(rows.map((row) => ops.coveredBy?.(row) ?? false));
    const own = rows.filter((_, i) => !covered[i]);
    const jobs = await Promise.all(own.map((row) => this.jobs.getJob(ops.queue(row), row.id)));
    for (const [i, row] of own.entries()) {
      const job = jobs[i];
      if (job && (await job.isFailed())) await ops.recordFailure(row, job.failedReason || 'failed');
    }
    const missing = own.filter((_, i) => !jobs[i]);
    if (missing.length === 0) return 0;
    const stillPending = await this.rows.stillPending(
      ops.table,
      missing.map((row) => row.id),
    );
    let requeued = 0;
    for (const row of missing) {
      if (!stillPending.has(row.id)) continue;
      await ops.enqueue(row);
      requeued++;
    }
    return requeued;
  }

  /** The job exists and has not failed for good. */
  private async jobAlive(queue: QueueName, jobId: string): Promise<boolean> {
    const job = await this.jobs.getJob(queue, jobId);
    return Boolean(job) && !(await job!.isFailed());
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
