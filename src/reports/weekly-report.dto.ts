/** The weekly report document: stored as JSON, served as JSON, and described in the OpenAPI spec. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Type } from 'class-transformer';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const CSV_SECTIONS = ['macros', 'symptoms', 'causes', 'gaps', 'quality', 'csat'] as const;
export type CsvSection = (typeof CSV_SECTIONS)[number];

export class IntervalDto {
  @ApiProperty({ example: 0.49 }) low: number;
  @ApiProperty({ example: 0.943 }) high: number;
}

export class PriorDto {
  @ApiProperty({ example: 3 }) alpha: number;
  @ApiProperty({ example: 2 }) beta: number;
  @ApiProperty({ example: 0.6, description: 'alpha / (alpha + beta): the expected resolution rate before any outcome' }) mean: number;
}

export class VolumeRowDto {
  @ApiProperty({ nullable: true, type: String, description: 'Cause or symptom id; null for tickets not triaged yet' }) id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Tickets received in the week' }) tickets: number;
  @ApiProperty({ description: 'Tickets received in the previous week' }) previousTickets: number;
  @ApiProperty({ description: 'tickets - previousTickets' }) change: number;
  @ApiPropertyOptional({
    description: 'The tickets behind the row: a helpdesk tag search when ZENDESK_URL or FRESHDESK_URL is set, else the API filter',
  })
  link?: string;
}

export class WeekVolumeDto {
  @ApiProperty({ example: '2026-W47' }) isoWeek: string;
  @ApiProperty() tickets: number;
}

export class VolumeDto {
  @ApiProperty({ type: [VolumeRowDto] }) byCause: VolumeRowDto[];
  @ApiProperty({ type: [VolumeRowDto] }) bySymptom: VolumeRowDto[];
  @ApiProperty({ type: [WeekVolumeDto], description: 'Tickets received in each of the last 8 weeks, oldest first' })
  weekly: WeekVolumeDto[];
}

export class MacroWeekDto {
  @ApiProperty({ description: 'Triage results suggesting the macro' }) suggested: number;
  @ApiProperty({ description: "Outcomes credited by an agent or the helpdesk's applied tag, plus overrides choosing it" }) applied: number;
  @ApiProperty({ description: 'Outcome rows' }) outcomes: number;
  @ApiProperty() resolved: number;
  @ApiProperty({ nullable: true, type: Number }) resolutionRate: number | null;
}

export class MacroRowDto extends MacroWeekDto {
  @ApiProperty() macroId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: IntervalDto, nullable: true, description: '95% Wilson score interval of the resolution rate' })
  interval: IntervalDto | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Resolution rate minus last week’s (absolute, 0.1 = 10 points)' }) change:
    number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Median time from ticket opened to resolved, of resolved outcomes' })
  medianResolutionSeconds: number | null;
  @ApiProperty({ type: PriorDto, nullable: true }) prior: PriorDto | null;
  @ApiProperty({ description: 'The interval’s upper bound is below the prior mean' }) worseThanPrior: boolean;
  @ApiProperty({ type: MacroWeekDto }) previous: MacroWeekDto;
  @ApiPropertyOptional({ description: 'Tickets where the fix did not resolve (helpdesk search or API filter)' }) link?: string;
}

/** A fix's outcomes in the week, with the 95% Wilson interval of its resolution rate. */
export class RatedFixDto {
  @ApiProperty() macroId: string;
  @ApiProperty() title: string;
  @ApiProperty() outcomes: number;
  @ApiProperty() resolved: number;
  @ApiProperty() resolutionRate: number;
  @ApiProperty({ type: IntervalDto }) interval: IntervalDto;
}

export class FixEstimateDto extends RatedFixDto {
  @ApiProperty({ description: "Mean of the Beta posterior: the macro's prior updated with this week's outcomes" }) posteriorMean: number;
  @ApiProperty({ type: IntervalDto, description: '95% credible interval of the Beta posterior' }) credibleInterval: IntervalDto;
}

export class SymptomWeekDto {
  @ApiProperty() outcomes: number;
  @ApiProperty({ nullable: true, type: String }) bestMacroId: string | null;
  @ApiProperty({ nullable: true, type: Number }) bestResolutionRate: number | null;
}

