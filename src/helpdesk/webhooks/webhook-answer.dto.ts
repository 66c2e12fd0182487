import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** 202 for a new event (`queued`), 200 for one accepted before (`duplicate`). */
export class WebhookAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'The ticket’s id in this service' })
  readonly id: string;

  @ApiProperty({ enum: ['queued', 'duplicate'] })
  readonly status: 'queued' | 'duplicate';

  @ApiProperty({ enum: ['ticket', 'comment', 'status', 'csat'], description: 'What the event was read as' })
  readonly event: 'ticket' | 'comment' | 'status' | 'csat';

  @ApiPropertyOptional({
    enum: [true],
    description: 'A subject over 1,000 or a description or comment over 65,536 characters was cut; the event was kept',
  })
  readonly truncated?: true;
}

/** 202: acknowledged and dropped (the service's own write-back, a private comment, a tag-only change ...). */
export class WebhookIgnoredDto {
  @ApiProperty({ enum: ['ignored'] })
  readonly status: 'ignored';

  @ApiProperty({ example: 'private comment' })
  readonly reason: string;
}
