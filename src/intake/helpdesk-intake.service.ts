import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { OutcomesService } from '../outcomes/outcomes.service';
import { PipelineService } from '../pipeline/pipeline.service';
import { AppConfig } from '../platform/config/app-config.service';
import { assertUnreachable } from '../platform/errors/domain-error';
import type { TicketSource, TicketStatus } from '../tickets/ticket.entity';
import type { InboxPayload } from './inbox-event.entity';
import { AcceptResult, IntakeService } from './intake.service';
import type { HelpdeskEvent } from './zendesk-webhook.mapper';

export type WebhookAnswer =
  | (AcceptResult & { kind: 'ticket' | 'comment' | 'status' })
  | { kind: 'ignored'; reason: string; accepted: false; ticketId?: undefined };

interface ConversationEntry {
  id: string;
  body: string;
  at: string;
}

const CLOSED: readonly (TicketStatus | null | undefined)[] = ['solved', 'closed'];

/** Webhook events from Zendesk and Freshdesk: ticket content, customer comments and status changes. */
@Injectable()
export class HelpdeskIntakeService {
  private readonly logger = new Logger(HelpdeskIntakeService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: IntakeService,
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
    private readonly outcomes: OutcomesService,
  ) {}

  async accept(event: HelpdeskEvent): Promise<WebhookAnswer> {
    switch (event.kind) {
      case 'ticket':
        return { kind: 'ticket', ...(await this.intake.accept(event.event)) };
      case 'comment':
        return this.acceptComment(event);
      case 'status':
        return this.acceptStatus(event);
      case 'ignored':
        this.logger.log({ reason: event.reason }, 'webhook event ignored');
        return { kind: 'ignored', reason: event.reason, accepted: false };
      default:
        return assertUnreachable(event);
    }
  }

  /** A new customer comment: appended to the conversation, and the whole conversation is triaged again. */
  private async acceptComment(event: Extract<HelpdeskEvent, { kind: 'comment' }>): Promise<WebhookAnswer> {
    const result = await this.db.transaction(async (tx) => {
      const ticket = await this.lockTicket(tx, event.source, event.externalId);
      if (!ticket) return null;
      const conversation: ConversationEntry[] = ticket.conversation ?? [];
      if (conversation.some((c) => c.id === event.commentId)) return { ticketId: ticket.id, accepted: false };
      const updated = [...conversation, { id: event.commentId, body: event.body, at: event.at.toISOString() }].sort(
        (a, b) => a.at.localeCompare(b.at),
      );
      const payload: InboxPayload = {
        subject: ticket.subject,
        description: [ticket.description, ...updated.map((c) => c.body)].join('\n\n'),
        requester: ticket.requester,
        tags: ticket.tags,
        status: ticket.status,
      };
      const inboxId = await this.insertInbox(tx, ticket.id, event.source, event.dedupeKey, 'comment', payload, event.at);
      if (!inboxId) return { ticketId: ticket.id, accepted: false };
      await tx.query(
        `UPDATE tickets SET conversation = $2, triage_state = 'queued', updated_at = now() WHERE id = $1`,
        [ticket.id, JSON.stringify(updated)],
      );
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    if (result.inboxId) await this.pipeline.eventAccepted(result.inboxId);
    return { kind: 'comment', ...result };
  }

  /**
   * A status change is stored as a signal, and as an outcome for the macro that was applied (its tag is on
   * the ticket), else the one the agent recorded, else the one suggested. Solved or closed means resolved;
   * leaving solved or closed means reopened: not resolved.
   */
  private async acceptStatus(event: Extract<HelpdeskEvent, { kind: 'status' }>): Promise<WebhookAnswer> {
    const prefix = this.config.get('HELPDESK_TAG_PREFIX');
    const result = await this.db.transaction(async (tx) => {
      const ticket = await this.lockTicket(tx, event.source, event.externalId);
      if (!ticket) return null;
      const payload: InboxPayload = { subject: ticket.subject, description: ticket.description, status: event.status, tags: event.tags };
      const inboxId = await this.insertInbox(tx, ticket.id, event.source, event.dedupeKey, 'status', payload, event.at, 'processed');
      if (!inboxId) return { ticketId: ticket.id, accepted: false };

      const previous = event.previousStatus ?? ticket.status;
      const resolved = CLOSED.includes(event.status) ? true : CLOSED.includes(previous) ? false : null;
      const applied = appliedMacro(event.tags, prefix);
      const outcome =
        resolved === null
          ? null
          : await this.outcomes.recordIn(tx, {
              ticketId: ticket.id,
              resolved,
              signal: 'status',
              eventAt: event.at,
              appliedMacroId: applied,
            });
      await tx.query(
        `INSERT INTO outcome_signals (id, ticket_id, source, kind, status, previous_status, resolved, macro_id,
                                      attribution, cause_id, symptom_ids, triage_result_id, dedupe_key, event_at)
         VALUES ($1, $2, $3, 'status', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          randomUUID(),
          ticket.id,
          event.source,
          event.status,
          previous ?? null,
          resolved,
          outcome?.macroId ?? null,
          outcome?.attribution ?? null,
          outcome?.causeId ?? null,
          outcome?.symptomIds ?? [],
          ticket.latest_triage_id,
          event.dedupeKey,
          event.at,
        ],
      );
      await tx.query(
        `UPDATE tickets SET status = $2, tags = $3, source_updated_at = GREATEST(source_updated_at, $4), updated_at = now()
         WHERE id = $1 AND (source_updated_at IS NULL OR source_updated_at <= $4)`,
        [ticket.id, event.status, event.tags, event.at],
      );
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    return { kind: 'status', ...result };
  }

  private unknownTicket(source: TicketSource, externalId: string): WebhookAnswer {
    this.logger.warn({ source, externalId }, 'event for a ticket the service has not seen; ignored');
    return { kind: 'ignored', reason: `unknown ticket ${source}:${externalId}`, accepted: false };
  }

  private async lockTicket(tx: EntityManager, source: TicketSource, externalId: string) {
    const [row]: {
      id: string;
      subject: string;
      description: string;
      status: TicketStatus | null;
      requester: InboxPayload['requester'];
      tags: string[];
      conversation: ConversationEntry[];
      latest_triage_id: string | null;
    }[] = await tx.query(
      `SELECT id, subject, description, status, requester, tags, conversation, latest_triage_id
       FROM tickets WHERE source = $1 AND external_id = $2 FOR UPDATE`,
      [source, externalId],
    );
    return row ?? null;
  }

  private async insertInbox(
    tx: EntityManager,
    ticketId: string,
    source: TicketSource,
    dedupeKey: string,
    kind: string,
    payload: InboxPayload,
    at: Date,
    state: 'pending' | 'processed' = 'pending',
  ): Promise<string | null> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at, state, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::varchar, CASE WHEN $8::varchar = 'processed' THEN now() END)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [randomUUID(), ticketId, source, dedupeKey, kind, payload, at, state],
    );
    return rows[0]?.id ?? null;
  }
}

/** The macro whose `<prefix>applied_<macroId>` tag an agent's helpdesk macro put on the ticket. */
export function appliedMacro(tags: readonly string[], prefix: string): string | null {
  const marker = `${prefix}applied_`;
  const found = [...tags].reverse().find((t) => t.startsWith(marker));
  return found ? found.slice(marker.length) : null;
}
