import { ApiProperty } from '@nestjs/swagger';
import { PageQuery } from '../platform/http/page-query';

export class ListAuditQuery extends PageQuery {}

export class AuditRowDto {
  @ApiProperty({ example: '42' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'ADMIN_API_KEY', description: "The API key's name, ADMIN_API_KEY, `cli` or `retention`" }) actor: string;
  @ApiProperty({ example: 'requester.erase' }) action: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'What was acted on: a key id, an ISO week, a model version; for an erasure the SHA-256 of the lowercased address',
  })
  target: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Figures of the action (counts, versions)' })
  details: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRowDto], description: 'Newest first' }) items: AuditRowDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as ?cursor= for the next page' }) nextCursor: string | null;
}
