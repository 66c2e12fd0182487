/**
 * What a helpdesk webhook becomes once its adapter has read it: the same events whichever helpdesk sent them.
 */
import { DomainError } from '../../platform/errors/domain-error';
import type { Helpdesk } from '../../platform/queue/helpdesks';
import type { TicketStatus } from '../../tickets/ticket.entity';
import type { TicketEvent } from '../../tickets/ticket-event';

export type HelpdeskEvent =
  /** Ticket created or its content changed: (re)triage. */
  | { kind: 'ticket'; event: TicketEvent }
  /** A new public comment by the customer: triage again on the whole conversation. */
  | {
      kind: 'comment';
      source: Helpdesk;
      externalId: string;
      commentId: string;
      body: string;
      at: Date;
      dedupeKey: string;
      /** The body was cut to the length the API accepts. */
      truncated?: boolean;
    }
  | {
      kind: 'status';
      source: Helpdesk;
      externalId: string;
      status: TicketStatus;
      previousStatus?: TicketStatus | null;
      tags: string[];
      at: Date;
      dedupeKey: string;
    }
  /** The customer's satisfaction rating: good counts as resolved, bad as not resolved. */
  | {
      kind: 'csat';
      source: Helpdesk;
      externalId: string;
      rating: 'good' | 'bad';
      tags: string[];
      at: Date;
      dedupeKey: string;
    }
  /** Acknowledged and dropped: the service's own write-back, private notes, tag-only changes ... */
  | { kind: 'ignored'; reason: string };

/** A webhook body that is not what the helpdesk sends (answered with 400). */
export class WebhookPayloadError extends DomainError {
  declare readonly details: string[];

  constructor(details: string[]) {
    super('REQUEST.INVALID', `Malformed webhook body: ${details.join('; ')}`, details);
    this.name = 'WebhookPayloadError';
  }
}
