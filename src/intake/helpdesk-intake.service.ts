import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import { OutcomesService } from '../outcomes/outcomes.service';
import { PipelineService } from '../pipeline/pipeline.service';
import { AppConfig } from '../platform/config/app-config.service';
import { MetricsService } from '../platform/metrics/metrics.service';
import { EngineService } from '../triage/engine.service';
import { assertUnreachable, DomainError } from '../platform/errors/domain-error';
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { TicketStatus } from '../tickets/ticket.entity';
import { AcceptResult, IntakeService } from './intake.service';
import type { InboxPayload, TicketEvent } from '../tickets/ticket-event';
import { HelpdeskEvent, WebhookPayloadError } from '../helpdesk/webhooks/webhook-event';
import { storableHelpdeskEvent } from './storable-helpdesk-event';

export type WebhookAnswer =
  | (AcceptResult & { kind: 'ticket' | 'comment' | 'status' | 'csat'; truncated?: boolean })
  | { kind: 'ignored'; reason: string; accepted: false; ticketId?: undefined };

interface ConversationEntry {
  id: string;
  body: string;
  at: string;
  /** The comment was cut to 65,536 characters. */
  truncated?: boolean;
}

type SignalEvent = Extract<HelpdeskEvent, { kind: 'status' | 'csat' }>;

const CLOSED: readonly (TicketStatus | null | undefined)[] = ['solved', 'closed'];

/** Webhook events from the helpdesks: ticket content, customer comments, status changes and ratings. */
@Injectable()
export class HelpdeskIntakeService {
  private readonly logger = new Logger(HelpdeskIntakeService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly intake: IntakeService,
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
    private readonly outcomes: OutcomesService,
    private readonly engine: EngineService,
    private readonly metrics: MetricsService,
    private readonly helpdesks: HelpdeskRegistry,
  ) {}

  /**
   * A helpdesk's webhook as its route received it: credentials checked (again, over the raw body), the body read
   * by the helpdesk's adapter, the event accepted.
   */
  async receiveWebhook(helpdesk: Helpdesk, req: FastifyRequest & { rawBody?: Buffer }): Promise<WebhookAnswer> {
    const verdict = await this.helpdesks.verifyWebhook(helpdesk, req, req.rawBody ?? Buffer.alloc(0));
    if (!verdict.ok) throw new DomainError(verdict.code, verdict.message);
    let event: HelpdeskEvent;
    try {
      event = this.helpdesks.adapter(helpdesk).mapWebhook(req.body, this.config);
    } catch (err) {
      if (err instanceof WebhookPayloadError) throw new DomainError('WEBHOOK.INVALID_PAYLOAD', err.message, err.details);
      throw err;
    }
    return this.accept(event);
  }

