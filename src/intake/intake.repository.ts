import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions';
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { InboxPayload } from '../tickets/ticket-event';
import type { TicketStatus } from '../tickets/ticket.entity';

/** A customer comment as the ticket's conversation keeps it. */
export interface ConversationEntry {
  id: string;
  body: string;
  at: string;
  /** The comment was cut to 65,536 characters. */
  truncated?: boolean;
}

/** A helpdesk's ticket as a comment or signal reads it, its row locked until the transaction ends. */
export interface LockedTicket {
  id: string;
  subject: string;
  description: string;
  status: TicketStatus | null;
  requester: InboxPayload['requester'];
  tags: string[];
  conversation: ConversationEntry[] | null;
  latest_triage_id: string | null;
  /** The pack of the latest triage. */
  pack_id: string | null;
}

/** An inbox row of a helpdesk's comment or signal. */
export interface InboxEventWrite {
  ticketId: string;
  source: Helpdesk;
  dedupeKey: string;
  kind: string;
  payload: InboxPayload;
  at: Date;
  /** `processed`: nothing to triage (a signal); `pending`: the pipeline triages it. */
  state: 'pending' | 'processed';
}

/**
 * The intake's statements outside the hot path: comments and signals of known tickets, and mending a ticket's
 * triage state. New ticket content goes through InboxWriter (HotQueries, batched).
 */
@Injectable()
export class IntakeRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The helpdesk's ticket, locked until the transaction ends; null when the service has not seen it. */
  async lockTicketByExternalId(tx: Tx, source: Helpdesk, externalId: string): Promise<LockedTicket | null> {
    const [row]: LockedTicket[] = await tx.query(
      `SELECT t.id, t.subject, t.description, t.status, t.requester, t.tags, t.conversation, t.latest_triage_id,
              (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
       FROM tickets t WHERE t.source = $1 AND t.external_id = $2 FOR UPDATE OF t`,
      [source, externalId],
    );
    return row ?? null;
  }

  /** The new inbox row's id; null when an event with the same dedupe key was stored before. */
  async insertInboxEvent(tx: Tx, e: InboxEventWrite): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at, state, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::varchar, CASE WHEN $8::varchar = 'processed' THEN now() END)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [randomUUID(), e.ticketId, e.source, e.dedupeKey, e.kind, e.payload, e.at, e.state],
    );
    return rows[0]?.id ?? null;
  }

  /** The ticket's conversation, and its triage queued. */
  async storeConversation(tx: Tx, ticketId: string, conversation: readonly ConversationEntry[]): Promise<void> {
    await tx.query(`UPDATE tickets SET conversation = $2, triage_state = 'queued', updated_at = now() WHERE id = $1`, [
      ticketId,
      JSON.stringify(conversation),
    ]);
  }

  /** The ticket's triage state as its inbox events say: queued while one is pending, failed when none ever succeeded. */
  async refreshTriageState(ticketId: string): Promise<void> {
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
}
