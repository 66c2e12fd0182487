import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { TICKET_STATUSES, TicketStatus } from '../tickets/ticket.entity';

export const MAX_DESCRIPTION_CHARS = 65_536;
export const MAX_SUBJECT_CHARS = 1_000;
export const MAX_EXTERNAL_ID_CHARS = 200;

export class RequesterDto {
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  readonly email?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  readonly firstName?: string;
}

/** POST /v1/tickets body. Unknown fields are refused by the global ValidationPipe. */
export class CreateTicketDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EXTERNAL_ID_CHARS)
  readonly externalId: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_CHARS)
  readonly subject?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DESCRIPTION_CHARS)
  readonly description: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RequesterDto)
  readonly requester?: RequesterDto;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  readonly tags?: string[];

  @IsOptional()
  @IsIn(TICKET_STATUSES)
  readonly status?: TicketStatus;

  @IsOptional()
  @IsISO8601({ strict: true })
  readonly createdAt?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  readonly updatedAt?: string;
}
