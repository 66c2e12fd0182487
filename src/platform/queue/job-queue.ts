import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, type Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Job, Queue, UnrecoverableError, Worker, type JobsOptions, type RedisOptions } from 'bullmq';
import { AppConfig } from '../config/app-config.service';
import {
  defaultJobId,
  defaultJobOptions,
  JobDone,
  JobItem,
  JobName,
  JobOutcomes,
  JobPayloads,
  QUEUE_JOBS,
  QUEUE_SETTINGS,
  QueueName,
  queueOf,
  validatePayload,
} from './queues';

/**
 * The queue port: the one file of the service that knows BullMQ. Features enqueue typed job items, register a
 * handler per job name and throw JobFailure; the port maps those to queues, workers and BullMQ's errors.
 */

/** BullMQ connection options for a redis:// or rediss:// URL. */
export function redisConnection(url: string): RedisOptions {
  // Workers need maxRetriesPerRequest null; the intake bounds its own wait on enqueue.
  return { url, maxRetriesPerRequest: null };
}

/** A job that must not be retried: BullMQ's UnrecoverableError, so the queue ends it at once. */
class PermanentJobFailure extends UnrecoverableError {
  constructor(message: string) {
    super(message);
    this.name = 'UnrecoverableError';
  }
}

/** A job that should run again after a wait without spending an attempt: its queue pauses meanwhile. */
class RetryLaterJobFailure extends Error {
  constructor(
    readonly waitMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterJobFailure';
  }
}

/** The failures a job handler may throw besides a plain error (which is retried with backoff). */
export const JobFailure = {
  /** Ends the job for good: no attempt is left to run. */
  permanent(message: string): Error {
    return new PermanentJobFailure(message);
  },
  /** Pauses the job's queue for `waitMs` and puts the job back, without counting an attempt. */
  retryLater(waitMs: number, message = `waiting ${waitMs} ms`): Error {
    return new RetryLaterJobFailure(waitMs, message);
  },
  isPermanent(err: unknown): boolean {
    return err instanceof UnrecoverableError;
  },
};

/** The job being handled: what a handler may read besides its payload. */
export interface JobContext {
  id: string;
  queue: QueueName;
  /** When the job was meant to run (a scheduled or delayed job), not when a retry runs it. */
  scheduledAt: Date;
}

/** A failed attempt; `final` when no attempt is left. */
export interface JobAttemptFailure {
  queue: QueueName;
  error: Error;
  final: boolean;
  attemptsMade: number;
}

/** The handler of one job name: `run` answers the outcome the pipeline chains from; `failed` records a failed attempt. */
export interface JobHandler<N extends JobName> {
  run(data: JobPayloads[N], job: JobContext): Promise<JobOutcomes[N]>;
  failed?(data: JobPayloads[N], failure: JobAttemptFailure): Promise<void>;
}

/** A job as kept in Redis, read by id (the sweeper, replays, erasure and the drills). */
export interface QueuedJob {
  id: string;
  name: string;
  data: unknown;
  returnvalue: unknown;
  failedReason: string | undefined;
  stacktrace: string[];
  isFailed(): Promise<boolean>;
  remove(): Promise<void>;
}

/** A job scheduler kept in Redis: one per id across replicas. */
export interface ScheduledJob {
  id: string;
  name: string;
  pattern: string | null;
  tz: string | null;
  /** When it next starts a job. */
  next: Date | null;
}

/** Job counts by state, per queue (the metrics gauge). */
export type JobCounts = Record<'waiting' | 'active' | 'delayed' | 'failed' | 'prioritized', number>;

export interface EnqueueOptions {
  /** Defaults to the id of the row the job works on (see defaultJobId). */
  jobId?: string;
  /** Fewer attempts than the queue's, for a job that already spent some elsewhere. */
  attempts?: number;
}

export interface EnqueueRequest extends EnqueueOptions {
  item: JobItem;
}

/** Runs `chain` with each finished job's outcome, inside the job: a failure to enqueue the next fails the job. */
export type JobChain = (done: JobDone) => Promise<void>;

/** Queues registered with Nest (BullModule), one per QueueName, over the validated REDIS_URL and QUEUE_PREFIX. */
export const JOB_QUEUE_IMPORTS = [
  BullModule.forRootAsync({
    inject: [AppConfig],
    extraProviders: [AppConfig],
    useFactory: (cfg: AppConfig) => ({ connection: redisConnection(cfg.get('REDIS_URL')), prefix: cfg.get('QUEUE_PREFIX') }),
  }),
  BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
];

/** Exported by the platform module, so that every module reaches the registered queues. */
export const JOB_QUEUE_EXPORTS = [BullModule];

