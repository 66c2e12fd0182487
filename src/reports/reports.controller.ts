import { Audited } from '../audit/audited.decorator';
import { Controller, Get, Headers, HttpCode, Logger, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { renderCsv } from './report-csv';
import { ReportDeliveryService } from './report-delivery.service';
import { renderHtml } from './report-html';
import { ReportsService } from './reports.service';
import { GenerateAnswerDto, ReportFormat, ReportListDto, ReportListQueryDto, ReportQueryDto, WeeklyReportDto } from './weekly-report.dto';

const MEDIA: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

@ApiTags('reports')
@Controller('v1/reports/weekly')
export class ReportsController {
  private readonly logger = new Logger(ReportsController.name);

  constructor(
    private readonly reports: ReportsService,
    private readonly delivery: ReportDeliveryService,
  ) {}

  @ApiOperation({
    summary: 'Weeks with a report, newest first: {items, nextCursor}',
    description: 'When the last complete week has no report yet (a fresh install, or before the Monday run), it is generated first.',
  })
  @ApiOkResponse({ type: ReportListDto })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Malformed limit or cursor' })
  @RequireScope('agent')
  @Get()
  list(@Query() query: ReportListQueryDto): Promise<ReportListDto> {
    return this.reports.list(query.limit ?? 50, query.cursor);
  }

  @ApiOperation({
    summary: 'The week in progress, week to date (partial: true), as JSON, CSV or HTML; computed on request, never stored',
    description: 'Figures up to now, compared with the same span of the previous week. Format as for any week.',
  })
  @ApiProduces(MEDIA.json, MEDIA.csv, MEDIA.html)
  @ApiOkResponse({ type: WeeklyReportDto })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Malformed format or section' })
  @RequireScope('agent')
  @Get('current')
  async current(
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WeeklyReportDto | string> {
    void reply.header('cache-control', 'no-store');
    return this.render(await this.reports.current(new Date(), query.pack), query, accept, reply);
  }

  @ApiOperation({
    summary: 'One week’s fix-effectiveness report as JSON, CSV (one table per ?section) or a self-contained HTML page',
    description: 'The format comes from ?format, else from the Accept header (text/html, text/csv, application/json); JSON by default.',
  })
  @ApiParam({ name: 'isoWeek', example: '2026-W47', description: 'ISO week in REPORT_TIMEZONE' })
  @ApiProduces(MEDIA.json, MEDIA.csv, MEDIA.html)
  @ApiOkResponse({ type: WeeklyReportDto })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Malformed week, format or section' })
  @ApiNotFoundResponse({
    type: ErrorResponse,
    description: 'No report for that week (the last complete week is generated on demand; the week in progress is at /current)',
  })
  @RequireScope('agent')
  @Get(':isoWeek')
  async get(
    @Param('isoWeek') isoWeek: string,
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WeeklyReportDto | string> {
    return this.render(await this.reports.get(isoWeek, new Date(), query.pack), query, accept, reply);
  }

  /** One report in the format asked for, with the links to its tickets. */
  private render(
    stored: WeeklyReportDto,
    query: ReportQueryDto,
    accept: string | undefined,
    reply: FastifyReply,
  ): WeeklyReportDto | string {
    const report = this.reports.present(stored);
    const format = query.format ?? negotiate(accept);
    void reply.header('content-type', MEDIA[format]).header('vary', 'Accept');
    if (format === 'csv') {
      const section = query.section ?? 'macros';
      const name = `report-${report.isoWeek}${report.partial ? '-so-far' : ''}-${section}.csv`;
      void reply.header('content-disposition', `attachment; filename="${name}"`);
      return renderCsv(report, section);
    }
    if (format === 'html') {
      void reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
      return renderHtml(report);
    }
    return report;
  }

  @ApiOperation({
    summary: 'Generate (or regenerate, replacing it) the report of a week that has ended; runs within the request',
  })
  @ApiParam({ name: 'isoWeek', example: '2026-W47' })
  @ApiOkResponse({ type: GenerateAnswerDto })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: 'The week has not ended yet' })
  @RequireScope('admin')
  @Audited('report.regenerate', 'isoWeek')
  @Post(':isoWeek/generate')
  @HttpCode(200)
  async generate(@Param('isoWeek') isoWeek: string): Promise<GenerateAnswerDto> {
    const { report, durationMs } = await this.reports.generate(this.reports.parseWeek(isoWeek));
    let delivery: GenerateAnswerDto['delivery'] = 'not_configured';
    if (this.delivery.configured) {
      // The report is stored either way; a webhook outage must not turn the answer into an error.
      delivery = await this.delivery.deliver(report).then(
        () => 'sent' as const,
        (err: unknown) => {
          this.logger.warn({ err, isoWeek: report.isoWeek }, 'report summary not delivered');
          return 'failed' as const;
        },
      );
    }
    return {
      isoWeek: report.isoWeek,
      generation: 'synchronous',
      generatedAt: report.generatedAt,
      durationMs,
      delivery,
      href: `/v1/reports/weekly/${report.isoWeek}`,
    };
  }
}

/** The first of JSON, CSV or HTML the Accept header prefers (by q, then order); JSON when it names none. */
export function negotiate(accept: string | undefined): ReportFormat {
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { type: type.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((m) => m.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const m of ranked) {
    if (m.type === 'text/html' || m.type === 'application/xhtml+xml') return 'html';
    if (m.type === 'text/csv') return 'csv';
    if (m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*') return 'json';
  }
  return 'json';
}