  async accept(received: HelpdeskEvent): Promise<WebhookAnswer> {
    const event = storableHelpdeskEvent(received, {
      now: new Date(),
      maxFutureSkewMs: this.config.get('MAX_FUTURE_SKEW_MINUTES') * 60_000,
    });
    switch (event.kind) {
      case 'ticket': {
        const result = await this.intake.accept(event.event);
        // Trigger bodies carry the status but not the previous one: leaving solved is a reopen. The status the
        // ticket had before is read by the statement that stores the event.
        const reopen = this.reopenOf(event.event, result.previousStatus);
        if (reopen) await this.acceptSignal(reopen);
        return { kind: 'ticket', ...result, ...(event.event.truncated ? { truncated: true } : {}) };
      }
      case 'comment':
        return this.acceptComment(event);
      case 'status':
      case 'csat':
        return this.acceptSignal(event);
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
      const entry: ConversationEntry = { id: event.commentId, body: event.body, at: event.at.toISOString() };
      if (event.truncated) entry.truncated = true;
      const updated = [...conversation, entry].sort((a, b) => a.at.localeCompare(b.at));
      const payload: InboxPayload = {
        subject: ticket.subject,
        description: [ticket.description, ...updated.map((c) => c.body)].join('\n\n'),
        requester: ticket.requester,
        tags: ticket.tags,
        status: ticket.status,
        ...(event.truncated ? { truncated: true } : {}),
      };
      const inboxId = await this.insertInbox(tx, ticket.id, event.source, event.dedupeKey, 'comment', payload, event.at);
      if (!inboxId) return { ticketId: ticket.id, accepted: false };
      await tx.query(`UPDATE tickets SET conversation = $2, triage_state = 'queued', updated_at = now() WHERE id = $1`, [
        ticket.id,
        JSON.stringify(updated),
      ]);
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    if (result.inboxId) await this.pipeline.eventAccepted(result.inboxId);
    return { kind: 'comment', ...result, ...(event.truncated ? { truncated: true } : {}) };
  }

  /**
   * A status change or a satisfaction rating is stored as a signal, and as an outcome for the macro that was
   * applied (its tag is on the ticket), else the one the agent recorded, else the one suggested. Solved or
   * closed means resolved, leaving solved or closed (reopened) not resolved; a good rating resolved, a bad
   * one not.
   */
  private async acceptSignal(event: SignalEvent): Promise<WebhookAnswer> {
    const prefix = this.config.get('HELPDESK_TAG_PREFIX');
    const result = await this.db.transaction(async (tx) => {
      const ticket = await this.lockTicket(tx, event.source, event.externalId);
      if (!ticket) return null;
      const status = event.kind === 'status' ? event.status : ticket.status;
      const payload: InboxPayload = { subject: ticket.subject, description: ticket.description, status, tags: event.tags };
      const inboxId = await this.insertInbox(tx, ticket.id, event.source, event.dedupeKey, event.kind, payload, event.at, 'processed');
      if (!inboxId) return { ticketId: ticket.id, accepted: false };

      const previous = event.kind === 'status' ? (event.previousStatus ?? ticket.status) : null;
      const resolved =
        event.kind === 'csat' ? event.rating === 'good' : CLOSED.includes(event.status) ? true : CLOSED.includes(previous) ? false : null;
      // Applied-fix tags name macros of the ticket's pack (its latest triage's, else the one routing chooses, with the
      // tags triage would route by), whose statistics get the credit.
      const packId = this.engine.packOfTicket({
        packId: ticket.pack_id,
        source: event.source,
        tags: [...(ticket.tags ?? []), ...event.tags],
      });
      const applied = this.appliedMacro(event.tags, prefix, packId);
      const outcome =
        resolved === null
          ? null
          : await this.outcomes.recordIn(tx, {
              ticketId: ticket.id,
              resolved,
              signal: event.kind,
              eventAt: event.at,
              appliedMacroId: applied,
              packId,
            });
      await tx.query(
        `INSERT INTO outcome_signals (id, ticket_id, source, kind, status, previous_status, resolved, macro_id,
                                      attribution, cause_id, symptom_ids, triage_result_id, dedupe_key, event_at)
         VALUES ($1, $2, $3, $14, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (dedupe_key) DO NOTHING`,
        [
          randomUUID(),
          ticket.id,
          event.source,
          event.kind === 'status' ? event.status : null,
          previous ?? null,
          resolved,
          outcome?.macroId ?? null,
          outcome?.attribution ?? null,
          outcome?.causeId ?? null,
          outcome?.symptomIds ?? [],
          ticket.latest_triage_id,
          event.dedupeKey,
          event.at,
          event.kind === 'csat' ? `csat_${event.rating}` : 'status',
        ],
      );
      if (event.kind !== 'status') return { ticketId: ticket.id, accepted: true, inboxId };
      await tx.query(
        `UPDATE tickets SET status = $2, tags = $3, source_updated_at = GREATEST(source_updated_at, $4), updated_at = now()
         WHERE id = $1 AND (source_updated_at IS NULL OR source_updated_at <= $4)`,
        [ticket.id, event.status, event.tags, event.at],
      );
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    return { kind: event.kind, ...result };
  }

  /**
   * The macro of the ticket's pack named by the last applied-fix tag that names one (an alias counts as its macro).
   * Tags naming no macro of that pack (another pack's included) are ignored, and counted, and logged: they never
   * become a fix in outcomes or statistics.
   */
  private appliedMacro(tags: readonly string[], prefix: string, packId: string): string | null {
    const { macroId, unknown } = appliedMacro(tags, prefix, (id) => this.engine.macroOfPack(id, packId)?.id ?? null);
    if (unknown.length > 0) {
      this.metrics.unknownMacroTags.inc(unknown.length);
      this.logger.warn({ tags: unknown.map((t) => t.slice(0, 120)), packId }, 'applied-fix tag names no macro of the pack; ignored');
    }
    return macroId;
  }

  /** A content event whose status leaves solved or closed, as a status signal (keyed by its time). */
  private reopenOf(event: TicketEvent, stored: TicketStatus | null | undefined): SignalEvent | null {
    if (event.source === 'api' || !event.status || CLOSED.includes(event.status)) return null;
    if (stored === undefined || !CLOSED.includes(stored)) return null;
    const at = event.updatedAt ?? new Date();
    return {
      kind: 'status',
      source: event.source,
      externalId: event.externalId,
      status: event.status,
      previousStatus: stored,
      tags: event.tags ?? [],
      at,
      dedupeKey: `${event.source}:${event.externalId}:reopen:${at.toISOString()}`,
    };
  }

  private unknownTicket(source: Helpdesk, externalId: string): WebhookAnswer {
    this.logger.warn({ source, externalId }, 'event for a ticket the service has not seen; ignored');
    return { kind: 'ignored', reason: `unknown ticket ${source}:${externalId}`, accepted: false };
  }

  private async lockTicket(tx: EntityManager, source: Helpdesk, externalId: string) {
    const [row]: {
      id: string;
      subject: string;
      description: string;
      status: TicketStatus | null;
      requester: InboxPayload['requester'];
      tags: string[];
      conversation: ConversationEntry[];
      latest_triage_id: string | null;
      /** The pack of the latest triage. */
      pack_id: string | null;
    }[] = await tx.query(
      `SELECT t.id, t.subject, t.description, t.status, t.requester, t.tags, t.conversation, t.latest_triage_id,
              (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
       FROM tickets t WHERE t.source = $1 AND t.external_id = $2 FOR UPDATE OF t`,
      [source, externalId],
    );
    return row ?? null;
  }

  private async insertInbox(
    tx: EntityManager,
    ticketId: string,
    source: Helpdesk,
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

/**
 * The macro whose `<prefix>applied_<macroId>` tag an agent's helpdesk macro put on the ticket: the last such tag
 * that `resolve` maps to a macro id. `unknown` lists the applied tags naming no macro.
 */
export function appliedMacro(
  tags: readonly string[],
  prefix: string,
  resolve: (idOrAlias: string) => string | null,
): { macroId: string | null; unknown: string[] } {
  const marker = `${prefix}applied_`;
  let macroId: string | null = null;
  const unknown: string[] = [];
  for (const tag of [...tags].reverse()) {
    if (!tag.startsWith(marker)) continue;
    const known = resolve(tag.slice(marker.length));
    if (known === null) unknown.push(tag);
    else macroId ??= known;
  }
  return { macroId, unknown };
}
