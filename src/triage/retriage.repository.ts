import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The statement behind POST /v1/tickets/:id/retriage. */
@Injectable()
export class RetriageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Queues the ticket's triage and stores inbox event `inboxId` with its current content and conversation, in one
   * statement; false when there is no such ticket.
   */
  async insertRetriageEvent(inboxId: string, ticketId: string): Promise<boolean> {
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
    return rows.length > 0;
  }
}
