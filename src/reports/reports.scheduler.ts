import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { JobQueue } from '../platform/queue/job-queue';

export const WEEKLY_REPORT_SCHEDULER = 'weekly-report';
/** Mondays at 06:00 (in REPORT_TIMEZONE): the previous ISO week is complete. */
export const WEEKLY_REPORT_CRON = '0 6 * * 1';

/**
 * Registers the weekly report with a job scheduler kept in Redis: however many workers upsert it, there is one
 * scheduler and one job per Monday. Upserting again updates the time zone when it changed.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportsScheduler.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const tz = this.config.get('REPORT_TIMEZONE');
    await this.jobs.schedule(WEEKLY_REPORT_SCHEDULER, { pattern: WEEKLY_REPORT_CRON, tz }, { name: 'weekly-report', data: {} });
    this.logger.log({ tz, pattern: WEEKLY_REPORT_CRON }, 'weekly report scheduled');
  }
}
