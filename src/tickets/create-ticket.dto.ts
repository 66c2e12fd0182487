import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  isEmail,
  isISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FastChecked, isJsonObject, isShortString, onlyKeys } from '../platform/http/fast-validation.pipe';
import { TICKET_STATUSES, TicketStatus } from './ticket.entity';
import {
  containsLoneSurrogate,
  IsWellFormedText,
  MAX_DESCRIPTION_CHARS,
  MAX_EXTERNAL_ID_CHARS,
  MAX_SUBJECT_CHARS,
} from './well-formed-text';

export { MAX_DESCRIPTION_CHARS, MAX_EXTERNAL_ID_CHARS, MAX_SUBJECT_CHARS };

export class RequesterDto {
  @ApiPropertyOptional({ example: 'ana@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  @IsWellFormedText()
  readonly email?: string;

  @ApiPropertyOptional({ example: 'Ana Lima' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @IsWellFormedText()
  readonly name?: string;

  @ApiPropertyOptional({ example: 'Ana', description: 'Used in the macro greeting' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsWellFormedText()
  readonly firstName?: string;
}

const TICKET_KEYS = new Set(['externalId', 'subject', 'description', 'requester', 'tags', 'status', 'createdAt', 'updatedAt']);
const REQUESTER_KEYS = new Set(['email', 'name', 'firstName']);
const STATUSES: ReadonlySet<unknown> = new Set(TICKET_STATUSES);

function isOptional(value: unknown, check: (v: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

/**
 * The rules below as one plain function, for the intake fast path (FastValidationPipe): true only for a body
 * they accept. Anything unusual (null for an absent field, say) answers false and gets the full validation.
 */
export function isValidCreateTicket(body: unknown): boolean {
  if (!isJsonObject(body) || !onlyKeys(body, TICKET_KEYS)) return false;
  const { requester, tags } = body;
  return (
    isShortString(body.externalId, MAX_EXTERNAL_ID_CHARS, true) &&
    isShortString(body.description, MAX_DESCRIPTION_CHARS, true) &&
    isOptional(body.subject, (v) => isShortString(v, MAX_SUBJECT_CHARS)) &&
    isOptional(
      requester,
      (r) =>
        isJsonObject(r) &&
        onlyKeys(r, REQUESTER_KEYS) &&
        isOptional(r.email, (v) => isShortString(v, 320) && isEmail(v)) &&
        isOptional(r.name, (v) => isShortString(v, 200)) &&
        isOptional(r.firstName, (v) => isShortString(v, 100)),
    ) &&
    isOptional(tags, (t) => Array.isArray(t) && t.length <= 200 && t.every((tag) => isShortString(tag, 200))) &&
    isOptional(body.status, (v) => STATUSES.has(v)) &&
    isOptional(body.createdAt, (v) => typeof v === 'string' && isISO8601(v, { strict: true })) &&
    isOptional(body.updatedAt, (v) => typeof v === 'string' && isISO8601(v, { strict: true })) &&
    !containsLoneSurrogate(body)
  );
}

/** POST /v1/tickets body. Unknown fields are refused by the global ValidationPipe. */
@FastChecked(isValidCreateTicket)
export class CreateTicketDto {
  @ApiProperty({ maxLength: 200, example: 'T-1001', description: 'The ticket id in the calling system' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EXTERNAL_ID_CHARS)
  @IsWellFormedText()
  readonly externalId: string;

  @ApiPropertyOptional({ maxLength: 1000, example: 'Backup fails' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_CHARS)
  @IsWellFormedText()
  readonly subject?: string;

  @ApiProperty({ maxLength: 65536, example: 'My iPhone says Not Enough Storage when it backs up.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DESCRIPTION_CHARS)
  @IsWellFormedText()
  readonly description: string;

  @ApiPropertyOptional({ type: () => RequesterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RequesterDto)
  readonly requester?: RequesterDto;

  @ApiPropertyOptional({ type: [String], maxItems: 200 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @IsWellFormedText({ each: true })
  readonly tags?: string[];

  @ApiPropertyOptional({ enum: TICKET_STATUSES })
  @IsOptional()
  @IsIn(TICKET_STATUSES)
  readonly status?: TicketStatus;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly createdAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Part of the dedupe key when given' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly updatedAt?: string;
}
