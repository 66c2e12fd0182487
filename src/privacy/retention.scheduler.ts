import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { JobQueue } from '../platform/queue/job-queue';
import type { JobOutcomes } from '../platform/queue/queues';
import { ErasureService } from './erasure.service';

export const RETENTION_SCHEDULER = 'daily-retention';
/** Every day at 03:30 UTC. */
export const RETENTION_CRON = '30 3 * * *';

/**
 * Once a day, one worker of the cluster erases what a triage in flight stored after its ticket was erased and,
 * with RETENTION_DAYS set, the personal data of tickets older than that. The day's job comes from a job
 * scheduler kept in Redis (one however many workers upsert it); a failed pass is retried with backoff, and a
 * pass run twice does no harm: the erasure locks each ticket and skips the ones already erased.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionScheduler.name);

  constructor(
    private readonly erasure: ErasureService,
    private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {
    jobs.handle('retention', { run: () => this.run() });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.schedule(RETENTION_SCHEDULER, { pattern: RETENTION_CRON, tz: 'UTC' }, { name: 'retention', data: {} });
  }

  /** One pass: results of erased tickets stored after their erasure, then (with RETENTION_DAYS) old tickets. */
  async run(): Promise<JobOutcomes['retention']> {
    const days = this.config.get('RETENTION_DAYS');
    const lateResults = await this.erasure.eraseLateResults();
    if (lateResults > 0) this.logger.log({ results: lateResults }, 'triage results stored after their ticket was erased: erased');
    if (days === undefined) return { lateResults, tickets: 0 };
    const { tickets } = await this.erasure.eraseOlderThan(days);
    if (tickets > 0) this.logger.log({ tickets, days }, 'personal data of old tickets erased');
    return { lateResults, tickets };
  }
}
