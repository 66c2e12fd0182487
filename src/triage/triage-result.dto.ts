/** A triage result as the API serves it (ticket detail, list items, preview), described for the OpenAPI spec. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ConfidenceBand, TriageDecision } from '../engine';

export type { ConfidenceBand, TriageDecision };
export const TRIAGE_DECISIONS: readonly TriageDecision[] = ['auto', 'review'];
export const CONFIDENCE_BANDS: readonly ConfidenceBand[] = ['high', 'medium', 'low'];

export class CauseVerdictDto {
  @ApiProperty({ example: 'storage_full', description: '`other` when no known cause fits' }) id: string;
  @ApiProperty({ example: 0.91, description: 'The top calibrated probability of causes[]' }) confidence: number;
}

/** Where in the customer's words: offsets index the field named. */
export class SpanDto {
  @ApiProperty({ example: 'Not Enough Storage' }) text: string;
  @ApiProperty() start: number;
  @ApiProperty() end: number;
  @ApiProperty({ enum: ['subject', 'description'] }) field: string;
}

export class EvidenceDto extends SpanDto {
  @ApiProperty({ example: 'not_enough_storage' }) symptom: string;
  @ApiProperty({ description: "Signed contribution to the cause's score" }) weight: number;
  @ApiProperty({ enum: ['present', 'negated', 'tried'] }) polarity: string;
  @ApiPropertyOptional({ description: 'Learned statistics contributed to the weight' }) learned?: boolean;
}

export class WordContributionDto extends SpanDto {
  @ApiProperty({ description: 'Signed contribution of the learned word feature' }) weight: number;
}

export class CauseScoreDto {
  @ApiProperty({ example: 'storage_full' }) id: string;
  @ApiProperty({ example: 0.91, description: 'Calibrated probability; the scores of all causes sum to 1' }) score: number;
  @ApiProperty({ type: [EvidenceDto] }) evidence: EvidenceDto[];
  @ApiPropertyOptional({ type: [WordContributionDto] }) words?: WordContributionDto[];
}

export class SymptomHitDto extends SpanDto {
  @ApiProperty({ example: 'not_enough_storage' }) id: string;
  @ApiPropertyOptional({ enum: ['present', 'negated', 'tried'] }) polarity?: string;
}

export class MacroStatsDto {
  @ApiProperty() uses: number;
  @ApiProperty() successes: number;
  @ApiProperty({ description: 'Posterior mean chance of resolution' }) rate: number;
  @ApiProperty({ type: [Number], description: '95% credible interval of the rate' }) interval: [number, number];
}

export class RenderedMacroDto {
  @ApiProperty({ example: 'manage_icloud_storage' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Rendered for this ticket' }) body: string;
  @ApiPropertyOptional({ type: MacroStatsDto }) stats?: MacroStatsDto;
}

export class AlternativeDto {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ type: MacroStatsDto }) stats?: MacroStatsDto;
}

export class DetectedLanguageDto {
  @ApiProperty({ example: 'en', description: "ISO 639-1 code of the customer's own words (quoted screen text excluded)" })
  code: string;
  @ApiProperty({ example: 0.97, description: '0 when the text is too short to tell (then `en`)' }) confidence: number;
}

export class TriageResultDto {
  @ApiProperty({ type: CauseVerdictDto }) cause: CauseVerdictDto;
  @ApiProperty({ type: [CauseScoreDto], description: 'Every cause, best first' }) causes: CauseScoreDto[];
  @ApiProperty({ type: [SymptomHitDto] }) symptoms: SymptomHitDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Device, iOS version, storage figures ...' })
  entities: Record<string, unknown>;
  @ApiProperty({ type: RenderedMacroDto, description: 'The suggested fix, filled for review answers too' }) macro: RenderedMacroDto;
  @ApiProperty({ type: [AlternativeDto] }) alternatives: AlternativeDto[];
  @ApiPropertyOptional({ type: [String], description: 'Macros the customer says they already tried' }) tried?: string[];
  @ApiProperty({ example: 'icloud-backup', description: 'The pack the ticket was routed to (GET /v1/packs)' }) packId: string;
  @ApiProperty({ example: '2026.11.2' }) packVersion: string;
  @ApiProperty({ example: '2026.11.2/0', description: 'The cause-model weights used' }) modelVersion: string;
  @ApiProperty({
    enum: TRIAGE_DECISIONS,
    description: '`auto` when cause.confidence >= WRITEBACK_MIN_CONFIDENCE (written back with its cause tag), else `review`',
  })
  decision: TriageDecision;
  @ApiProperty({
    enum: CONFIDENCE_BANDS,
    description: '`high` exactly when auto; `medium` when confidence >= BAND_MEDIUM_MIN; else `low`',
  })
  band: ConfidenceBand;
  @ApiProperty({ type: DetectedLanguageDto }) language: DetectedLanguageDto;
  @ApiProperty({ format: 'date-time' }) triagedAt: string;
}
