import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { JobPayloads, QUEUE_SETTINGS, QueueName } from '../platform/queue/queues';
import { formatIsoWeek, parseIsoWeek } from './iso-week';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportsService } from './reports.service';

const settings = QUEUE_SETTINGS[QueueName.Reports];

/** Generates a week's report (the previous week when the job names none), then delivers its summary. */
@Processor(QueueName.Reports, { concurrency: settings.concurrency, lockDuration: settings.lockDurationMs })
export class ReportsProcessor extends WorkerHost {
  constructor(
    private readonly reports: ReportsService,
    private readonly delivery: ReportDeliveryService,
  ) {
    super();
  }

  async process(job: Job<JobPayloads['weekly-report']>): Promise<{ isoWeek: string; durationMs: number; delivered: boolean }> {
    if (job.name !== 'weekly-report') throw new UnrecoverableError(`unknown job ${job.name} on the reports queue`);
    const week = job.data.isoWeek ? parseIsoWeek(job.data.isoWeek) : this.reports.previousWeek(scheduledAt(job));
    if (!week) throw new UnrecoverableError(`weekly-report job names no ISO week: ${job.data.isoWeek}`);
    // Generation replaces the week's row, so a retry after a failed delivery repeats both safely.
    const { report, durationMs } = await this.reports.generate(week);
    const delivered = await this.delivery.deliver(report);
    return { isoWeek: formatIsoWeek(week), durationMs, delivered };
  }
}

/** When the scheduler meant the job to run (not when a retry runs it): the week is fixed by then. */
function scheduledAt(job: Job): Date {
  return new Date(job.timestamp + (job.opts.delay ?? 0));
}
