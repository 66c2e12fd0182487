import { BadRequestException, Injectable, Logger, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { EngineService } from '../triage/engine.service';
import { formatIsoWeek, IsoWeek, isoWeekAt, parseIsoWeek, previousIsoWeek, weekRange } from './iso-week';
import { catalogFromPack } from './report-catalog';
import { ReportGenerator } from './report-generator';
import { TicketLinks, ticketLinks, withLinks } from './report-links';
import { ReportStatisticsRepository } from './report-statistics.repository';
import { ReportsRepository } from './reports.repository';
import type { ReportListDto, WeeklyReportDto } from './weekly-report.dto';

export interface GeneratedReport {
  report: WeeklyReportDto;
  durationMs: number;
}

/** Generates, stores (one row per ISO week; generating again replaces it) and reads weekly reports. */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);
  private readonly links: TicketLinks;
  /** A generation on demand in progress, so simultaneous first reads make one report. */
  private onDemand: Promise<unknown> | null = null;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly statistics: ReportStatisticsRepository,
    private readonly config: AppConfig,
    private readonly engine: EngineService,
  ) {
    this.links = ticketLinks({
      zendeskUrl: config.get('ZENDESK_URL'),
      freshdeskUrl: config.get('FRESHDESK_URL'),
      tagPrefix: config.get('HELPDESK_TAG_PREFIX'),
    });
  }

  /**
   * The generator of one pack's report (the default pack's unless named; an unknown id is a 404): its tickets,
   * outcomes and suggestions, named with that pack's catalogue as loaded now.
   */
  private generatorFor(packId?: string): ReportGenerator {
    const pack = this.engine.packOf(packId);
    const scope = { packId: pack.id, defaultPackId: this.engine.defaultPackId, only: this.engine.list().length === 1 };
    return new ReportGenerator(this.statistics, catalogFromPack(pack.pack), scope);
  }

  /** Whether `packId` names a pack other than the default one: its reports are made on request, never stored. */
  private isOtherPack(packId: string | undefined): packId is string {
    return packId !== undefined && this.engine.packOf(packId).id !== this.engine.defaultPackId;
  }

  private get minSamples(): number {
    return this.config.get('REPORT_MIN_SAMPLES');
  }

  /** A report as served: with the links to the tickets behind each row, as the configuration has them now. */
  present(report: WeeklyReportDto): WeeklyReportDto {
    return withLinks(report, this.links);
  }

  get timeZone(): string {
    return this.config.get('REPORT_TIMEZONE');
  }

  /** The week a string names; 400 with the error shape when it is malformed or the year has no such week. */
  parseWeek(text: string): IsoWeek {
    const week = parseIsoWeek(text);
    if (!week) {
      throw new BadRequestException({
        error: {
          code: 'REQUEST.INVALID',
          message: `${text} is not an ISO week like 2026-W47`,
          details: [`isoWeek: ${text} is not a week`],
        },
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
    const report = await this.generatorFor().generate(week, this.timeZone, now, { minSamples: this.minSamples });
    const durationMs = Math.round(performance.now() - started);
    await this.reports.save({
      isoWeek: range.isoWeek,
      timeZone: this.timeZone,
      weekStart: range.start,
      weekEnd: range.end,
      packVersion: report.packVersion,
      report,
      generatedAt: now,
      generationMs: durationMs,
    });
    this.logger.log({ isoWeek: range.isoWeek, durationMs }, 'weekly report generated');
    return { report, durationMs };
  }

  /** The week in progress, up to now, of one pack (default: the default pack): computed on each request and never stored. */
  current(now = new Date(), packId?: string): Promise<WeeklyReportDto> {
    return this.generatorFor(packId).generate(isoWeekAt(now, this.timeZone), this.timeZone, now, { minSamples: this.minSamples });
  }

  /**
   * A stored week's report. The last complete week is generated on demand when it has none yet (a fresh
   * install, or before the Monday run), as the Monday run would; other weeks without one answer 404.
   */
  async get(isoWeek: string, now = new Date(), packId?: string): Promise<WeeklyReportDto> {
    if (this.isOtherPack(packId)) return this.otherPackWeek(this.parseWeek(isoWeek), now, packId);
    const week = formatIsoWeek(this.parseWeek(isoWeek));
    const stored = await this.reports.find(week);
    if (stored) return stored;
    const last = this.previousWeek(now);
    if (week === formatIsoWeek(last)) {
      await this.generateOnDemand(last, now);
      const made = await this.reports.find(week);
      if (made) return made;
    }
    const current = formatIsoWeek(isoWeekAt(now, this.timeZone));
    throw new NotFoundException({
      error: {
        code: 'REPORT.NOT_FOUND',
        message:
          week === current
            ? `${week} is the week in progress: read it at GET /v1/reports/weekly/current; its report is made when it ends`
            : `No report for ${week}; an admin can generate it with POST /v1/reports/weekly/${week}/generate ` +
              `(the week in progress is at GET /v1/reports/weekly/current)`,
        details: [`isoWeek: ${week} has no stored report`],
      },
    });
  }

  /**
   * A complete week's report of a pack other than the default one: made on request, never stored (the stored
   * reports, the Monday run and its delivery are the default pack's).
   */
  private async otherPackWeek(week: IsoWeek, now: Date, packId: string): Promise<WeeklyReportDto> {
    const range = weekRange(week, this.timeZone);
    if (range.end.getTime() > now.getTime()) {
      throw new NotFoundException({
        error: {
          code: 'REPORT.NOT_FOUND',
          message: `${range.isoWeek} has not ended: read the week in progress at GET /v1/reports/weekly/current?pack=${packId}`,
          details: { isoWeek: range.isoWeek },
        },
      });
    }
    return this.generatorFor(packId).generate(week, this.timeZone, now, { minSamples: this.minSamples });
  }

  /** Makes the last complete week's report when it is not stored yet. */
  private async ensureLastWeek(now: Date): Promise<void> {
    const last = this.previousWeek(now);
    if (!(await this.reports.exists(formatIsoWeek(last)))) await this.generateOnDemand(last, now);
  }

  private async generateOnDemand(week: IsoWeek, now: Date): Promise<void> {
    this.onDemand ??= this.generate(week, now)
      .then(() => this.logger.log({ isoWeek: formatIsoWeek(week) }, 'last week’s report generated on demand'))
      .finally(() => (this.onDemand = null));
    await this.onDemand;
  }

  /** Reported weeks, newest first; the last complete week is generated on demand when it has no report yet. */
  async list(limit = 50, cursor?: string, now = new Date()): Promise<ReportListDto> {
    if (!cursor) await this.ensureLastWeek(now);
    // One row more than the page: whether it exists says whether there is a next page.
    const rows = await this.reports.weeksBefore(cursor ?? null, limit + 1);
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
