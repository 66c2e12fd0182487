/**
 * Text that Postgres can store: JSON and text columns refuse lone UTF-16 surrogates, which JavaScript strings
 * (and JSON bodies with `\ud800` escapes) may carry. The API refuses such text (400); webhooks replace each
 * lone surrogate with U+FFFD so the customer's ticket is never lost for it.
 */
import { createHash } from 'node:crypto';
import { ValidateBy } from 'class-validator';
import type { HelpdeskEvent } from './webhook-event';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** The longest ticket id of a calling system or helpdesk (tickets.external_id is varchar(200)). */
export const MAX_EXTERNAL_ID_CHARS = 200;

/** The width of inbox and signal dedupe keys (varchar(300)). */
export const MAX_DEDUPE_KEY_CHARS = 300;

export function hasLoneSurrogate(value: string): boolean {
  return LONE_SURROGATE.test(value);
}

/** class-validator rule: a string (or, with `each`, every string of a list) holds no lone surrogate. */
export function IsWellFormedText(options: { each?: boolean } = {}) {
  return ValidateBy(
    {
      name: 'isWellFormedText',
      validator: {
        validate: (value) => typeof value !== 'string' || !hasLoneSurrogate(value),
        defaultMessage: (args) => `${args?.property} must be valid Unicode text (it holds a lone surrogate)`,
      },
    },
    options,
  );
}

/** The string with every lone surrogate replaced by U+FFFD. */
export function wellFormed(value: string): string {
  return hasLoneSurrogate(value) ? value.replace(LONE_SURROGATES, '\uFFFD') : value;
}

/** True when any string in a JSON-like value (keys included) holds a lone surrogate. */
export function containsLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return hasLoneSurrogate(value);
  if (Array.isArray(value)) return value.some(containsLoneSurrogate);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => hasLoneSurrogate(k) || containsLoneSurrogate(v));
  }
  return false;
}

function wellFormedDeep<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (Array.isArray(value)) return value.map(wellFormedDeep) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormedDeep(v)])) as T;
  }
  return value;
}

/** A dedupe key that fits its column: a longer one keeps its start and ends in a hash of the whole. */
export function boundedDedupeKey(key: string): string {
  if (key.length <= MAX_DEDUPE_KEY_CHARS) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, MAX_DEDUPE_KEY_CHARS - hash.length - 3)}:#:${hash}`;
}

/** The longest description or comment any source may store (the API refuses longer ones). */
export const MAX_DESCRIPTION_CHARS = 65_536;
export const MAX_SUBJECT_CHARS = 1_000;

/** The first `max` UTF-16 units of a well-formed string, one fewer rather than half a surrogate pair. */
export function cutAtCodePoint(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
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
