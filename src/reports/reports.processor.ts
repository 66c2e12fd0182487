import { Injectable } from '@nestjs/common';
import { JobContext, JobFailure, JobQueue } from '../platform/queue/job-queue';
import { JobOutcomes, JobPayloads } from '../platform/queue/queues';
import { formatIsoWeek, parseIsoWeek } from './iso-week';
import { ReportDeliveryService } from './report-delivery.service';
import { ReportsService } from './reports.service';

/** Generates a week's report (the previous week when the job names none), then delivers its summary. */
@Injectable()
export class ReportsProcessor {
  constructor(
    private readonly reports: ReportsService,
    private readonly delivery: ReportDeliveryService,
    jobs: JobQueue,
  ) {
    jobs.handle('weekly-report', { run: (data, job) => this.process(data, job) });
  }

  async process(data: JobPayloads['weekly-report'], job: JobContext): Promise<JobOutcomes['weekly-report']> {
    // The week is fixed when the scheduler meant the job to run, not when a retry runs it.
    const week = data.isoWeek ? parseIsoWeek(data.isoWeek) : this.reports.previousWeek(job.scheduledAt);
    if (!week) throw JobFailure.permanent(`weekly-report job names no ISO week: ${data.isoWeek}`);
    // Generation replaces the week's row, so a retry after a failed delivery repeats both safely.
    const { report, durationMs } = await this.reports.generate(week);
    const delivered = await this.delivery.deliver(report);
    return { isoWeek: formatIsoWeek(week), durationMs, delivered };
  }
}
