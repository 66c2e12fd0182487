import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_DESCRIPTION_CHARS, MAX_SUBJECT_CHARS, RequesterDto } from '../intake/create-ticket.dto';

export class TriagePreviewDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SUBJECT_CHARS)
  readonly subject?: string;

  @ApiProperty({ maxLength: 65536, example: 'iCloud Backup is greyed out on my work iPad' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DESCRIPTION_CHARS)
  readonly description: string;

  @ApiPropertyOptional({ type: () => RequesterDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RequesterDto)
  readonly requester?: RequesterDto;
}
