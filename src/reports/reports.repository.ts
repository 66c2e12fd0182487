import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { WeeklyReportDto } from './weekly-report.dto';

/** A week's report as stored, with the week it covers and how long it took to make. */
export interface StoredReport {
  isoWeek: string;
  timeZone: string;
  weekStart: Date;
  weekEnd: Date;
  packVersion: string;
  report: WeeklyReportDto;
  generatedAt: Date;
  generationMs: number;
}

/** A stored week as listed. */
export interface ReportListRow {
  iso_week: string;
  week_start: Date;
  week_end: Date;
  generated_at: Date;
}

/** The `weekly_reports` table: one row per ISO week. */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Stores the week's report, replacing the one stored for that week. */
  async save(r: StoredReport): Promise<void> {
    await this.db.query(
      `INSERT INTO weekly_reports (iso_week, time_zone, week_start, week_end, pack_version, report, generated_at, generation_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (iso_week) DO UPDATE SET
         time_zone = EXCLUDED.time_zone, week_start = EXCLUDED.week_start, week_end = EXCLUDED.week_end,
         pack_version = EXCLUDED.pack_version, report = EXCLUDED.report, generated_at = EXCLUDED.generated_at,
         generation_ms = EXCLUDED.generation_ms`,
      [r.isoWeek, r.timeZone, r.weekStart, r.weekEnd, r.packVersion, r.report, r.generatedAt, r.generationMs],
    );
  }

  async find(isoWeek: string): Promise<WeeklyReportDto | null> {
    const [row]: { report: WeeklyReportDto }[] = await this.db.query('SELECT report FROM weekly_reports WHERE iso_week = $1', [isoWeek]);
    return row?.report ?? null;
  }

  async exists(isoWeek: string): Promise<boolean> {
    const [row] = await this.db.query('SELECT 1 FROM weekly_reports WHERE iso_week = $1', [isoWeek]);
    return Boolean(row);
  }

  /** Up to `count` stored weeks before `before` (null: from the newest), newest first. */
  weeksBefore(before: string | null, count: number): Promise<ReportListRow[]> {
    return this.db.query(
      `SELECT iso_week, week_start, week_end, generated_at FROM weekly_reports
       WHERE $1::varchar IS NULL OR iso_week < $1 ORDER BY iso_week DESC LIMIT $2`,
      [before, count],
    );
  }
}
