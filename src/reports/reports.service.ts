import { BadRequestException, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../platform/config/app-config.service';
import { EngineService } from '../triage/engine.service';
import { formatIsoWeek, IsoWeek, parseIsoWeek, previousIsoWeek, weekRange } from './iso-week';
import { catalogFromPack } from './report-catalog';
import { ReportGenerator } from './report-generator';
import type { ReportListDto, WeeklyReportDto } from './weekly-report.dto';

export interface GeneratedReport {
  report: WeeklyReportDto;
  durationMs: number;
}

/** Generates, stores (one row per ISO week; generating again replaces it) and reads weekly reports. */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);
  private readonly generator: ReportGenerator;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    engine: EngineService,
  ) {
    this.generator = new ReportGenerator(db, catalogFromPack(engine.pack));
  }

  get timeZone(): string {
    return this.config.get('REPORT_TIMEZONE');
  }

  /** The week a string names; 400 with the error shape when it is malformed or the year has no such week. */
  parseWeek(text: string): IsoWeek {
    const week = parseIsoWeek(text);
    if (!week) {
      throw new BadRequestException({
        error: { code: 'REQUEST.INVALID', message: `${text} is not an ISO week like 2026-W47`, details: { isoWeek: text } },
      });
    }
    return week;
  }

  /** The week before the one `now` falls in, in REPORT_TIMEZONE: what the Monday job reports on. */
  previousWeek(now = new Date()): IsoWeek {
    return previousIsoWeek(now, this.timeZone);
  }

  async generate(week: IsoWeek, now = new Date()): Promise<GeneratedReport> {
    const range = weekRange(week, this.timeZone);
    if (range.end.getTime() > now.getTime()) {
      throw new UnprocessableEntityException({
        error: { code: 'UNPROCESSABLE', message: `Week ${range.isoWeek} has not ended yet (it ends ${range.end.toISOString()})` },
      });
    }
    const started = performance.now();
    const report = await this.generator.generate(week, this.timeZone, now);
    const durationMs = Math.round(performance.now() - started);
    await this.db.query(
      `INSERT INTO weekly_reports (iso_week, time_zone, week_start, week_end, pack_version, report, generated_at, generation_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (iso_week) DO UPDATE SET
         time_zone = EXCLUDED.time_zone, week_start = EXCLUDED.week_start, week_end = EXCLUDED.week_end,
         pack_version = EXCLUDED.pack_version, report = EXCLUDED.report, generated_at = EXCLUDED.generated_at,
         generation_ms = EXCLUDED.generation_ms`,
      [range.isoWeek, this.timeZone, range.start, range.end, report.packVersion, report, now, durationMs],
    );
    this.logger.log({ isoWeek: range.isoWeek, durationMs }, 'weekly report generated');
    return { report, durationMs };
  }

  async get(isoWeek: string): Promise<WeeklyReportDto> {
    const week = formatIsoWeek(this.parseWeek(isoWeek));
    const [row]: { report: WeeklyReportDto }[] = await this.db.query('SELECT report FROM weekly_reports WHERE iso_week = $1', [week]);
    if (!row) {
      throw new NotFoundException({
        error: {
          code: 'REPORT.NOT_FOUND',
          message: `No report for ${week}; an admin can generate it with POST /v1/reports/weekly/${week}/generate`,
          details: { isoWeek: week },
        },
      });
    }
    return row.report;
  }

  /** Reported weeks, newest first. */
  async list(limit = 50, cursor?: string): Promise<ReportListDto> {
    const rows: { iso_week: string; week_start: Date; week_end: Date; generated_at: Date }[] = await this.db.query(
      `SELECT iso_week, week_start, week_end, generated_at FROM weekly_reports
       WHERE $1::varchar IS NULL OR iso_week < $1 ORDER BY iso_week DESC LIMIT $2`,
      [cursor ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        isoWeek: r.iso_week,
        weekStart: new Date(r.week_start).toISOString(),
        weekEnd: new Date(r.week_end).toISOString(),
        generatedAt: new Date(r.generated_at).toISOString(),
        href: `/v1/reports/weekly/${r.iso_week}`,
      })),
      nextCursor: rows.length > limit ? page[page.length - 1].iso_week : null,
    };
  }
}
