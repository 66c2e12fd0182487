import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { TICKET_SOURCES, TICKET_STATUSES } from './ticket.entity';

const ID = /^[a-z0-9_.-]{1,100}$/;

export class ListTicketsQuery {
  @IsOptional()
  @Matches(ID)
  readonly cause?: string;

  @IsOptional()
  @Matches(ID)
  readonly symptom?: string;

  @IsOptional()
  @IsIn(TICKET_STATUSES)
  readonly status?: string;

  @IsOptional()
  @IsIn(TICKET_SOURCES)
  readonly source?: string;

  /** Tickets received at or after this time (ISO-8601). */
  @IsOptional()
  @IsISO8601()
  readonly from?: string;

  /** Tickets received before this time (ISO-8601). */
  @IsOptional()
  @IsISO8601()
  readonly to?: string;

  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  readonly overridden?: boolean;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  readonly limit: number = 50;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  readonly cursor?: string;
}

export class OverrideTriageDto {
  /** The cause the agent names instead of the engine's. */
  @IsOptional()
  @Matches(ID)
  readonly cause?: string;

  /** The macro the agent sends instead of the suggested one. */
  @IsOptional()
  @Matches(ID)
  readonly macroId?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  readonly reason: string;
}

export class RecordOutcomeDto {
  @Matches(ID)
  readonly macroId: string;

  @IsBoolean()
  readonly resolved: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly note?: string;
}
