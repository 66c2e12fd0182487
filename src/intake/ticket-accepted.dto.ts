import { ApiProperty } from '@nestjs/swagger';

/** The answer to POST /v1/tickets: 202 for a new event, 200 with the same id for one seen before. */
export class TicketAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'The ticket’s id in this service (never the event’s)' })
  readonly id: string;

  @ApiProperty({ enum: ['queued'] })
  readonly status: 'queued';
}
