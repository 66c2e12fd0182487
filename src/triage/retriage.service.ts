import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PipelineService } from '../pipeline/pipeline.service';
import { DomainError } from '../platform/errors/domain-error';
import { RetriageRepository } from './retriage.repository';

/** Triage a stored ticket again, with the knowledge and statistics of now. */
@Injectable()
export class RetriageService {
  constructor(
    private readonly repository: RetriageRepository,
    private readonly pipeline: PipelineService,
  ) {}

  /** A new inbox event with the ticket's current conversation, so it is triaged again; its id. */
  async retriage(ticketId: string): Promise<string> {
    const inboxId = randomUUID();
    if (!(await this.repository.insertRetriageEvent(inboxId, ticketId))) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ticketId}`);
    await this.pipeline.eventAccepted(inboxId);
    return inboxId;
  }
}
