/** Maps the body of a Freshdesk automation rule's "Trigger webhook" action to a helpdesk event. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TicketStatus } from '../../tickets/ticket.entity';
import type { TicketEvent } from '../../tickets/ticket-event';
import { WebhookPayloadError, type HelpdeskEvent } from './webhook-event';
import {
  isJsonObject,
  parsePayload,
  payloadObject,
  payloadString,
  payloadStringList,
  payloadTicketId,
  satisfactionRating,
} from './payload-fields';

/**
 * The JSON body an admin sets on the rule's "Trigger webhook" action (content: JSON, advanced).
 * Freshdesk fills the placeholders when the rule runs; {{ticket.status}} renders the status name.
 */
export const FRESHDESK_WEBHOOK_BODY_TEMPLATE = `{
  "freshdesk_webhook": {
    "ticket_id": "{{ticket.id}}",
    "ticket_subject": "{{ticket.subject}}",
    "ticket_description": "{{ticket.description}}",
    "ticket_status": "{{ticket.status}}",
    "ticket_tags": "{{ticket.tags}}",
    "ticket_contact_email": "{{ticket.contact.email}}",
    "ticket_contact_name": "{{ticket.contact.name}}",
    "triggered_event": "{{triggered_event}}"
  }
}`;

export interface FreshdeskMapperOptions {
  /** Event time (Freshdesk bodies carry none); defaults to the current time. */
  readonly now?: () => Date;
}

/** Freshdesk's numeric statuses (2-5) and default status names; custom "Waiting on ..." statuses count as pending. */
const FRESHDESK_STATUSES: Record<string, TicketStatus> = {
  '2': 'open',
  '3': 'pending',
  '4': 'solved',
  '5': 'closed',
  open: 'open',
  pending: 'pending',
  resolved: 'solved',
  closed: 'closed',
  waiting_on_customer: 'pending',
  waiting_on_third_party: 'pending',
};

/** {{triggered_event}} of a rule fired by a private note, e.g. `{note_type:private}`. */
const PRIVATE_NOTE_EVENT = /note_type\W{0,3}:\W{0,3}private\b/i;

