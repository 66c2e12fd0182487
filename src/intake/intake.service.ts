import { Injectable } from '@nestjs/common';
import { PipelineService } from '../pipeline/pipeline.service';
import { HotQueries } from '../platform/database/hot-queries';
import type { TicketStatus } from '../tickets/ticket.entity';
import { InboxWriter } from './inbox-writer';
import { IntakeRepository } from './intake.repository';
import { TicketEvent } from '../tickets/ticket-event';

export interface AcceptResult {
  ticketId: string;
  /** False when the same event was accepted before: nothing new was stored or enqueued. */
  accepted: boolean;
  inboxId?: string;
  /** The ticket's stored status before this event (null: none); absent when the ticket was new. */
  previousStatus?: TicketStatus | null;
}

@Injectable()
export class IntakeService {
  private readonly writer: InboxWriter;

  constructor(
    private readonly repository: IntakeRepository,
    private readonly pipeline: PipelineService,
    hot: HotQueries,
  ) {
    this.writer = new InboxWriter(hot, (batchJobId, inboxIds) => this.pipeline.batchAccepted(batchJobId, inboxIds));
  }

  /**
   * Stores the event in the inbox (committed before anything else), then enqueues its triage. Events arriving
   * together are written together: one statement (atomic on its own, one round trip, one WAL flush) skips
   * known dedupe keys, upserts the tickets (newer content wins) and inserts the inbox rows; one queue job then
   * triages the new ones.
   */
  async accept(event: TicketEvent): Promise<AcceptResult> {
    const row = await this.writer.write(event);
    const previous = row.known ? { previousStatus: row.previous_status as TicketStatus | null } : {};
    if (!row.inbox_id) {
      // The same event again. A concurrent first delivery may have raced past the check: mend the state.
      if (row.touched) await this.repository.refreshTriageState(row.ticket_id);
      return { ticketId: row.ticket_id, accepted: false, ...previous };
    }
    await row.handedOn;
    return { ticketId: row.ticket_id, accepted: true, inboxId: row.inbox_id, ...previous };
  }
}