@Injectable()
export class JobQueue implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobQueue.name);
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly concurrency = new Map<QueueName, number>();
  private chain: JobChain = async () => undefined;
  private workers: Worker[] = [];

  constructor(private readonly queueNamed: (name: QueueName) => Queue) {}

  /** The Nest provider: queues come from BullModule's registration. */
  static provider(): Provider {
    return {
      provide: JobQueue,
      inject: [ModuleRef],
      useFactory: (moduleRef: ModuleRef) => {
        // Looked up once per queue: a ModuleRef lookup per enqueue showed up on the intake path.
        const queues = new Map<QueueName, Queue>();
        return new JobQueue((name) => {
          let queue = queues.get(name);
          if (!queue) queues.set(name, (queue = moduleRef.get<Queue>(getQueueToken(name), { strict: false })));
          return queue;
        });
      },
    };
  }

  /** A port of its own connection, outside Nest (drills and scripts); `close()` it when done. */
  static connect(redisUrl: string, prefix: string): JobQueue & { close(): Promise<void> } {
    const queues = new Map<QueueName, Queue>();
    const port = new JobQueue((name) => {
      if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redisConnection(redisUrl), prefix }));
      return queues.get(name)!;
    });
    return Object.assign(port, {
      async close() {
        await port.stopWorkers();
        await Promise.all([...queues.values()].map((q) => q.close()));
      },
    });
  }

  /** Enqueues one job now, on its queue, with that queue's attempts, backoff and retention. */
  async enqueue(item: JobItem, options: EnqueueOptions = {}): Promise<void> {
    const { queue, name, data, opts } = this.prepare({ item, ...options });
    await this.queueNamed(queue).add(name, data, opts);
  }

  /** Enqueues many jobs, one round trip per queue. */
  async enqueueMany(requests: readonly EnqueueRequest[]): Promise<void> {
    const byQueue = new Map<QueueName, { name: string; data: unknown; opts: JobsOptions }[]>();
    for (const request of requests) {
      const { queue, ...job } = this.prepare(request);
      const jobs = byQueue.get(queue);
      if (jobs) jobs.push(job);
      else byQueue.set(queue, [job]);
    }
    await Promise.all([...byQueue].map(([queue, jobs]) => this.queueNamed(queue).addBulk(jobs)));
  }

  /** Registers the job scheduler `id` (one across replicas, however many upsert it). */
  async schedule(id: string, repeat: { pattern: string; tz: string }, item: JobItem): Promise<void> {
    const { queue, name, data, opts } = this.prepare({ item });
    await this.queueNamed(queue).upsertJobScheduler(id, repeat, { name, data, opts });
  }

  /** The job schedulers of a queue, with the next time each starts a job. */
  async schedulers(queue: QueueName): Promise<ScheduledJob[]> {
    const found = await this.queueNamed(queue).getJobSchedulers();
    return found.map((s) => ({
      id: s.key,
      name: s.name,
      pattern: s.pattern ?? null,
      tz: s.tz ?? null,
      next: s.next ? new Date(s.next) : null,
    }));
  }

  async getJob(queue: QueueName, jobId: string): Promise<QueuedJob | undefined> {
    const job = await this.queueNamed(queue).getJob(jobId);
    return job ? queuedJob(job) : undefined;
  }

  /** Retries a job kept failed in Redis, with its attempts reset; false when there is no such failed job. */
  async retryFailed(queue: QueueName, jobId: string): Promise<boolean> {
    const job = await this.queueNamed(queue).getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  /** Ids of the jobs some worker holds right now. */
  activeJobIds(queue: QueueName): Promise<string[]> {
    return this.queueNamed(queue).getRanges(['active'], 0, -1);
  }

  async counts(): Promise<{ queue: QueueName; counts: JobCounts }[]> {
    return Promise.all(
      Object.values(QueueName).map(async (queue) => ({
        queue,
        counts: (await this.queueNamed(queue).getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized')) as JobCounts,
      })),
    );
  }

  /** One round trip to Redis (the readiness check). */
  async isAlive(): Promise<void> {
    const queue = this.queueNamed(QueueName.Triage);
    const client = await queue.getBackend().client;
    // Any round trip proves the connection; IRedisClient exposes no PING.
    await client.get(`${queue.name}:health`);
  }

  /**
   * No worker of any process takes the queue's jobs for `forMs`. The pause is a key that expires in Redis, so
   * it ends even if the process that paused dies.
   */
  async pause(queue: QueueName, forMs: number): Promise<void> {
    await this.queueNamed(queue).rateLimit(forMs);
  }

  /** Ends a pause early. */
  async resume(queue: QueueName): Promise<void> {
    await this.queueNamed(queue).removeRateLimitKey();
  }

  /** The BullMQ queues, for bull-board's adapter (the queue dashboard) only. */
  dashboardQueues(): Queue[] {
    return Object.values(QueueName).map((name) => this.queueNamed(name));
  }

  /** The worker's handler of one job name; every job name of a queue needs one before its worker starts. */
  handle<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.handlers.set(name, handler as unknown as JobHandler<JobName>);
  }

  /** How many jobs of a queue one worker runs at once (default: the queue's settings). */
  setConcurrency(queue: QueueName, concurrency: number): void {
    this.concurrency.set(queue, concurrency);
  }

  /** What runs after each job's handler, with its outcome (the pipeline). */
  afterEach(chain: JobChain): void {
    this.chain = chain;
  }

  /** Starts the workers of the queues whose jobs have handlers: the worker role registers them, the API none. */
  onApplicationBootstrap(): void {
    this.startWorkers();
  }

  startWorkers(): void {
    if (this.workers.length > 0) return;
    for (const queue of Object.values(QueueName)) {
      const names = QUEUE_JOBS[queue];
      const missing = names.filter((name) => !this.handlers.has(name));
      if (missing.length === names.length) continue;
      if (missing.length > 0) throw new Error(`queue ${queue} has no handler for ${missing.join(', ')}`);
      this.workers.push(this.startWorker(queue));
    }
  }

  /** Waits for the jobs running here to finish, then stops taking new ones. */
  async stopWorkers(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.close()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stopWorkers();
  }

  private prepare({ item, jobId, attempts }: EnqueueRequest): { queue: QueueName; name: JobName; data: unknown; opts: JobsOptions } {
    const queue = queueOf(item);
    const opts: JobsOptions = { ...defaultJobOptions(queue) };
    const id = jobId ?? defaultJobId(item);
    if (id !== undefined) opts.jobId = id;
    if (attempts !== undefined) opts.attempts = Math.max(1, attempts);
    return { queue, name: item.name, data: validatePayload(item.name, item.data as never), opts };
  }

  private startWorker(queue: QueueName): Worker {
    const settings = QUEUE_SETTINGS[queue];
    const { connection, prefix } = this.queueNamed(queue).opts;
    const worker = new Worker(queue, (job: Job) => this.process(queue, job), {
      connection: connection as RedisOptions,
      prefix,
      concurrency: this.concurrency.get(queue) ?? settings.concurrency,
      lockDuration: settings.lockDurationMs,
      // A dead worker's jobs are looked for as often as a lock lasts (the triage queue's were found after 30 s).
      ...(queue === QueueName.Triage ? { stalledInterval: settings.lockDurationMs } : {}),
    });
    worker.on('failed', (job, error) => void this.failed(queue, job, error));
    worker.on('error', (err) => this.logger.warn({ err, queue }, 'queue worker error'));
    return worker;
  }

  private async process(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler || !QUEUE_JOBS[queue].includes(job.name as JobName)) {
      throw new UnrecoverableError(`unknown job ${job.name} on the ${queue} queue`);
    }
    try {
      const outcome = await handler.run(job.data, context(queue, job));
      await this.chain({ name: job.name, data: job.data, outcome } as JobDone);
      return outcome;
    } catch (err) {
      if (err instanceof RetryLaterJobFailure) {
        await this.pause(queue, err.waitMs);
        throw Worker.RateLimitError();
      }
      throw err;
    }
  }

  private async failed(queue: QueueName, job: Job | undefined, error: Error): Promise<void> {
    // A job put back by a pause spent no attempt.
    if (!job || error.name === 'RateLimitError') return;
    const handler = this.handlers.get(job.name as JobName);
    const final =
      error instanceof UnrecoverableError || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    try {
      await handler?.failed?.(job.data, { queue, error, final, attemptsMade: job.attemptsMade });
    } catch (err) {
      this.logger.error({ err, queue, jobId: job.id }, 'could not record a job failure');
    }
  }
}

function context(queue: QueueName, job: Job): JobContext {
  return { id: job.id ?? '', queue, scheduledAt: new Date(job.timestamp + (job.opts.delay ?? 0)) };
}

function queuedJob(job: Job): QueuedJob {
  return {
    id: job.id ?? '',
    name: job.name,
    data: job.data,
    returnvalue: job.returnvalue,
    failedReason: job.failedReason,
    stacktrace: job.stacktrace ?? [],
    isFailed: () => job.isFailed(),
    remove: () => job.remove(),
  };
}
