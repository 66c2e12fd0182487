/**
 * Text that Postgres can store: JSON and text columns refuse lone UTF-16 surrogates, which JavaScript strings
 * (and JSON bodies with `\ud800` escapes) may carry. The API refuses such text (400); webhooks replace each
 * lone surrogate with U+FFFD so the customer's ticket is never lost for it.
 */
import { createHash } from 'node:crypto';
import { ValidateBy } from 'class-validator';
import { DomainError } from '../platform/errors/domain-error';
import type { HelpdeskEvent } from './zendesk-webhook.mapper';

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

/**
 * A mapped webhook event made storable: lone surrogates become U+FFFD, an over-long dedupe key (from a long
 * event id or time) is hashed. A helpdesk ticket id over 200 characters is no helpdesk's: refused (400).
 */
export function storableHelpdeskEvent(event: HelpdeskEvent): HelpdeskEvent {
  if (event.kind === 'ignored') return event;
  const clean = wellFormedDeep(event);
  const externalId = clean.kind === 'ticket' ? clean.event.externalId : clean.externalId;
  if (externalId.length > MAX_EXTERNAL_ID_CHARS) {
    throw new DomainError(
      'WEBHOOK.INVALID_PAYLOAD',
      `Malformed webhook body: the ticket id has ${externalId.length} characters, at most ${MAX_EXTERNAL_ID_CHARS}`,
      [`ticket id: at most ${MAX_EXTERNAL_ID_CHARS} characters`],
    );
  }
  if (clean.kind === 'ticket') {
    return clean.event.dedupeKey ? { ...clean, event: { ...clean.event, dedupeKey: boundedDedupeKey(clean.event.dedupeKey) } } : clean;
  }
  return { ...clean, dedupeKey: boundedDedupeKey(clean.dedupeKey) };
}
