import { ApiProperty } from '@nestjs/swagger';
import { MacroStatsDto } from '../triage/triage-result.dto';

/** The answers of the knowledge catalog (GET /v1/causes, /v1/symptoms, /v1/macros ...), as OpenAPI declares them. */

class PackScopedDto {
  @ApiProperty({ example: 'icloud-backup', description: 'The pack described (?pack=, else the default pack)' }) packId: string;
}

class CatalogListDto extends PackScopedDto {
  @ApiProperty({ example: '2026.12.2' }) packVersion: string;
}

export class CauseDto {
  @ApiProperty({ example: 'storage_full' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'Prior share of tickets with this cause, from the pack' }) prior: number;
}

export class CauseListDto extends CatalogListDto {
  @ApiProperty({ type: [CauseDto] }) items: CauseDto[];
}

export class CauseWeightDto {
  @ApiProperty({ example: 'storage_full' }) id: string;
  @ApiProperty({ description: 'How strongly the symptom points at the cause (negative: away from it)' }) weight: number;
}

export class SymptomDto {
  @ApiProperty({ example: 'not_enough_storage' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [CauseWeightDto] }) causes: CauseWeightDto[];
}

export class SymptomListDto extends CatalogListDto {
  @ApiProperty({ type: [SymptomDto] }) items: SymptomDto[];
}

export class MacroVariantDto {
  @ApiProperty({ example: 'iphone_no_home', description: "A variant key of the pack's product plugin" }) when: string;
  @ApiProperty() body: string;
}

export class MacroDescriptionDto {
  @ApiProperty({ example: 'manage_icloud_storage' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [String] }) causeIds: string[];
  @ApiProperty({ description: 'Suggested for any cause (e.g. restart the device)' }) generic: boolean;
  @ApiProperty({ description: 'The template, with placeholders such as {{first_name}}' }) body: string;
  @ApiProperty({ type: [MacroVariantDto] }) variants: MacroVariantDto[];
  @ApiProperty({ type: [String], description: 'Old ids of the macro; learned statistics carry over' }) aliases: string[];
}

export class MacroListDto extends CatalogListDto {
  @ApiProperty({ type: [MacroDescriptionDto] }) items: MacroDescriptionDto[];
}

export class MacroDto extends MacroDescriptionDto {
  @ApiProperty({ example: 'icloud-backup' }) packId: string;
  @ApiProperty({ example: '2026.12.2' }) packVersion: string;
}

export class MacroPriorDto {
  @ApiProperty() alpha: number;
  @ApiProperty() beta: number;
}

export class CausePosteriorDto extends MacroStatsDto {
  @ApiProperty() cause: string;
}

export class SymptomPosteriorDto extends MacroStatsDto {
  @ApiProperty() symptom: string;
}

export class MacroLearningDto extends PackScopedDto {
  @ApiProperty() macroId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: MacroPriorDto, description: "The pack's belief before any outcome" }) prior: MacroPriorDto;
  @ApiProperty({ type: MacroStatsDto }) overall: MacroStatsDto;
  @ApiProperty({ type: [CausePosteriorDto] }) byCause: CausePosteriorDto[];
  @ApiProperty({ type: [SymptomPosteriorDto] }) bySymptom: SymptomPosteriorDto[];
}

export class RankedFixDto extends MacroStatsDto {
  @ApiProperty() macroId: string;
  @ApiProperty() title: string;
}

export class SymptomFixesDto extends PackScopedDto {
  @ApiProperty() symptom: string;
  @ApiProperty({ type: [RankedFixDto], description: 'Best expected resolution rate first' }) fixes: RankedFixDto[];
}
