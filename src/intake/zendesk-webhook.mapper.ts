/**
 * Maps Zendesk webhook bodies to helpdesk events. Two kinds arrive at the same endpoint:
 * the body of a trigger-connected webhook (ZENDESK_TRIGGER_BODY_TEMPLATE, pasted by an admin)
 * and the envelope of an event-subscription webhook (`type: "zen:event-type:ticket.*"`).
 */
import { isHelpdeskTicketId } from '../helpdesk/helpdesk-ticket-id';
import { DomainError } from '../platform/errors/domain-error';
import type { TicketStatus } from '../tickets/ticket.entity';
import { contentHash, TicketEvent } from './ticket-event';

export type HelpdeskSource = 'zendesk' | 'freshdesk';

export type HelpdeskEvent =
  /** Ticket created or its content changed: (re)triage. */
  | { kind: 'ticket'; event: TicketEvent }
  /** A new public comment by the customer: triage again on the whole conversation. */
  | {
      kind: 'comment';
      source: HelpdeskSource;
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
      source: HelpdeskSource;
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
      source: HelpdeskSource;
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

/**
 * The JSON body an admin pastes into the Zendesk webhook that a trigger notifies. Zendesk fills
 * the placeholders (JSON-escaped) when the trigger fires; `current_user` lets the service ignore
 * updates made by its own API user.
 */
export const ZENDESK_TRIGGER_BODY_TEMPLATE = `{
  "ticket": {
    "id": "{{ticket.id}}",
    "title": "{{ticket.title}}",
    "description": "{{ticket.description}}",
    "status": "{{ticket.status}}",
    "tags": "{{ticket.tags}}",
    "requester_email": "{{ticket.requester.email}}",
    "requester_name": "{{ticket.requester.name}}",
    "requester_first_name": "{{ticket.requester.first_name}}",
    "created_at": "{{ticket.created_at_with_timestamp}}",
    "updated_at": "{{ticket.updated_at_with_timestamp}}"
  },
  "current_user": {
    "id": "{{current_user.id}}",
    "email": "{{current_user.email}}"
  }
}`;

/** The body of a second trigger, "Satisfaction is Good / Bad": the customer's rating as an outcome signal. */
export const ZENDESK_SATISFACTION_BODY_TEMPLATE = `{
  "event": "satisfaction",
  "ticket": {
    "id": "{{ticket.id}}",
    "satisfaction": "{{satisfaction.current_rating}}",
    "tags": "{{ticket.tags}}",
    "updated_at": "{{ticket.updated_at_with_timestamp}}"
  }
}`;

export interface ZendeskMapperOptions {
  /** The Zendesk user id of the service's API user: its events are its own write-back. */
  readonly ownUserId?: string;
  /** The email of the service's API user (trigger bodies name the updater by email). */
  readonly ownEmail?: string;
  /** Start of the marker in the service's notes, e.g. `triage-note:`. */
  readonly noteMarkerPrefix: string;
  /** Event time when the body carries none; defaults to the current time. */
  readonly now?: () => Date;
}

const EVENT_TYPE_PREFIX = 'zen:event-type:';

export function mapZendeskWebhook(body: unknown, opts: ZendeskMapperOptions): HelpdeskEvent {
  const root = new PayloadReader(body, 'body');
  if (!root.isObject()) throw new WebhookPayloadError(['body: expected a JSON object']);
  if (typeof root.raw('type') === 'string' && String(root.raw('type')).startsWith(EVENT_TYPE_PREFIX)) {
    return mapEventSubscription(root, opts);
  }
  if (root.raw('ticket') !== undefined) return mapTrigger(root, opts);
  throw new WebhookPayloadError([
    'body: expected a Zendesk event ("type": "zen:event-type:...") or the trigger body ({"ticket": {...}})',
  ]);
}

// --- event-subscription webhooks ------------------------------------------------------------

function mapEventSubscription(root: PayloadReader, opts: ZendeskMapperOptions): HelpdeskEvent {
  const type = root.string('type', { required: true }).slice(EVENT_TYPE_PREFIX.length);
  if (!type.startsWith('ticket.')) return { kind: 'ignored', reason: `not a ticket event: ${type}` };

  const eventId = root.id('id', { required: true });
  const time = root.date('time');
  const detail = root.object('detail', { required: true });
  const change = root.object('event');
  const externalId = detail.ticketId('id') || ticketIdFromSubject(root.string('subject'));
  if (!externalId) root.fail('detail.id', 'expected the ticket id');
  root.throwIfInvalid();
  detail.throwIfInvalid();
  change.throwIfInvalid();

  const dedupeKey = `zendesk:evt:${eventId}`;
  const at = time ?? detail.date('updated_at') ?? now(opts);
  const actorId = detail.id('actor_id');
  if (opts.ownUserId && actorId === opts.ownUserId) return { kind: 'ignored', reason: 'event by the service user' };

  switch (type) {
    case 'ticket.created':
    case 'ticket.subject_changed':
    case 'ticket.description_changed': {
      const event: TicketEvent = {
        source: 'zendesk',
        externalId: externalId!,
        subject: detail.string('subject'),
        description: detail.string('description', { required: true }),
        tags: detail.stringList('tags'),
        status: zendeskStatus(detail.string('status')),
        createdAt: detail.date('created_at'),
        updatedAt: detail.date('updated_at') ?? at,
        dedupeKey,
      };
      detail.throwIfInvalid();
      return { kind: 'ticket', event };
    }
    case 'ticket.comment_added':
      return mapCommentAdded(change, detail, { externalId: externalId!, at, dedupeKey }, opts);
    case 'ticket.status_changed': {
      const current = change.string('current', { required: true });
      change.throwIfInvalid();
      const status = zendeskStatus(current);
      if (!status) return { kind: 'ignored', reason: `status not tracked: ${current}` };
      return {
        kind: 'status',
        source: 'zendesk',
        externalId: externalId!,
        status,
        previousStatus: zendeskStatus(change.string('previous')),
        tags: detail.stringList('tags'),
        at,
        dedupeKey,
      };
    }
    case 'ticket.tags_changed':
      return { kind: 'ignored', reason: 'tag-only change' };
    default:
      return { kind: 'ignored', reason: `event type not handled: ${type}` };
  }
}

function mapCommentAdded(
  change: PayloadReader,
  detail: PayloadReader,
  base: { externalId: string; at: Date; dedupeKey: string },
  opts: ZendeskMapperOptions,
): HelpdeskEvent {
  const comment = change.object('comment', { required: true });
  change.throwIfInvalid();
  const commentId = comment.id('id', { required: true });
  const body = comment.string('body');
  const isPublic = comment.boolean('is_public');
  const author = comment.object('author');
  comment.throwIfInvalid();
  const authorId = author.id('id');
  author.throwIfInvalid();

  // A note is the service's own by its author and its marker together: a customer may quote the marker.
  if (opts.ownUserId && authorId === opts.ownUserId) {
    return { kind: 'ignored', reason: body.includes(opts.noteMarkerPrefix) ? 'the service’s own note' : 'comment by the service user' };
  }
  if (isPublic === false) return { kind: 'ignored', reason: 'private comment' };
  const requesterId = detail.id('requester_id');
  if (requesterId ? authorId !== requesterId : author.boolean('is_staff') === true) {
    return { kind: 'ignored', reason: 'comment not from the requester' };
  }
  // The ticket's first comment arrives as comment_added too; ticket.created already carries it.
  if (body.trim() && body.trim() === detail.string('description').trim()) {
    return { kind: 'ignored', reason: 'first comment of the ticket' };
  }
  if (!body.trim()) return { kind: 'ignored', reason: 'empty comment' };
  return { kind: 'comment', source: 'zendesk', ...base, commentId, body };
}

function ticketIdFromSubject(subject: string): string {
  const id = /^zen:ticket:(\d+)$/.exec(subject)?.[1] ?? '';
  return isHelpdeskTicketId(id) ? id : '';
}

// --- trigger-connected webhooks -------------------------------------------------------------

function mapTrigger(root: PayloadReader, opts: ZendeskMapperOptions): HelpdeskEvent {
  if (root.string('event') === 'satisfaction') return mapSatisfaction(root, opts);
  const ticket = root.object('ticket', { required: true });
  const currentUser = root.object('current_user');
  root.throwIfInvalid();
  const externalId = ticket.ticketId('id', { required: true });
  const subject = ticket.string('title');
  const description = ticket.string('description', { required: true });
  const rawStatus = ticket.string('status');
  const tags = ticket.stringList('tags');
  const requester = {
    email: ticket.string('requester_email') || undefined,
    name: ticket.string('requester_name') || undefined,
    firstName: ticket.string('requester_first_name') || undefined,
  };
  const rawUpdatedAt = ticket.string('updated_at');
  const updatedAt = ticket.date('updated_at');
  const createdAt = ticket.date('created_at');
  const updaterId = currentUser.id('id');
  const updaterEmail = currentUser.string('email');
  ticket.throwIfInvalid();
  currentUser.throwIfInvalid();

  const byServiceUser =
    (opts.ownUserId && updaterId === opts.ownUserId) ||
    (opts.ownEmail && updaterEmail.toLowerCase() === opts.ownEmail.toLowerCase());
  if (byServiceUser) return { kind: 'ignored', reason: 'update by the service user' };

  const status = zendeskStatus(rawStatus);
  if (status === 'solved' || status === 'closed') {
    return {
      kind: 'status',
      source: 'zendesk',
      externalId,
      status,
      tags,
      at: updatedAt ?? now(opts),
      // The same delivery twice has one key; solving again later has a later updated_at.
      dedupeKey: `zendesk:trg:${externalId}:status:${status}:${rawUpdatedAt || contentHash(tags.join(' '))}`,
    };
  }
  const event: TicketEvent = {
    source: 'zendesk',
    externalId,
    subject,
    description,
    requester: requester.email || requester.name || requester.firstName ? requester : null,
    tags,
    status,
    createdAt,
    updatedAt,
    // Triggers fire on every update (assignee, tags, the service's own write-back): only new content
    // is a new event, so the key hashes the content rather than updated_at.
    dedupeKey: `zendesk:trg:${externalId}:${contentHash(subject, description)}`,
  };
  return { kind: 'ticket', event };
}

/** The body of the "satisfaction rated" trigger (ZENDESK_SATISFACTION_BODY_TEMPLATE). */
function mapSatisfaction(root: PayloadReader, opts: ZendeskMapperOptions): HelpdeskEvent {
  const ticket = root.object('ticket', { required: true });
  root.throwIfInvalid();
  const externalId = ticket.ticketId('id', { required: true });
  const raw = ticket.string('satisfaction');
  const tags = ticket.stringList('tags');
  const rawUpdatedAt = ticket.string('updated_at');
  const updatedAt = ticket.date('updated_at');
  ticket.throwIfInvalid();
  const rating = satisfactionRating(raw);
  if (!rating) return { kind: 'ignored', reason: `no satisfaction rating: ${raw || 'unoffered'}` };
  return {
    kind: 'csat',
    source: 'zendesk',
    externalId,
    rating,
    tags,
    at: updatedAt ?? now(opts),
    dedupeKey: `zendesk:trg:${externalId}:csat:${rating}:${rawUpdatedAt || 'once'}`,
  };
}

// --- shared helpers ---------------------------------------------------------------------------

/** {{satisfaction.current_rating}} renders e.g. "Good, I'm satisfied" or "Bad, I'm unsatisfied"; unrated is empty. */
export function satisfactionRating(value: string): 'good' | 'bad' | null {
  const v = value.trim().toLowerCase();
  if (/^(good|great|satisfied|positive|happy)\b/.test(v)) return 'good';
  if (/^(bad|poor|unsatisfied|dissatisfied|negative|unhappy)\b/.test(v)) return 'bad';
  return null;
}

const ZENDESK_STATUSES: Record<string, TicketStatus> = {
  new: 'new',
  open: 'open',
  pending: 'pending',
  hold: 'on_hold',
  on_hold: 'on_hold',
  solved: 'solved',
  closed: 'closed',
};

/** Zendesk statuses in any case ("open", "Open", "OPEN", "On-hold") to the service's; null when unknown. */
export function zendeskStatus(value: string | null | undefined): TicketStatus | null {
  const key = (value ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');
  return ZENDESK_STATUSES[key] ?? null;
}

function now(opts: { now?: () => Date }): Date {
  return opts.now ? opts.now() : new Date();
}

/**
 * Reads fields of one JSON object, collecting a message per wrong field (named by its path)
 * so one error lists every problem. Ids may be numbers or strings; unrendered placeholders
 * ("{{ticket.id}}") count as missing.
 */
export class PayloadReader {
  private readonly errors: string[];

  constructor(
    private readonly value: unknown,
    private readonly path: string,
    errors: string[] = [],
  ) {
    this.errors = errors;
  }

  isObject(): boolean {
    return this.value !== null && typeof this.value === 'object' && !Array.isArray(this.value);
  }

  raw(key: string): unknown {
    return this.isObject() ? (this.value as Record<string, unknown>)[key] : undefined;
  }

  fail(field: string, message: string): void {
    this.errors.push(`${field}: ${message}`);
  }

  throwIfInvalid(): void {
    if (this.errors.length) throw new WebhookPayloadError([...this.errors]);
  }

  object(key: string, opts: { required?: boolean } = {}): PayloadReader {
    const v = this.raw(key);
    const child = new PayloadReader(v ?? {}, this.at(key), this.errors);
    if (v === undefined || v === null) {
      if (opts.required) this.fail(this.at(key), 'required');
    } else if (!child.isObject()) {
      this.fail(this.at(key), 'expected an object');
    }
    return child.isObject() ? child : new PayloadReader({}, this.at(key), this.errors);
  }

  string(key: string, opts: { required?: boolean } = {}): string {
    const v = this.raw(key);
    if (v === undefined || v === null) {
      if (opts.required) this.fail(this.at(key), 'required');
      return '';
    }
    if (typeof v !== 'string') {
      this.fail(this.at(key), 'expected a string');
      return '';
    }
    return isPlaceholder(v) ? '' : v;
  }

  /** A non-empty id, given as a string or an integer. */
  id(key: string, opts: { required?: boolean } = {}): string {
    const v = this.raw(key);
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && v.trim() && !isPlaceholder(v)) return v.trim();
    if (v === undefined || v === null || v === '' || (typeof v === 'string' && (isPlaceholder(v) || !v.trim()))) {
      if (opts.required) this.fail(this.at(key), 'required');
      return '';
    }
    this.fail(this.at(key), 'expected an id (string or integer)');
    return '';
  }

  /** A helpdesk ticket id: a positive integer, as a number or a string of up to 20 digits. */
  ticketId(key: string, opts: { required?: boolean } = {}): string {
    const id = this.id(key, opts);
    if (!id || isHelpdeskTicketId(id)) return id;
    this.fail(this.at(key), 'expected a ticket id: a positive integer of up to 20 digits');
    return '';
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.fail(this.at(key), 'expected a boolean');
    return undefined;
  }

  /** Tags as an array of strings, or one string separated by spaces or commas (as placeholders render them). */
  stringList(key: string): string[] {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (typeof v === 'string') return isPlaceholder(v) ? [] : [...new Set(v.split(/[\s,]+/).filter(Boolean))];
    if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return [...new Set(v as string[])];
    this.fail(this.at(key), 'expected a list of strings or a space-separated string');
    return [];
  }

  /** A date in any format Date.parse reads (ISO-8601 with or without seconds, RFC 2822 ...); null when absent or unreadable. */
  date(key: string): Date | null {
    const v = this.raw(key);
    if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e12 ? v * 1000 : v);
    if (typeof v !== 'string' || !v.trim() || isPlaceholder(v)) {
      if (v !== undefined && v !== null && typeof v !== 'string') this.fail(this.at(key), 'expected a date string');
      return null;
    }
    const ms = Date.parse(v.trim());
    return Number.isNaN(ms) ? null : new Date(ms);
  }

  private at(key: string): string {
    return this.path === 'body' ? key : `${this.path}.${key}`;
  }
}

function isPlaceholder(value: string): boolean {
  return /^\s*\{\{[^}]*\}\}\s*$/.test(value);
}
