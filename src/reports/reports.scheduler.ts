import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../platform/config/app-config.service';
import { defaultJobOptions, QueueName, validatePayload } from '../platform/queue/queues';

export const WEEKLY_REPORT_SCHEDULER = 'weekly-report';
/** Mondays at 06:00 (in REPORT_TIMEZONE): the previous ISO week is complete. */
export const WEEKLY_REPORT_CRON = '0 6 * * 1';

/**
 * Registers the weekly report with a BullMQ job scheduler kept in Redis: however many workers upsert it,
 * there is one scheduler and one job per Monday. Upserting again updates the time zone when it changed.
 */
@Injectable()
export class ReportsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportsScheduler.name);

  constructor(
    @InjectQueue(QueueName.Reports) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const tz = this.config.get('REPORT_TIMEZONE');
    const { attempts, backoff, removeOnComplete, removeOnFail } = defaultJobOptions(QueueName.Reports);
    await this.queue.upsertJobScheduler(
      WEEKLY_REPORT_SCHEDULER,
      { pattern: WEEKLY_REPORT_CRON, tz },
      { name: 'weekly-report', data: validatePayload('weekly-report', {}), opts: { attempts, backoff, removeOnComplete, removeOnFail } },
    );
    this.logger.log({ tz, pattern: WEEKLY_REPORT_CRON }, 'weekly report scheduled');
  }
}
