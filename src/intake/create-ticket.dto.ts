import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  @ApiPropertyOptional({ example: 'ana@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  readonly email?: string;

  @ApiPropertyOptional({ example: 'Ana Lima' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly name?: string;

  @ApiPropertyOptional({ example: 'Ana', description: 'Used in the macro greeting' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  readonly firstName?: string;
}

/** POST /v1/tickets body. Unknown fields are refused by the global ValidationPipe. */
export class CreateTicketDto {
  @ApiProperty({ maxLength: 200, example: 'T-1001', description: 'The ticket id in the calling system' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EXTERNAL_ID_CHARS)
  readonly externalId: string;

  @ApiPropertyOptional({ maxLength: 1000, example: 'Backup fails' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_CHARS)
  readonly subject?: string;

  @ApiProperty({ maxLength: 65536, example: 'My iPhone says Not Enough Storage when it backs up.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DESCRIPTION_CHARS)
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
