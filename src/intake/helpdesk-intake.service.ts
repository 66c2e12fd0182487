import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import { isClosed, OutcomeCaptureService, type SignalEvent, type SignalPack } from '../outcomes/outcome-capture.service';
import { PipelineService } from '../pipeline/pipeline.service';
import { AppConfig } from '../platform/config/app-config.service';
import { Transactions } from '../platform/database/transactions';
import { EngineService } from '../triage/engine.service';
import { assertUnreachable, DomainError } from '../platform/errors/domain-error';
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { TicketStatus } from '../tickets/ticket.entity';
import { boundedDedupeKey } from '../tickets/well-formed-text';
import { AcceptResult, IntakeService } from './intake.service';
import { ConversationEntry, IntakeRepository, LockedTicket } from './intake.repository';
import { dedupeKeyOf, type InboxPayload, type TicketEvent } from '../tickets/ticket-event';
import { HelpdeskEvent, WebhookPayloadError } from '../helpdesk/webhooks/webhook-event';
import { storableHelpdeskEvent } from './storable-helpdesk-event';

export type WebhookAnswer =
  | (AcceptResult & { kind: 'ticket' | 'comment' | 'status' | 'csat'; truncated?: boolean })
  | { kind: 'ignored'; reason: string; accepted: false; ticketId?: undefined };

/** Webhook events from the helpdesks: ticket content, customer comments, status changes and ratings. */
@Injectable()
export class HelpdeskIntakeService {
  private readonly logger = new Logger(HelpdeskIntakeService.name);

  constructor(
    private readonly repository: IntakeRepository,
    private readonly transactions: Transactions,
    private readonly intake: IntakeService,
    private readonly pipeline: PipelineService,
    private readonly config: AppConfig,
    private readonly capture: OutcomeCaptureService,
    private readonly engine: EngineService,
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
        const sentAt = received.kind === 'ticket' ? received.event.updatedAt : undefined;
        const reopen = this.reopenOf(event.event, result.previousStatus, sentAt);
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
    const result = await this.transactions.run(async (tx) => {
      const ticket = await this.repository.lockTicketByExternalId(tx, event.source, event.externalId);
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
      const inboxId = await this.repository.insertInboxEvent(tx, {
        ticketId: ticket.id,
        source: event.source,
        dedupeKey: event.dedupeKey,
        kind: 'comment',
        payload,
        at: event.at,
        state: 'pending',
      });
      if (!inboxId) return { ticketId: ticket.id, accepted: false };
      await this.repository.storeConversation(tx, ticket.id, updated);
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    if (result.inboxId) await this.pipeline.eventAccepted(result.inboxId);
    return { kind: 'comment', ...result, ...(event.truncated ? { truncated: true } : {}) };
  }

  /**
   * A status change or a satisfaction rating: its inbox row (processed: nothing to triage) keeps a redelivery from
   * counting twice; outcomes captures what it says of the fix, in the same transaction.
   */
  private async acceptSignal(event: SignalEvent): Promise<WebhookAnswer> {
    const result = await this.transactions.run(async (tx) => {
      const ticket = await this.repository.lockTicketByExternalId(tx, event.source, event.externalId);
      if (!ticket) return null;
      const status = event.kind === 'status' ? event.status : ticket.status;
      const payload: InboxPayload = { subject: ticket.subject, description: ticket.description, status, tags: event.tags };
      const inboxId = await this.repository.insertInboxEvent(tx, {
        ticketId: ticket.id,
        source: event.source,
        dedupeKey: event.dedupeKey,
        kind: event.kind,
        payload,
        at: event.at,
        state: 'processed',
      });
      if (!inboxId) return { ticketId: ticket.id, accepted: false };
      const signalTicket = { id: ticket.id, status: ticket.status, latestTriageId: ticket.latest_triage_id };
      await this.capture.captureIn(tx, event, signalTicket, this.packOf(ticket, event));
      return { ticketId: ticket.id, accepted: true, inboxId };
    });
    if (!result) return this.unknownTicket(event.source, event.externalId);
    return { kind: event.kind, ...result };
  }

  /**
   * The pack whose macros the signal's applied-fix tags name: the ticket's latest triage's, else the one routing
   * chooses with the tags triage would route by.
   */
  private packOf(ticket: LockedTicket, event: SignalEvent): SignalPack {
    const id = this.engine.packOfTicket({ packId: ticket.pack_id, source: event.source, tags: [...(ticket.tags ?? []), ...event.tags] });
    return { id, macroOf: (idOrAlias) => this.engine.macroOfPack(idOrAlias, id)?.id ?? null };
  }

  /**
   * A content event whose status leaves solved or closed, as a status signal. It is stored at the event's time
   * (`event.updatedAt`, a date too far ahead already made now) and keyed by what the helpdesk sent: the date as
   * sent (`sentAt`), else the event's own key, so a redelivery of the same webhook is the same signal.
   */
  private reopenOf(event: TicketEvent, stored: TicketStatus | null | undefined, sentAt: Date | null | undefined): SignalEvent | null {
    if (event.source === 'api' || !event.status || isClosed(event.status)) return null;
    if (stored === undefined || !isClosed(stored)) return null;
    const identity = sentAt ? sentAt.toISOString() : dedupeKeyOf(event);
    return {
      kind: 'status',
      source: event.source,
      externalId: event.externalId,
      status: event.status,
      previousStatus: stored,
      tags: event.tags ?? [],
      at: event.updatedAt ?? new Date(),
      dedupeKey: boundedDedupeKey(`${event.source}:${event.externalId}:reopen:${identity}`),
    };
  }

  private unknownTicket(source: Helpdesk, externalId: string): WebhookAnswer {
    this.logger.warn({ source, externalId }, 'event for a ticket the service has not seen; ignored');
    return { kind: 'ignored', reason: `unknown ticket ${source}:${externalId}`, accepted: false };
  }
}
