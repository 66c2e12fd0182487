import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { refusedAuthentication } from '../auth/authenticate-first';
import { JobQueue } from '../queue/job-queue';
import { CONFIDENCE_BUCKETS, METRIC_PREFIX, WritebackResult } from './metric-names';

/** A webhook path (`/webhooks/zendesk`); its one group is the helpdesk. */
const WEBHOOK_PATH = /^\/webhooks\/([\w-]+)$/;

/**
 * Prometheus metrics of one process: HTTP traffic, queue depth, jobs, triage, write-backs, outcomes, webhook
 * authentication and report freshness. API and worker share the class; each counts what it does itself.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: `${METRIC_PREFIX}job_duration_seconds`,
    help: 'Time a queue job took, by queue and result',
    labelNames: ['queue', 'result'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: `${METRIC_PREFIX}job_failures_total`,
    help: 'Failed job attempts, by queue; final="true" when the job gave up',
    labelNames: ['queue', 'final'] as const,
    registers: [this.registry],
  });

  readonly triages = new Counter({
    name: `${METRIC_PREFIX}triage_results_total`,
    help: 'Triage results stored, by cause',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  /** The share of each decision is its rate over the sum: how much goes back without an agent's look. */
  readonly decisions = new Counter({
    name: `${METRIC_PREFIX}triage_decisions_total`,
    help: 'Triage results stored, by write-back decision: auto (written back as is) or review (an agent looks first)',
    labelNames: ['decision'] as const,
    registers: [this.registry],
  });

  /** Applied-fix tags (`<prefix>applied_<id>`) naming no macro of the pack: ignored, never credited as a fix. */
  readonly unknownMacroTags = new Counter({
    name: `${METRIC_PREFIX}unknown_macro_tags_total`,
    help: 'Applied-fix tags on helpdesk events that name no macro of the knowledge pack (ignored)',
    registers: [this.registry],
  });

  /** Counted by the triage processor per stored result; the share under a gate is read from the buckets. */
  readonly triageConfidence = new Histogram({
    name: `${METRIC_PREFIX}triage_confidence`,
    help: 'Confidence of the named cause per stored triage, by write-back decision',
    labelNames: ['decision'] as const,
    buckets: CONFIDENCE_BUCKETS,
    registers: [this.registry],
  });

  /** Counted by the worker's write-back processors, one per attempt. */
  readonly writebacks = new Counter({
    name: `${METRIC_PREFIX}writebacks_total`,
    help: 'Write-back attempts by helpdesk and result: ok, skipped (already written), dry_run, rate_limited (the helpdesk answered 429), throttled (our per-minute budget), error (retried), failed (given up)',
    labelNames: ['helpdesk', 'result'] as const,
    registers: [this.registry],
  });

  readonly helpdeskRateLimited = new Counter({
    name: `${METRIC_PREFIX}helpdesk_rate_limited_total`,
    help: 'Helpdesk API answers 429 Too Many Requests, by helpdesk',
    labelNames: ['helpdesk'] as const,
    registers: [this.registry],
  });

  /** Counted by the API when a webhook's answer has gone; `reason` is the error code's name, lower case. */
  readonly webhookAuthFailures = new Counter({
    name: `${METRIC_PREFIX}webhook_auth_failures_total`,
    help: 'Webhooks refused for their credentials, by helpdesk and reason: bad_signature, unauthorized, not_configured',
    labelNames: ['helpdesk', 'reason'] as const,
    registers: [this.registry],
  });

  /** Counted where outcomes are recorded (the API: agents' word and helpdesk status or rating webhooks). */
  readonly outcomes = new Counter({
    name: `${METRIC_PREFIX}outcomes_total`,
    help: 'Outcomes recorded or changed, by the signal that set them (agent, status, csat) and whether the fix resolved the ticket',
    labelNames: ['signal', 'resolved'] as const,
    registers: [this.registry],
  });

  constructor(
    moduleRef: ModuleRef,
    @InjectDataSource() db: DataSource,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    // Both series exist from the start, so a share computed from them never lacks its denominator.
    for (const decision of ['auto', 'review'] as const) this.decisions.inc({ decision }, 0);
    // Every queue the service declares, through the queue port (resolved at scrape time).
    const jobs = () => moduleRef.get(JobQueue, { strict: false });
    new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in each queue by state, read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { queue, counts } of await jobs().counts()) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}inbox_events`,
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
    new Gauge({
      name: `${METRIC_PREFIX}weekly_report_age_seconds`,
      help: 'Seconds since the newest stored weekly report was generated, labelled with the ISO week it covers; absent until one exists',
      labelNames: ['iso_week'] as const,
      registers: [this.registry],
      async collect() {
        // One row per week: a sort of the whole table is cheap.
        const [newest]: { iso_week: string; age: number }[] = await db.query(
          `SELECT iso_week, extract(epoch FROM now() - generated_at)::float8 AS age
           FROM weekly_reports ORDER BY generated_at DESC LIMIT 1`,
        );
        this.reset();
        if (newest) this.set({ iso_week: newest.iso_week }, Math.max(0, newest.age));
      },
    });
  }

  /** The API counts refused webhooks once answered; a process without HTTP (the worker) serves none. */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', async (req) => {
      const refused = refusedAuthentication(req);
      const helpdesk = refused && WEBHOOK_PATH.exec(refused.prefix)?.[1];
      if (!refused || !helpdesk) return;
      this.webhookAuthFailures.inc({ helpdesk, reason: refused.code.replace(/^WEBHOOK\./, '').toLowerCase() });
    });
  }

  countWriteback(helpdesk: string, result: WritebackResult): void {
    this.writebacks.inc({ helpdesk, result });
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
