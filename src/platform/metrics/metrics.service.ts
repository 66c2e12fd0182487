import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { QueueName } from '../queue/queues';

/** Prometheus metrics of one process: HTTP traffic, queue depth, jobs, triage outcomes. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Time a queue job took, by queue and result',
    labelNames: ['queue', 'result'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'job_failures_total',
    help: 'Failed job attempts, by queue; final="true" when the job gave up',
    labelNames: ['queue', 'final'] as const,
    registers: [this.registry],
  });

  readonly triages = new Counter({
    name: 'triage_results_total',
    help: 'Triage results stored, by cause',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  /** The share of each decision is its rate over the sum: how much goes back without an agent's look. */
  readonly decisions = new Counter({
    name: 'triage_decisions_total',
    help: 'Triage results stored, by write-back decision: auto (written back as is) or review (an agent looks first)',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  /** Applied-fix tags (`<prefix>applied_<id>`) naming no macro of the pack: ignored, never credited as a fix. */
  readonly unknownMacroTags = new Counter({
    name: 'unknown_macro_tags_total',
    help: 'Applied-fix tags on helpdesk events that name no macro of the knowledge pack (ignored)',
    registers: [this.registry],
  });

  constructor(
    @InjectQueue(QueueName.Triage) triage: Queue,
    @InjectQueue(QueueName.WritebackZendesk) zendesk: Queue,
    @InjectQueue(QueueName.WritebackFreshdesk) freshdesk: Queue,
    @InjectDataSource() db: DataSource,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Both series exist from the start, so a share computed from them never lacks its denominator.
    for (const decision of ['auto', 'review'] as const) this.decisions.inc({ decision }, 0);
    const queues = [triage, zendesk, freshdesk];
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        await Promise.all(
          queues.map(async (q) => {
            const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
            for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
          }),
        );
      },
    });
    new Gauge({
      name: 'inbox_events',
      help: 'Inbox events not processed: pending (queued or lost from Redis) and failed for good',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows: { state: string; n: number }[] = await db.query(
          `SELECT state, count(*)::int AS n FROM inbox_events WHERE state <> 'processed' GROUP BY state`,
        );
        this.reset();
        this.set({ state: 'pending' }, 0);
        this.set({ state: 'failed' }, 0);
        for (const r of rows) this.set({ state: r.state }, r.n);
      },
    });
  }

  /** Times a job and counts its failure; rethrows so the queue still retries. */
  async timeJob<T>(queue: string, run: () => Promise<T>): Promise<T> {
    const end = this.jobDuration.startTimer({ queue });
    try {
      const value = await run();
      end({ result: 'ok' });
      return value;
    } catch (err) {
      end({ result: 'error' });
      throw err;
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
