/**
 * Maps Zendesk webhook bodies to helpdesk events. Two kinds arrive at the same endpoint:
 * the body of a trigger-connected webhook (ZENDESK_TRIGGER_BODY_TEMPLATE, pasted by an admin)
 * and the envelope of an event-subscription webhook (`type: "zen:event-type:ticket.*"`).
 */
import type { z } from 'zod';
import { isHelpdeskTicketId } from '../helpdesk-ticket-id';
import type { TicketStatus } from '../../tickets/ticket.entity';
import { contentHash, TicketEvent } from '../../tickets/ticket-event';
import {
  isJsonObject,
  JsonObject,
  parsePayload,
  payloadBoolean,
  payloadDate,
  payloadId,
  payloadObject,
  payloadStampedDate,
  payloadString,
  payloadStringList,
  payloadTicketId,
  readPayload,
  satisfactionRating,
  throwIfAny,
} from './payload-fields';
import { WebhookPayloadError, type HelpdeskEvent } from './webhook-event';

export { satisfactionRating };

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
  if (!isJsonObject(body)) throw new WebhookPayloadError(['body: expected a JSON object']);
  if (typeof body.type === 'string' && body.type.startsWith(EVENT_TYPE_PREFIX)) return mapEventSubscription(body, opts);
  if (body.ticket !== undefined) {
    return body.event === 'satisfaction' ? mapSatisfaction(body, opts) : mapTrigger(body, opts);
  }
  throw new WebhookPayloadError(['body: expected a Zendesk event ("type": "zen:event-type:...") or the trigger body ({"ticket": {...}})']);
}

// --- event-subscription webhooks ------------------------------------------------------------
// An event is read in steps, each refusing the body with the problems found so far: the envelope and the
// ticket id; then, by event type, the fields that type needs. Fields a type does not need are not checked.

const hint = { hint: true } as const;

/** What every ticket event carries: its id and time, the ticket (`detail`) and the change (`event`). */
const zendeskEventEnvelope = payloadObject({
  id: payloadId({ required: true }),
  time: payloadDate(),
  detail: payloadObject({}, { required: true }),
  event: payloadObject({}),
});

/** Read after the envelope (a wrong `detail` or `event` is already a problem there). */
const eventDetail = <S extends z.ZodRawShape>(shape: S) => payloadObject({ detail: payloadObject(shape, hint) });
const eventChange = <S extends z.ZodRawShape>(shape: S) => payloadObject({ event: payloadObject(shape, hint) });

const zendeskEventTicketId = eventDetail({ id: payloadTicketId() });
/** The change's time when the envelope has none, and its author. */
const zendeskEventUpdatedAt = eventDetail({ updated_at: payloadDate() });
const zendeskEventActor = eventDetail({ actor_id: payloadId() });

const zendeskTicketChange = eventDetail({
  subject: payloadString(),
  description: payloadString({ required: true }),
  tags: payloadStringList(),
  status: payloadString(),
  created_at: payloadDate(),
  updated_at: payloadDate(),
});

const zendeskCommentPresent = eventChange({ comment: payloadObject({}, { required: true }) });
const zendeskComment = eventChange({
  comment: payloadObject(
    { id: payloadId({ required: true }), body: payloadString(), is_public: payloadBoolean(), author: payloadObject({}) },
    hint,
  ),
});
const zendeskCommentAuthor = eventChange({ comment: payloadObject({ author: payloadObject({ id: payloadId() }, hint) }, hint) });

const zendeskStatusChange = eventChange({ current: payloadString({ required: true }) });

/** Fields read as hints: a wrong value there reads as missing, and refuses nothing. */
const zendeskEventHints = payloadObject(
  {
    detail: payloadObject(
      {
        updated_at: payloadDate(hint),
        actor_id: payloadId(hint),
        requester_id: payloadId(hint),
        description: payloadString(hint),
        tags: payloadStringList(hint),
      },
      hint,
    ),
    event: payloadObject(
      { previous: payloadString(hint), comment: payloadObject({ author: payloadObject({ is_staff: payloadBoolean(hint) }, hint) }, hint) },
      hint,
    ),
  },
  hint,
);

