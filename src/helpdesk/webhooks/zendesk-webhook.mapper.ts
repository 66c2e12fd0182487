/**
 * Maps Zendesk webhook bodies to helpdesk events. Two kinds arrive at the same endpoint:
 * the body of a trigger-connected webhook (ZENDESK_TRIGGER_BODY_TEMPLATE, pasted by an admin)
 * and the envelope of an event-subscription webhook (`type: "zen:event-type:ticket.*"`).
 */
import { z } from 'zod';
import { isHelpdeskTicketId } from '../helpdesk-ticket-id';
import type { TicketStatus } from '../../tickets/ticket.entity';
import { contentHash, TicketEvent } from '../../tickets/ticket-event';
import { WebhookPayloadError, type HelpdeskEvent } from './webhook-event';

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
  const key = (value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return ZENDESK_STATUSES[key] ?? null;
}

function now(opts: { now?: () => Date }): Date {
  return opts.now ? opts.now() : new Date();
}

// --- payload schemas ------------------------------------------------------------------------------
// Helpdesk bodies are read leniently, as helpdesks fill them: ids may be numbers or strings, tags a list or
// one string, booleans "true"/"false", dates any format Date.parse reads, and a placeholder left unrendered
// ("{{ticket.id}}") counts as missing; null is missing too. Each wrong field is one detail, named by its path.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPlaceholder(value: string): boolean {
  return /^\s*\{\{[^}]*\}\}\s*$/.test(value);
}

/** `required`: missing is a problem. `hint`: a field read only as a hint, where a wrong value reads as missing. */
interface FieldOptions {
  readonly required?: boolean;
  readonly hint?: boolean;
}

/** A field read by `read`, which answers its value and, for a wrong one, a problem (the value is then a fallback). */
function payloadField<T>(read: (value: unknown) => { value: T; problems?: string[] }, opts: FieldOptions) {
  return z.unknown().transform((input, ctx): T => {
    const { value, problems = [] } = read(input);
    if (!opts.hint) for (const message of problems) ctx.addIssue({ code: 'custom', message, input });
    return value;
  });
}

const missing = (value: unknown): value is null | undefined => value === undefined || value === null;

/** A string; a placeholder is empty. */
export function payloadString(opts: FieldOptions = {}) {
  return payloadField((v) => {
    if (missing(v)) return { value: '', problems: opts.required ? ['required'] : [] };
    if (typeof v !== 'string') return { value: '', problems: ['expected a string'] };
    return { value: isPlaceholder(v) ? '' : v };
  }, opts);
}

function readId(v: unknown, required: boolean): { value: string; problems?: string[] } {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return { value: String(v) };
  if (typeof v === 'string' && v.trim() && !isPlaceholder(v)) return { value: v.trim() };
  if (missing(v) || v === '' || (typeof v === 'string' && (isPlaceholder(v) || !v.trim())))
    return { value: '', problems: required ? ['required'] : [] };
  return { value: '', problems: ['expected an id (string or integer)'] };
}

/** A non-empty id, given as a string or an integer. */
export function payloadId(opts: FieldOptions = {}) {
  return payloadField((v) => readId(v, opts.required ?? false), opts);
}

/** A helpdesk ticket id: a positive integer, as a number or a string of up to 20 digits. */
export function payloadTicketId(opts: FieldOptions = {}) {
  return payloadField((v) => {
    const id = readId(v, opts.required ?? false);
    if (!id.value || isHelpdeskTicketId(id.value)) return id;
    return { value: '', problems: ['expected a ticket id: a positive integer of up to 20 digits'] };
  }, opts);
}

/** true or false, also as the strings "true" and "false". */
export function payloadBoolean(opts: FieldOptions = {}) {
  return payloadField((v): { value: boolean | undefined; problems?: string[] } => {
    if (missing(v)) return { value: undefined };
    if (typeof v === 'boolean') return { value: v };
    if (v === 'true' || v === 'false') return { value: v === 'true' };
    return { value: undefined, problems: ['expected a boolean'] };
  }, opts);
}

/** Tags as a list of strings, or one string separated by spaces or commas (as placeholders render them). */
export function payloadStringList(opts: FieldOptions = {}) {
  return payloadField((v): { value: string[]; problems?: string[] } => {
    if (missing(v)) return { value: [] };
    if (typeof v === 'string') return { value: isPlaceholder(v) ? [] : [...new Set(v.split(/[\s,]+/).filter(Boolean))] };
    if (Array.isArray(v) && v.every((t) => typeof t === 'string')) return { value: [...new Set(v as string[])] };
    return { value: [], problems: ['expected a list of strings or a space-separated string'] };
  }, opts);
}

function readDate(v: unknown): { value: Date | null; problems?: string[] } {
  if (typeof v === 'number' && Number.isFinite(v)) return { value: new Date(v < 1e12 ? v * 1000 : v) };
  if (typeof v !== 'string' || !v.trim() || isPlaceholder(v)) {
    return { value: null, problems: !missing(v) && typeof v !== 'string' ? ['expected a date string'] : [] };
  }
  const ms = Date.parse(v.trim());
  return { value: Number.isNaN(ms) ? null : new Date(ms) };
}

/** A date in any format Date.parse reads (ISO-8601 with or without seconds, RFC 2822 ...); null when absent or unreadable. */
export function payloadDate(opts: FieldOptions = {}) {
  return payloadField(readDate, opts);
}

/** A date that also keys an event by its text (`updated_at` of trigger bodies), so it must be a string. */
function payloadStampedDate() {
  return payloadField((v) => {
    const raw = missing(v) ? '' : typeof v === 'string' ? (isPlaceholder(v) ? '' : v) : undefined;
    const date = readDate(v);
    return {
      value: { raw: raw ?? '', date: date.value },
      problems: [...(raw === undefined ? ['expected a string'] : []), ...(date.problems ?? [])],
    };
  }, {});
}

/**
 * A JSON object with these fields (others are ignored); missing or null is an empty object, a problem only
 * when required. A wrong object stops there: its fields are not read (a hint reads it as empty).
 */
export function payloadObject<S extends z.ZodRawShape>(shape: S, opts: FieldOptions = {}) {
  const keys = Object.keys(shape);
  return z.preprocess((v, ctx) => {
    if (!missing(v) && !isJsonObject(v) && !opts.hint) {
      ctx.addIssue({ code: 'custom', message: 'expected an object', input: v });
      return v;
    }
    if (missing(v) && opts.required) ctx.addIssue({ code: 'custom', message: 'required', input: v });
    const fields: JsonObject = isJsonObject(v) ? v : {};
    // Every field is read, absent ones as null (which every field reads as missing).
    return Object.fromEntries(keys.map((key) => [key, fields[key] ?? null]));
  }, z.object(shape));
}

/** One detail per wrong field: `ticket.id: required`; the body itself is `body`. */
function payloadProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`);
}

/** Reads `body` with `schema`: its value, or the details of what is wrong. */
export function readPayload<T>(schema: z.ZodType<T>, body: unknown): { value?: T; problems: string[] } {
  const parsed = schema.safeParse(body);
  return parsed.success ? { value: parsed.data, problems: [] } : { problems: payloadProblems(parsed.error) };
}

/** Reads `body` with `schema`, or throws WebhookPayloadError (a 400) with a detail per wrong field. */
export function parsePayload<T>(schema: z.ZodType<T>, body: unknown): T {
  const { value, problems } = readPayload(schema, body);
  throwIfAny(problems);
  return value as T;
}

function throwIfAny(problems: readonly string[]): void {
  if (problems.length) throw new WebhookPayloadError([...problems]);
}
