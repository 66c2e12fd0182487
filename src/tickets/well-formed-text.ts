/**
 * Text that Postgres can store: JSON and text columns refuse lone UTF-16 surrogates, which JavaScript strings
 * (and JSON bodies with `\ud800` escapes) may carry. The API refuses such text (400); webhooks replace each
 * lone surrogate with U+FFFD so the customer's ticket is never lost for it.
 */
import { createHash } from 'node:crypto';
import { ValidateBy } from 'class-validator';

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