function mapEventSubscription(root: JsonObject, opts: ZendeskMapperOptions): HelpdeskEvent {
  const type = String(root.type).slice(EVENT_TYPE_PREFIX.length);
  if (!type.startsWith('ticket.')) return { kind: 'ignored', reason: `not a ticket event: ${type}` };

  const envelope = readPayload(zendeskEventEnvelope, root);
  const ticketId = readPayload(zendeskEventTicketId, root);
  const problems = [...envelope.problems, ...ticketId.problems];
  const externalId = ticketId.value?.detail.id || ticketIdFromSubject(root, problems);
  if (!externalId) problems.push('detail.id: expected the ticket id');
  throwIfAny(problems);
  const { id: eventId, time } = envelope.value!;
  const hints = parsePayload(zendeskEventHints, root);

  const dedupeKey = `zendesk:evt:${eventId}`;
  const at = time ?? hints.detail.updated_at ?? now(opts);
  // Problems of the time and author refuse the event only with those of its type's own fields.
  const pending = [...(time ? [] : readPayload(zendeskEventUpdatedAt, root).problems), ...readPayload(zendeskEventActor, root).problems];
  if (opts.ownUserId && hints.detail.actor_id === opts.ownUserId) return { kind: 'ignored', reason: 'event by the service user' };

  switch (type) {
    case 'ticket.created':
    case 'ticket.subject_changed':
    case 'ticket.description_changed': {
      const change = readPayload(zendeskTicketChange, root);
      throwIfAny([...new Set([...pending, ...change.problems])]);
      const { detail } = change.value!;
      const event: TicketEvent = {
        source: 'zendesk',
        externalId,
        subject: detail.subject,
        description: detail.description,
        tags: detail.tags,
        status: zendeskStatus(detail.status),
        createdAt: detail.created_at,
        updatedAt: detail.updated_at ?? at,
        dedupeKey,
      };
      return { kind: 'ticket', event };
    }
    case 'ticket.comment_added':
      throwIfAny([...pending, ...readPayload(zendeskCommentPresent, root).problems]);
      return mapCommentAdded(root, hints, { externalId, at, dedupeKey }, opts);
    case 'ticket.status_changed': {
      const change = readPayload(zendeskStatusChange, root);
      throwIfAny([...pending, ...change.problems]);
      const { current } = change.value!.event;
      const status = zendeskStatus(current);
      if (!status) return { kind: 'ignored', reason: `status not tracked: ${current}` };
      return {
        kind: 'status',
        source: 'zendesk',
        externalId,
        status,
        previousStatus: zendeskStatus(hints.event.previous),
        tags: hints.detail.tags,
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
  root: JsonObject,
  hints: z.output<typeof zendeskEventHints>,
  base: { externalId: string; at: Date; dedupeKey: string },
  opts: ZendeskMapperOptions,
): HelpdeskEvent {
  const { id: commentId, body, is_public: isPublic } = parsePayload(zendeskComment, root).event.comment;
  const authorId = parsePayload(zendeskCommentAuthor, root).event.comment.author.id;

  // A note is the service's own by its author and its marker together: a customer may quote the marker.
  if (opts.ownUserId && authorId === opts.ownUserId) {
    return { kind: 'ignored', reason: body.includes(opts.noteMarkerPrefix) ? 'the service’s own note' : 'comment by the service user' };
  }
  if (isPublic === false) return { kind: 'ignored', reason: 'private comment' };
  const requesterId = hints.detail.requester_id;
  if (requesterId ? authorId !== requesterId : hints.event.comment.author.is_staff === true) {
    return { kind: 'ignored', reason: 'comment not from the requester' };
  }
  // The ticket's first comment arrives as comment_added too; ticket.created already carries it.
  if (body.trim() && body.trim() === hints.detail.description.trim()) {
    return { kind: 'ignored', reason: 'first comment of the ticket' };
  }
  if (!body.trim()) return { kind: 'ignored', reason: 'empty comment' };
  return { kind: 'comment', source: 'zendesk', ...base, commentId, body };
}

/** The ticket id of an event's `subject` (`zen:ticket:123`), read when `detail` names none. */
function ticketIdFromSubject(root: JsonObject, problems: string[]): string {
  const subject = readPayload(payloadObject({ subject: payloadString() }), root);
  problems.push(...subject.problems);
  const id = /^zen:ticket:(\d+)$/.exec(subject.value?.subject ?? '')?.[1] ?? '';
  return isHelpdeskTicketId(id) ? id : '';
}

// --- trigger-connected webhooks -------------------------------------------------------------

/** The body of ZENDESK_TRIGGER_BODY_TEMPLATE: first its two objects, then their fields. */
const zendeskTriggerEnvelope = payloadObject({
  event: payloadString(),
  ticket: payloadObject({}, { required: true }),
  current_user: payloadObject({}),
});

const zendeskTriggerBody = payloadObject({
  ticket: payloadObject(
    {
      id: payloadTicketId({ required: true }),
      title: payloadString(),
      description: payloadString({ required: true }),
      status: payloadString(),
      tags: payloadStringList(),
      requester_email: payloadString(),
      requester_name: payloadString(),
      requester_first_name: payloadString(),
      updated_at: payloadStampedDate(),
      created_at: payloadDate(),
    },
    { hint: true },
  ),
  current_user: payloadObject({ id: payloadId(), email: payloadString() }, { hint: true }),
});

function mapTrigger(root: JsonObject, opts: ZendeskMapperOptions): HelpdeskEvent {
  parsePayload(zendeskTriggerEnvelope, root);
  const { ticket, current_user: currentUser } = parsePayload(zendeskTriggerBody, root);
  const { id: externalId, title: subject, description, tags } = ticket;
  const requester = {
    email: ticket.requester_email || undefined,
    name: ticket.requester_name || undefined,
    firstName: ticket.requester_first_name || undefined,
  };
  const byServiceUser =
    (opts.ownUserId && currentUser.id === opts.ownUserId) ||
    (opts.ownEmail && currentUser.email.toLowerCase() === opts.ownEmail.toLowerCase());
  if (byServiceUser) return { kind: 'ignored', reason: 'update by the service user' };

  const status = zendeskStatus(ticket.status);
  if (status === 'solved' || status === 'closed') {
    return {
      kind: 'status',
      source: 'zendesk',
      externalId,
      status,
      tags,
      at: ticket.updated_at.date ?? now(opts),
      // The same delivery twice has one key; solving again later has a later updated_at.
      dedupeKey: `zendesk:trg:${externalId}:status:${status}:${ticket.updated_at.raw || contentHash(tags.join(' '))}`,
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
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at.date,
    // Triggers fire on every update (assignee, tags, the service's own write-back): only new content
    // is a new event, so the key hashes the content rather than updated_at.
    dedupeKey: `zendesk:trg:${externalId}:${contentHash(subject, description)}`,
  };
  return { kind: 'ticket', event };
}

/** The body of the "satisfaction rated" trigger (ZENDESK_SATISFACTION_BODY_TEMPLATE). */
const zendeskSatisfactionEnvelope = payloadObject({ ticket: payloadObject({}, { required: true }) });

const zendeskSatisfactionBody = payloadObject({
  ticket: payloadObject(
    { id: payloadTicketId({ required: true }), satisfaction: payloadString(), tags: payloadStringList(), updated_at: payloadStampedDate() },
    { hint: true },
  ),
});

function mapSatisfaction(root: JsonObject, opts: ZendeskMapperOptions): HelpdeskEvent {
  parsePayload(zendeskSatisfactionEnvelope, root);
  const { ticket } = parsePayload(zendeskSatisfactionBody, root);
  const { id: externalId, satisfaction: raw, tags } = ticket;
  const rating = satisfactionRating(raw);
  if (!rating) return { kind: 'ignored', reason: `no satisfaction rating: ${raw || 'unoffered'}` };
  return {
    kind: 'csat',
    source: 'zendesk',
    externalId,
    rating,
    tags,
    at: ticket.updated_at.date ?? now(opts),
    dedupeKey: `zendesk:trg:${externalId}:csat:${rating}:${ticket.updated_at.raw || 'once'}`,
  };
}

// --- shared helpers ---------------------------------------------------------------------------

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
  const key = (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return ZENDESK_STATUSES[key] ?? null;
}

function now(opts: { now?: () => Date }): Date {
  return opts.now ? opts.now() : new Date();
}
