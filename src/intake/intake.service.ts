import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { PipelineService } from '../pipeline/pipeline.service';
import { DomainError } from '../platform/errors/domain-error';
import type { InboxPayload } from './inbox-event.entity';
import { dedupeKeyOf, TicketEvent } from './ticket-event';

export interface AcceptResult {
  ticketId: string;
  /** False when the same event was accepted before: nothing new was stored or enqueued. */
  accepted: boolean;
  inboxId?: string;
}

class DuplicateEvent {
  constructor(readonly ticketId: string) {}
}

@Injectable()
export class IntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipeline: PipelineService,
  ) {}

  /** Stores the event in the inbox (committed before anything else), then enqueues its triage. */
  async accept(event: TicketEvent): Promise<AcceptResult> {
    const dedupeKey = dedupeKeyOf(event);
    const seen = await this.findDuplicate(this.db.manager, dedupeKey);
    if (seen) return { ticketId: seen, accepted: false };

    let outcome: AcceptResult;
    try {
      outcome = await this.db.transaction(async (tx) => {
        const ticketId = await this.upsertTicket(tx, event);
        const inboxId = randomUUID();
        const payload: InboxPayload = {
          subject: event.subject,
          description: event.description,
          requester: event.requester ?? null,
          tags: event.tags ?? [],
          status: event.status ?? null,
        };
        const inserted: { id: string }[] = await tx.query(
          `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at)
           VALUES ($1, $2, $3, $4, 'ticket', $5, COALESCE($6, now()))
           ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
          [inboxId, ticketId, event.source, dedupeKey, payload, event.updatedAt ?? null],
        );
        if (inserted.length === 0) {
          // A concurrent delivery of the same event committed first: undo the ticket upsert.
          throw new DuplicateEvent((await this.findDuplicate(tx, dedupeKey)) ?? ticketId);
        }
        return { ticketId, accepted: true, inboxId };
      });
    } catch (err) {
      if (err instanceof DuplicateEvent) return { ticketId: err.ticketId, accepted: false };
      throw err;
    }
    await this.pipeline.eventAccepted(outcome.inboxId!);
    return outcome;
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

  private async findDuplicate(manager: EntityManager, dedupeKey: string): Promise<string | null> {
    const rows: { ticket_id: string }[] = await manager.query(
      'SELECT ticket_id FROM inbox_events WHERE dedupe_key = $1',
      [dedupeKey],
    );
    return rows[0]?.ticket_id ?? null;
  }

  /** Creates the ticket, or updates it when this event is not older than what is stored. */
  private async upsertTicket(tx: EntityManager, event: TicketEvent): Promise<string> {
    const created: { id: string }[] = await tx.query(
      `INSERT INTO tickets (id, source, external_id, subject, description, status, requester, tags,
                            source_created_at, source_updated_at, triage_state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued')
       ON CONFLICT (source, external_id) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        event.source,
        event.externalId,
        event.subject,
        event.description,
        event.status ?? null,
        event.requester ?? null,
        event.tags ?? [],
        event.createdAt ?? null,
        event.updatedAt ?? null,
      ],
    );
    if (created.length > 0) return created[0].id;

    const [existing]: { id: string }[] = await tx.query(
      'SELECT id FROM tickets WHERE source = $1 AND external_id = $2 FOR UPDATE',
      [event.source, event.externalId],
    );
    await tx.query(
      `UPDATE tickets SET
         subject = CASE WHEN $2 THEN $3 ELSE subject END,
         description = CASE WHEN $2 THEN $4 ELSE description END,
         status = CASE WHEN $2 THEN COALESCE($5, status) ELSE status END,
         requester = CASE WHEN $2 THEN COALESCE($6, requester) ELSE requester END,
         tags = CASE WHEN $2 AND $7::text[] IS NOT NULL THEN $7::text[] ELSE tags END,
         source_created_at = COALESCE(source_created_at, $8),
         source_updated_at = GREATEST(source_updated_at, $9),
         triage_state = 'queued',
         updated_at = now()
       WHERE id = $1`,
      [
        existing.id,
        await this.isNotOlder(tx, existing.id, event.updatedAt),
        event.subject,
        event.description,
        event.status ?? null,
        event.requester ?? null,
        event.tags ?? null,
        event.createdAt ?? null,
        event.updatedAt ?? null,
      ],
    );
    return existing.id;
  }

  private async isNotOlder(tx: EntityManager, ticketId: string, updatedAt?: Date | null): Promise<boolean> {
    if (!updatedAt) return true;
    const [row]: { newer: boolean }[] = await tx.query(
      'SELECT (source_updated_at IS NULL OR source_updated_at <= $2) AS newer FROM tickets WHERE id = $1',
      [ticketId, updatedAt],
    );
    return row.newer;
  }
}