export class SymptomFixRowDto {
  @ApiProperty() symptomId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Outcome rows of tickets with this symptom' }) outcomes: number;
  @ApiProperty({ description: 'How many different macros were tried' }) fixesTried: number;
  @ApiProperty({ type: FixEstimateDto, description: 'The fix ranked first over every fix tried, however few its outcomes' })
  bestFix: FixEstimateDto;
  @ApiProperty({ description: 'bestFix has at least minSamples outcomes on this symptom' }) enoughSamples: boolean;
  @ApiProperty({
    type: FixEstimateDto,
    nullable: true,
    description:
      'The fix ranked first among those with at least minSamples outcomes on this symptom: the page’s "best fix"; null when none has that many',
  })
  confirmedBestFix: FixEstimateDto | null;
  @ApiProperty({ type: FixEstimateDto, description: 'The fix with the most outcomes on this symptom: what agents actually send' })
  mostUsedFix: FixEstimateDto;
  @ApiProperty({ type: SymptomWeekDto }) previous: SymptomWeekDto;
  @ApiPropertyOptional() link?: string;
}

export class WorseThanPriorDto extends RatedFixDto {
  @ApiProperty({ description: 'alpha / (alpha + beta) of the fix in the knowledge pack' }) priorMean: number;
  @ApiPropertyOptional() link?: string;
}

export class GapDto {
  @ApiProperty() symptomId: string;
  @ApiProperty() title: string;
  @ApiProperty() outcomes: number;
  @ApiProperty() fixesTried: number;
  @ApiProperty({ description: 'Macro with the highest resolution rate, still under one half' }) bestMacroId: string;
  @ApiProperty() bestResolutionRate: number;
  @ApiProperty({ description: 'The symptom was a gap last week too' }) gapLastWeek: boolean;
  @ApiProperty({ description: 'The symptom has at least minSamples outcomes: the page lists only these gaps' }) enoughSamples: boolean;
  @ApiPropertyOptional() link?: string;
}

export class OverrideRateDto {
  @ApiProperty({ description: "The engine's cause" }) causeId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Triaged tickets received in the week' }) tickets: number;
  @ApiProperty({ description: 'Of these, tickets an agent overrode' }) overridden: number;
  @ApiProperty() overrideRate: number;
  @ApiProperty({ nullable: true, type: Number }) previousOverrideRate: number | null;
  @ApiPropertyOptional() link?: string;
}

export class OtherShareDto {
  @ApiProperty() tickets: number;
  @ApiProperty({ description: 'Tickets the engine answered `other`' }) other: number;
  @ApiProperty({ nullable: true, type: Number }) share: number | null;
  @ApiProperty({ nullable: true, type: Number }) previousShare: number | null;
}

export class PhraseDto {
  @ApiProperty({ example: 'family sharing invite' }) phrase: string;
  @ApiProperty({ description: '`other` tickets containing the phrase' }) tickets: number;
}

export class ReviewShareDto {
  @ApiProperty({ description: 'Triaged tickets received in the week' }) tickets: number;
  @ApiProperty({ description: 'Of these, tickets whose triage decision was `review` (below the write-back gate)' }) review: number;
  @ApiProperty({ nullable: true, type: Number }) share: number | null;
  @ApiProperty({ nullable: true, type: Number }) previousShare: number | null;
  @ApiPropertyOptional() link?: string;
}

export class QualityDto {
  @ApiProperty({ type: [OverrideRateDto] }) overridesByCause: OverrideRateDto[];
  @ApiProperty({ type: OtherShareDto }) otherShare: OtherShareDto;
  @ApiProperty({ type: ReviewShareDto }) review: ReviewShareDto;
  @ApiProperty({ type: [PhraseDto], description: 'Frequent 2-3 word phrases of `other` tickets: candidates for new rules' })
  phrases: PhraseDto[];
}

export class CsatFiguresDto {
  @ApiProperty({ description: 'Tickets whose customer rated the support good this week (their last rating in the week)' }) good: number;
  @ApiProperty() bad: number;
  @ApiProperty({ nullable: true, type: Number, description: 'good / (good + bad); null without ratings' }) shareGood: number | null;
}

export class MacroCsatDto extends CsatFiguresDto {
  @ApiProperty() macroId: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional() link?: string;
}

export class CsatDto extends CsatFiguresDto {
  @ApiProperty({ nullable: true, type: Number }) previousShareGood: number | null;
  @ApiProperty({ type: [MacroCsatDto], description: 'Ratings credited to the fix the ticket’s outcome names, most rated first' })
  byMacro: MacroCsatDto[];
}

export const ACTION_KINDS = ['switch_fix', 'failing_fix', 'knowledge_gap', 'rising', 'review_share', 'unmatched', 'low_csat'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];
export const ACTION_SUBJECTS = ['cause', 'symptom', 'macro', 'review'] as const;