export function freshdeskStatus(value: string | number | null | undefined): TicketStatus | null {
  const key = String(value ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return FRESHDESK_STATUSES[key] ?? null;
}

/**
 * Resolved or closed -> 'status'; anything else -> 'ticket'. Freshdesk sends no event id, so the
 * dedupe key hashes the payload's canonical content: for a ticket event only what triage reads
 * (tag or status changes, the service's own write-back included, are then the same event).
 */
/** The fields of FRESHDESK_WEBHOOK_BODY_TEMPLATE (and the rating, when a rule adds it). */
const freshdeskFields = {
  ticket_id: payloadTicketId({ required: true }),
  ticket_subject: payloadString(),
  ticket_description: payloadString({ required: true }),
  ticket_status: oneOf('number', (v: number) => String(v), payloadString()),
  ticket_tags: oneOf('string', commaSeparatedTags, payloadStringList()),
  ticket_contact_email: payloadString(),
  ticket_contact_name: payloadString(),
  // Hints: a wrong value reads as none.
  triggered_event: z.unknown().transform((v) => (typeof v === 'string' ? v : '')),
  ticket_satisfaction: payloadString({ hint: true }),
};

/** The fields under `freshdesk_webhook`, as the template nests them, or at the top level. */
const freshdeskWrappedBody = payloadObject({ freshdesk_webhook: payloadObject(freshdeskFields) });
const freshdeskFlatBody = payloadObject(freshdeskFields);

/**
 * Resolved or closed -> 'status'; anything else -> 'ticket'. Freshdesk sends no event id, so the
 * dedupe key hashes the payload's canonical content: for a ticket event only what triage reads
 * (tag or status changes, the service's own write-back included, are then the same event).
 */
export function mapFreshdeskWebhook(body: unknown, opts: FreshdeskMapperOptions = {}): HelpdeskEvent {
  if (!isJsonObject(body)) throw new WebhookPayloadError(['body: expected a JSON object']);
  const fields =
    body.freshdesk_webhook === undefined
      ? parsePayload(freshdeskFlatBody, body)
      : parsePayload(freshdeskWrappedBody, body).freshdesk_webhook;
  const externalId = fields.ticket_id;
  const subject = fields.ticket_subject;
  const description = htmlToText(fields.ticket_description);
  const tags = fields.ticket_tags;
  const email = fields.ticket_contact_email;
  const name = fields.ticket_contact_name;

  // The description is the customer's text, whatever it quotes (the service's note marker included). The
  // service's own notes are private, and a rule fired by a private note names it in {{triggered_event}}.
  if (PRIVATE_NOTE_EVENT.test(fields.triggered_event)) return { kind: 'ignored', reason: 'private note' };
  const at = opts.now ? opts.now() : new Date();
  const rating = satisfactionRating(fields.ticket_satisfaction);
  if (rating) {
    const hash = canonicalHash({ kind: 'csat', rating, subject, description });
    return { kind: 'csat', source: 'freshdesk', externalId, rating, tags, at, dedupeKey: `freshdesk:${externalId}:${hash}` };
  }
  const status = freshdeskStatus(fields.ticket_status);
  if (status === 'solved' || status === 'closed') {
    const hash = canonicalHash({ kind: 'status', status, tags: [...tags].sort(), subject, description });
    return { kind: 'status', source: 'freshdesk', externalId, status, tags, at, dedupeKey: `freshdesk:${externalId}:${hash}` };
  }
  const requester = email || name ? { email: email || undefined, name: name || undefined } : null;
  const hash = canonicalHash({ kind: 'ticket', subject, description, requester });
  const event: TicketEvent = {
    source: 'freshdesk',
    externalId,
    subject,
    description,
    requester,
    tags,
    status,
    dedupeKey: `freshdesk:${externalId}:${hash}`,
  };
  return { kind: 'ticket', event };
}

/** A value of `type` read by `read`; any other, by `otherwise` (whose problems name the field). */
function oneOf<T, U, O>(type: 'number' | 'string', read: (value: T) => U, otherwise: z.ZodType<O, unknown>) {
  return z.unknown().transform((v, ctx): U | O => {
    if (typeof v === type) return read(v as T);
    const parsed = otherwise.safeParse(v);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, input: v });
    return z.NEVER;
  });
}

/** {{ticket.tags}} renders the tags separated by commas; a tag itself may hold spaces. */
function commaSeparatedTags(value: string): string[] {
  return [
    ...new Set(
      value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** SHA-256 of JSON with sorted keys, so the same content always hashes the same. */
function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Removes <tag ...>...</tag> blocks in one left-to-right pass (a lazy regex with a back-reference rescans the
 * rest of the text for every opening tag that is never closed: quadratic on hostile input). An unclosed block
 * runs to the end of the text, as a browser would read it.
 */
function stripBlocks(html: string, tag: 'script' | 'style'): string {
  const lower = html.toLowerCase();
  const open = `<${tag}`;
  const close = `</${tag}`;
  let out = '';
  let from = 0;
  for (;;) {
    const start = lower.indexOf(open, from);
    if (start < 0) return out + html.slice(from);
    const after = lower.charCodeAt(start + open.length);
    // "<scripts>" or "<styled>" are other tags.
    if (!(after === 62 || after === 47 || after === 32 || after === 9 || after === 10 || after === 13 || Number.isNaN(after))) {
      out += html.slice(from, start + open.length);
      from = start + open.length;
      continue;
    }
    out += html.slice(from, start);
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) return out;
    const gt = lower.indexOf('>', end + close.length);
    from = gt < 0 ? html.length : gt + 1;
  }
}

/** {{ticket.description}} is HTML; triage reads text. Plain text passes through unchanged. */
export function htmlToText(html: string): string {
  if (!/<[a-z!/][^>]*>/i.test(html)) return html;
  return stripBlocks(stripBlocks(html, 'script'), 'style')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
      if (code[0] === '#') {
        const n = code[1].toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
        return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
      }
      return ENTITIES[code.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
