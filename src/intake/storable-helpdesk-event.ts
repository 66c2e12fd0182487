/**
 * What the intake does to a helpdesk's mapped event before storing it: its text and dates are made storable
 * (with the rules of src/tickets/well-formed-text.ts) rather than refused, so the customer's ticket is never lost.
 */
import type { HelpdeskEvent } from '../helpdesk/webhooks/webhook-event';
import { boundedDedupeKey, cutAtCodePoint, MAX_DESCRIPTION_CHARS, MAX_SUBJECT_CHARS, wellFormed } from '../tickets/well-formed-text';

function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map(wellFormedDeep) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormedDeep(v)])) as T;
  }
  return value;
}

export interface StorableOptions {
  readonly now: Date;
  /** A date further ahead of `now` than this is the sender's clock or a forged value: it becomes `now`. */
  readonly maxFutureSkewMs: number;
}

/**
 * A mapped webhook event made storable, never refused for its text: lone surrogates become U+FFFD, a subject
 * over 1,000 or a description or comment over 65,536 characters is cut (marked `truncated`), a date too far
 * ahead becomes now (a year-9999 updatedAt would otherwise make every later update look older), and an
 * over-long dedupe key (from a long event id or time) is hashed.
 */
export function storableHelpdeskEvent(event: HelpdeskEvent, opts: StorableOptions): HelpdeskEvent {
  if (event.kind === 'ignored') return event;
  const clean = wellFormedDeep(event);
  const latest = opts.now.getTime() + opts.maxFutureSkewMs;
  const clamp = <T extends Date | null | undefined>(d: T): T => (d && d.getTime() > latest ? (new Date(opts.now) as T) : d);
  if (clean.kind === 'ticket') {
    const e = clean.event;
    const subject = cutAtCodePoint(e.subject, MAX_SUBJECT_CHARS);
    const description = cutAtCodePoint(e.description, MAX_DESCRIPTION_CHARS);
    const truncated = subject !== e.subject || description !== e.description;
    return {
      kind: 'ticket',
      event: {
        ...e,
        subject,
        description,
        createdAt: clamp(e.createdAt),
        updatedAt: clamp(e.updatedAt),
        ...(e.dedupeKey ? { dedupeKey: boundedDedupeKey(e.dedupeKey) } : {}),
        ...(truncated ? { truncated } : {}),
      },
    };
  }
  const signal = { ...clean, at: clamp(clean.at), dedupeKey: boundedDedupeKey(clean.dedupeKey) };
  if (signal.kind !== 'comment') return signal;
  const body = cutAtCodePoint(signal.body, MAX_DESCRIPTION_CHARS);
  return body === signal.body ? signal : { ...signal, body, truncated: true };
}
