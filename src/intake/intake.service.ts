import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PipelineService } from '../pipeline/pipeline.service';
import { HotQueries } from '../platform/database/hot-queries';
import { DomainError } from '../platform/errors/domain-error';
import type { InboxPayload } from './inbox-event.entity';
import { dedupeKeyOf, TicketEvent } from './ticket-event';

/** The event is not older than what the ticket holds (no updatedAt on either side counts as newer). */
const NEWER =
  '(tk.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL OR EXCLUDED.source_updated_at >= tk.source_updated_at)';

export interface AcceptResult {
  ticketId: string;
  /** False when the same event was accepted before: nothing new was stored or enqueued. */
  accepted: boolean;
  inboxId?: string;
}

@Injectable()
export class IntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipeline: PipelineService,
    private readonly hot: HotQueries,
  ) {}

  /**
   * Stores the event in the inbox (committed before anything else), then enqueues its triage. One statement
   * (atomic on its own, one round trip): skip a known dedupe key, upsert the ticket (newer content wins),
   * insert the inbox row.
   */
  async accept(event: TicketEvent): Promise<AcceptResult> {
    const dedupeKey = dedupeKeyOf(event);
    const inboxId = randomUUID();
    const payload: InboxPayload = {
      subject: event.subject,
      description: event.description,
      requester: event.requester ?? null,
      tags: event.tags ?? [],
      status: event.status ?? null,
    };
    const [row] = await this.hot.run<{ inbox_id: string | null; ticket_id: string; touched: boolean }>(
      'intake_accept',
      `WITH seen AS (SELECT ticket_id FROM inbox_events WHERE dedupe_key = $4),
       t AS (
         INSERT INTO tickets AS tk (id, source, external_id, subject, description, status, requester, tags,
                                    source_created_at, source_updated_at, triage_state)
         SELECT $1, $2, $3, $5, $6, $7, $8, COALESCE($9::text[], '{}'), $10, $11, 'queued'
         WHERE NOT EXISTS (SELECT 1 FROM seen)
         ON CONFLICT (source, external_id) DO UPDATE SET
           subject = CASE WHEN ${NEWER} THEN EXCLUDED.subject ELSE tk.subject END,
           description = CASE WHEN ${NEWER} THEN EXCLUDED.description ELSE tk.description END,
           status = CASE WHEN ${NEWER} THEN COALESCE(EXCLUDED.status, tk.status) ELSE tk.status END,
           requester = CASE WHEN ${NEWER} THEN COALESCE(EXCLUDED.requester, tk.requester) ELSE tk.requester END,
           tags = CASE WHEN ${NEWER} AND $9::text[] IS NOT NULL THEN EXCLUDED.tags ELSE tk.tags END,
           source_created_at = COALESCE(tk.source_created_at, EXCLUDED.source_created_at),
           source_updated_at = GREATEST(tk.source_updated_at, EXCLUDED.source_updated_at),
           triage_state = 'queued',
           updated_at = now()
         RETURNING id),
       i AS (
         INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at)
         SELECT $12, t.id, $2, $4, 'ticket', $13, COALESCE($11, now()) FROM t
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, ticket_id)
       SELECT (SELECT id FROM i) AS inbox_id,
              COALESCE((SELECT ticket_id FROM i), (SELECT ticket_id FROM seen), (SELECT id FROM t)) AS ticket_id,
              EXISTS (SELECT 1 FROM t) AS touched`,
      [
        randomUUID(),
        event.source,
        event.externalId,
        dedupeKey,
        event.subject,
        event.description,
        event.status ?? null,
        event.requester ?? null,
        event.tags ?? null,
        event.createdAt ?? null,
        event.updatedAt ?? null,
        inboxId,
        payload,
      ],
    );
    if (!row.inbox_id) {
      // The same event again. A concurrent first delivery may have raced past the check: mend the state.
      if (row.touched) await this.refreshTriageState(row.ticket_id);
      return { ticketId: row.ticket_id, accepted: false };
    }
    await this.pipeline.eventAccepted(row.inbox_id);
    return { ticketId: row.ticket_id, accepted: true, inboxId: row.inbox_id };
  }

  private async refreshTriageState(ticketId: string): Promise<void> {
    await this.db.query(
      `UPDATE tickets SET triage_state = CASE
         WHEN EXISTS (SELECT 1 FROM inbox_events WHERE ticket_id = $1 AND state = 'pending') THEN 'queued'
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
