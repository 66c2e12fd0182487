import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { WebhookAnswer } from './helpdesk-intake.service';

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

/** 202 for a new event, 200 for one seen before, 202 with a reason for one the service ignores. */
export function sendWebhookAnswer(reply: FastifyReply, answer: WebhookAnswer): WebhookAcceptedDto | WebhookIgnoredDto {
  if (answer.kind === 'ignored') {
    void reply.status(202);
    return { status: 'ignored', reason: answer.reason };
  }
  void reply.status(answer.accepted ? 202 : 200);
  return {
    id: answer.ticketId,
    status: answer.accepted ? 'queued' : 'duplicate',
    event: answer.kind,
    ...(answer.truncated ? { truncated: true as const } : {}),
  };
}