export class ActionSubjectDto {
  @ApiProperty({ enum: ACTION_SUBJECTS }) type: (typeof ACTION_SUBJECTS)[number];
  @ApiProperty({ description: 'Cause, symptom or macro id; empty for review' }) id: string;
}

export class ActionDto {
  @ApiProperty({ enum: ACTION_KINDS }) kind: ActionKind;
  @ApiProperty({ example: 'On “Unstable Wi-Fi” tickets, “Connect to a stable Wi-Fi network” resolved 2 of 20 (10.0%) …' }) text: string;
  @ApiProperty({ description: 'Tickets or outcomes concerned: what ranks the actions' }) weight: number;
  @ApiProperty({ type: ActionSubjectDto }) subject: ActionSubjectDto;
  @ApiPropertyOptional({ description: 'The tickets behind it' }) link?: string;
}

export class SummaryDto {
  @ApiProperty() tickets: number;
  @ApiProperty() previousTickets: number;
  @ApiProperty() outcomes: number;
  @ApiProperty() resolved: number;
  @ApiProperty({ nullable: true, type: Number }) resolutionRate: number | null;
  @ApiProperty({ nullable: true, type: Number }) previousResolutionRate: number | null;
}

export class WeeklyReportDto {
  @ApiProperty({ example: '2026-W47' }) isoWeek: string;
  @ApiProperty({ example: '2026-W46' }) previousIsoWeek: string;
  @ApiProperty({ example: 'UTC' }) timeZone: string;
  @ApiProperty({ description: 'Monday 00:00 in the time zone' }) weekStart: string;
  @ApiProperty({ description: 'The next Monday 00:00 (exclusive)' }) weekEnd: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({
    description:
      'true for the week in progress (GET /v1/reports/weekly/current): figures up to generatedAt, compared with the same span of last week; false for a complete week',
  })
  partial: boolean;
  @ApiPropertyOptional({
    example: 'icloud-backup',
    description: "The pack whose tickets the report covers (reports made before packs were routed: none, the bundled pack's)",
  })
  packId?: string;
  @ApiProperty() packVersion: string;
  @ApiProperty({ description: 'REPORT_MIN_SAMPLES when generated: outcomes needed to name a best fix or a knowledge gap' })
  minSamples: number;
  @ApiProperty({ type: [ActionDto], description: 'At most three things to act on, most weighty first' }) actions: ActionDto[];
  @ApiProperty({ type: SummaryDto }) summary: SummaryDto;
  @ApiProperty({ type: VolumeDto }) volume: VolumeDto;
  @ApiProperty({ type: [MacroRowDto] }) macros: MacroRowDto[];
  @ApiProperty({ type: [SymptomFixRowDto] }) symptoms: SymptomFixRowDto[];
  @ApiProperty({ type: [WorseThanPriorDto] }) worseThanPrior: WorseThanPriorDto[];
  @ApiProperty({ type: [GapDto] }) gaps: GapDto[];
  @ApiProperty({ type: QualityDto }) quality: QualityDto;
  @ApiProperty({ type: CsatDto }) csat: CsatDto;
}

export class ReportListItemDto {
  @ApiProperty({ example: '2026-W47' }) isoWeek: string;
  @ApiProperty() weekStart: string;
  @ApiProperty() weekEnd: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ example: '/v1/reports/weekly/2026-W47' }) href: string;
}

export class ReportListDto {
  @ApiProperty({ type: [ReportListItemDto] }) items: ReportListItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class GenerateAnswerDto {
  @ApiProperty({ example: '2026-W47' }) isoWeek: string;
  @ApiProperty({ enum: ['synchronous'], description: 'The report was generated within this request' }) generation: 'synchronous';
  @ApiProperty() generatedAt: string;
  @ApiProperty() durationMs: number;
  @ApiProperty({ enum: ['sent', 'failed', 'not_configured'] }) delivery: 'sent' | 'failed' | 'not_configured';
  @ApiProperty({ example: '/v1/reports/weekly/2026-W47' }) href: string;
}

export class ReportQueryDto {
  @ApiPropertyOptional({
    example: 'printer-jams',
    description:
      "The pack whose tickets to report (GET /v1/packs); default: the default pack's. Another pack's reports are made on request, never stored",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  readonly pack?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, description: 'Overrides the Accept header' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  readonly format?: ReportFormat;

  @ApiPropertyOptional({ enum: CSV_SECTIONS, description: 'CSV only: which table (default macros)' })
  @IsOptional()
  @IsIn(CSV_SECTIONS)
  readonly section?: CsvSection;
}

export class ReportListQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  readonly limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^\d{4}-W\d{2}$/)
  readonly cursor?: string;
}
