import { Type } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_DESCRIPTION_CHARS, MAX_SUBJECT_CHARS, RequesterDto } from '../intake/create-ticket.dto';

export class TriagePreviewDto {
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
}
