import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PipelineService } from '../pipeline/pipeline.service';
import { HotQueries } from '../platform/database/hot-queries';
import { DomainError } from '../platform/errors/domain-error';
import type { TicketStatus } from '../tickets/ticket.entity';
import { InboxWriter } from './inbox-writer';
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
    @InjectDataSource() private readonly db: DataSource,
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
      if (row.touched) await this.refreshTriageState(row.ticket_id);
      return { ticketId: row.ticket_id, accepted: false, ...previous };
    }
    await row.handedOn;
    return { ticketId: row.ticket_id, accepted: true, inboxId: row.inbox_id, ...previous };
  }

  private async refreshTriageState(ticketId: string): Promise<void> {
    // The ticket's own events, by ix_inbox_ticket (see OTHER_PENDING in the triage store for why not the
    // partial pending index).
    await this.db.query(
      `UPDATE tickets SET triage_state = CASE
         WHEN EXISTS (SELECT 1 FROM inbox_events WHERE ticket_id = $1 AND CASE WHEN state = 'pending' THEN true END)
           THEN 'queued'
         WHEN latest_triage_id IS NULL AND EXISTS (SELECT 1 FROM inbox_events WHERE ticket_id = $1 AND state = 'failed')
           THEN 'failed'
         ELSE 'done' END
       WHERE id = $1`,
      [ticketId],
    );
  }

  /** A new inbox event with the ticket's current conversation, so it is triaged again. */
  async retriage(ticketId: string): Promise<string> {
    const inboxId = randomUUID();
    const rows: { id: string }[] = await this.db.query(
      `WITH t AS (
         UPDATE tickets SET triage_state = 'queued', updated_at = now() WHERE id = $2::uuid
         RETURNING id, source, subject, description, requester, tags, status, conversation)
       INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at)
       SELECT $1::uuid, t.id, t.source, 'retriage:' || $1::text, 'retriage',
              jsonb_build_object('subject', t.subject,
                'description', concat_ws(E'\n\n', t.description,
                   (SELECT string_agg(c->>'body', E'\n\n' ORDER BY c->>'at') FROM jsonb_array_elements(t.conversation) c)),
                'requester', t.requester, 'tags', to_jsonb(t.tags), 'status', t.status),
              now()
       FROM t RETURNING id`,
      [inboxId, ticketId],
    );
    if (rows.length === 0) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ticketId}`);
    await this.pipeline.eventAccepted(inboxId);
    return inboxId;
  }
}
