import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { PageQuery } from '../platform/http/page-query';
import { TICKET_SOURCES, TICKET_STATUSES } from '../tickets/ticket.entity';
import { TRIAGE_DECISIONS, TriageResultDto, type TriageDecision } from '../triage/triage-result.dto';

const ID = /^[a-z0-9_.-]{1,100}$/;

/**
 * A calendar date or date-time that names a real instant: ISO-8601 forms that are not one (week dates such as
 * `2026-W47`, ordinal dates) or days that do not exist (`2026-02-30`) are refused.
 */
export function isRealDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?$/i.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

function IsRealDate() {
  return ValidateBy({
    name: 'isRealDate',
    validator: {
      validate: isRealDate,
      defaultMessage: (args) => `${args?.property} must be a real date or date-time, e.g. 2026-11-16 or 2026-11-16T00:00:00Z`,
    },
  });
}

export class ListTicketsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'storage_full' })
  @IsOptional()
  @Matches(ID)
  readonly cause?: string;

  @ApiPropertyOptional({ example: 'not_enough_storage' })
  @IsOptional()
  @Matches(ID)
  readonly symptom?: string;

  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  readonly status?: string;

  @ApiPropertyOptional({ enum: TICKET_SOURCES })
  @IsOptional()
  @IsIn(TICKET_SOURCES)
  readonly source?: string;

  /** Tickets received at or after this time (ISO-8601). */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  @IsRealDate()
  readonly from?: string;

  /** Tickets received before this time (ISO-8601). */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  @IsRealDate()
  readonly to?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  readonly overridden?: boolean;

  /** The write-back decision of the ticket's latest triage: `auto` (written back as is) or `review`. */
  @ApiPropertyOptional({ enum: TRIAGE_DECISIONS, description: "The latest triage's write-back decision" })
  @IsOptional()
  @IsIn(TRIAGE_DECISIONS)
  readonly decision?: TriageDecision;

  /**
   * Tickets whose outcomes credit this macro (whoever credited it: an agent, an applied tag or the suggestion).
   * An alias names its macro; an unknown id matches nothing, as for `cause`.
   */
  @ApiPropertyOptional({
    example: 'manage_icloud_storage',
    description: 'Tickets with an outcome crediting this macro (a macro id of GET /v1/macros)',
  })
  @IsOptional()
  @Matches(ID)
  readonly macro?: string;

  /** With `macro`: that macro's outcome has this value ("macro X: resolved 3 of 10"); alone: any outcome has it. */
  @ApiPropertyOptional({ type: Boolean, description: "With macro: that macro's outcome resolved or not; alone: any outcome" })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  readonly resolved?: boolean;
}

export class OverrideInfoDto {
  @ApiProperty({ description: 'The API key name of the agent' }) by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty() reason: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'What the engine had said: {causeId, macroId}' })
  original: Record<string, unknown>;
}

/** The effective triage of a ticket: the latest result, with an agent's override applied. */
export class TicketTriageDto extends TriageResultDto {
  @ApiProperty({ enum: ['queued', 'done', 'failed'] }) state: string;
  @ApiPropertyOptional({ description: 'Why the triage failed' }) error?: string;
  @ApiPropertyOptional({ type: OverrideInfoDto }) override?: OverrideInfoDto;
}

export class TicketDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TICKET_SOURCES }) source: string;
  @ApiProperty() externalId: string;
  @ApiProperty() subject: string;
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: String }) status: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) requester: Record<string, string> | null;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: TicketTriageDto, description: 'Fields other than state are absent until the first triage is stored' })
  triage: TicketTriageDto;
}

export class TicketListDto {
  @ApiProperty({ type: [TicketDto] }) items: TicketDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page' }) nextCursor: string | null;
}

/** The detail adds the ticket's history; its parts are described loosely. */
export class TicketDetailDto extends TicketDto {
  @ApiProperty({
    description: 'The helpdesk sent more than 65,536 characters of description: it was cut at intake (the API refuses such text)',
  })
  truncated: boolean;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) conversation: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Every triage of the ticket, newest first' }) history: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) overrides: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) outcomes: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' } }) writebacks: object[];
}

const ERASED_AT = {
  nullable: true,
  type: String,
  format: 'date-time',
  description: "When the ticket's personal data was erased (DELETE /v1/requesters/:email or RETENTION_DAYS); null while its text is held",
} as const;

export class MacroRefDto {
  @ApiProperty({ example: 'manage_icloud_storage' }) id: string;
  @ApiProperty() title: string;
}

/** A list item's triage: the macro named, not rendered (the ticket has the rendered body). */
export class ListedTriageDto extends OmitType(TicketTriageDto, ['macro'] as const) {
  @ApiProperty({ type: MacroRefDto, description: 'The suggested fix; its rendered body is on GET /v1/tickets/:id' }) macro: MacroRefDto;
}

export class TicketItemDto extends OmitType(TicketDto, ['triage'] as const) {
  @ApiProperty({ type: ListedTriageDto, description: 'Fields other than state are absent until the first triage is stored' })
  triage: ListedTriageDto;
  @ApiProperty(ERASED_AT) erasedAt: string | null;
  @ApiProperty({ description: 'The description was cut to its first 500 characters (GET /v1/tickets/:id has it whole)' })
  descriptionTruncated: boolean;
}

export class TicketPageDto {
  @ApiProperty({
    type: [TicketItemDto],
    description:
      'Newest first; descriptions cut to 500 characters, triage.macro as {id, title} (its rendered body is on GET /v1/tickets/:id)',
  })
  items: TicketItemDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page' }) nextCursor: string | null;
}

export class TicketFullDto extends TicketDetailDto {
  @ApiProperty(ERASED_AT) erasedAt: string | null;
}

export class RetriageAnswerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['queued'] }) status: string;
}

export class OutcomeAnswerDto {
  @ApiProperty({ format: 'uuid' }) ticketId: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The outcome as stored: macroId, resolved, signal, attribution, weight ...',
  })
  outcome: object;
}

export class OverrideTriageDto {
  /** The cause the agent names instead of the engine's. */
  @ApiPropertyOptional({ example: 'wifi', description: "A cause id of the ticket's pack (GET /v1/causes?pack=<triage.packId>)" })
  @IsOptional()
  @Matches(ID)
  readonly cause?: string;

  /** The macro the agent sends instead of the suggested one. */
  @ApiPropertyOptional({ example: 'stable_wifi', description: "A macro id of the ticket's pack (GET /v1/macros?pack=<triage.packId>)" })
  @IsOptional()
  @Matches(ID)
  readonly macroId?: string;

  @ApiProperty({ example: 'Customer is on hotel Wi-Fi', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  readonly reason: string;
}

export class RecordOutcomeDto {
  @ApiProperty({
    example: 'manage_icloud_storage',
    description: "A macro id (or alias) of the ticket's pack (GET /v1/macros?pack=<triage.packId>)",
  })
  @Matches(ID)
  readonly macroId: string;

  @ApiProperty({ description: 'Did this fix resolve the ticket?' })
  @IsBoolean()
  readonly resolved: boolean;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly note?: string;
}
