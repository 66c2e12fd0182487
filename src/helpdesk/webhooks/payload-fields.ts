/**
 * Helpdesk bodies are read leniently, as helpdesks fill them: ids may be numbers or strings, tags a list or
 * one string, booleans "true"/"false", dates any format Date.parse reads, and a placeholder left unrendered
 * ("{{ticket.id}}") counts as missing; null is missing too. Each wrong field is one detail, named by its path.
 *
 * The fields are zod schemas (so a wrong body answers one detail per wrong field, by path). A body that reads
 * without a problem, which is nearly every delivery, is read by the same field readers directly: zod's
 * transforms and issue bookkeeping cost a webhook more than the rest of its mapping. `readPayload` falls back
 * to zod as soon as any field has a problem, so the details always come from zod.
 */
import { z } from 'zod';
import { isHelpdeskTicketId } from '../helpdesk-ticket-id';
import { WebhookPayloadError } from './webhook-event';

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
  const schema = z.unknown().transform((input, ctx): T => {
    const { value, problems = [] } = read(input);
    if (!opts.hint) for (const message of problems) ctx.addIssue({ code: 'custom', message, input });
    return value;
  });
  DIRECT_READERS.set(schema, (input) => {
    const { value, problems } = read(input);
    return !opts.hint && problems && problems.length > 0 ? PROBLEM : value;
  });
  return schema;
}

/** What a direct reader answers when the value has a problem: zod then reads the body, for its details. */
const PROBLEM: unique symbol = Symbol('problem');

/** A schema's value read without zod, or PROBLEM; the same value as zod's whenever zod finds no issue. */
type DirectReader = (input: unknown) => unknown;

/** The direct readers of the schemas built here (payloadField, payloadObject). */
const DIRECT_READERS = new WeakMap<z.ZodType, DirectReader>();

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
export function payloadStampedDate() {
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
  const schema = z.preprocess((v, ctx) => {
    if (!missing(v) && !isJsonObject(v) && !opts.hint) {
      ctx.addIssue({ code: 'custom', message: 'expected an object', input: v });
      return v;
    }
    if (missing(v) && opts.required) ctx.addIssue({ code: 'custom', message: 'required', input: v });
    const fields: JsonObject = isJsonObject(v) ? v : {};
    // Every field is read, absent ones as null (which every field reads as missing).
    return Object.fromEntries(keys.map((key) => [key, fields[key] ?? null]));
  }, z.object(shape));
  const readers = keys.map((key) => [key, DIRECT_READERS.get(shape[key] as z.ZodType)] as const);
  // Only a shape made of fields and objects built here reads directly.
  if (readers.every(([, reader]) => reader !== undefined)) {
    DIRECT_READERS.set(schema, (v) => {
      if (missing(v) ? opts.required : !isJsonObject(v) && !opts.hint) return PROBLEM;
      const fields: JsonObject = isJsonObject(v) ? v : {};
      const value: JsonObject = {};
      for (const [key, reader] of readers) {
        const field = reader!(fields[key] ?? null);
        if (field === PROBLEM) return PROBLEM;
        value[key] = field;
      }
      return value;
    });
  }
  return schema;
}

/** One detail per wrong field: `ticket.id: required`; the body itself is `body`. */
function payloadProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'body'}: ${issue.message}`);
}

/** Reads `body` with `schema`: its value, or the details of what is wrong. */
export function readPayload<T>(schema: z.ZodType<T>, body: unknown): { value?: T; problems: string[] } {
  const direct = DIRECT_READERS.get(schema)?.(body) ?? PROBLEM;
  if (direct !== PROBLEM) return { value: direct as T, problems: [] };
  const parsed = schema.safeParse(body);
  return parsed.success ? { value: parsed.data, problems: [] } : { problems: payloadProblems(parsed.error) };
}

/** Reads `body` with `schema`, or throws WebhookPayloadError (a 400) with a detail per wrong field. */
export function parsePayload<T>(schema: z.ZodType<T>, body: unknown): T {
  const { value, problems } = readPayload(schema, body);
  throwIfAny(problems);
  return value as T;
}

export function throwIfAny(problems: readonly string[]): void {
  if (problems.length) throw new WebhookPayloadError([...problems]);
}

/** {{satisfaction.current_rating}} renders e.g. "Good, I'm satisfied" or "Bad, I'm unsatisfied"; unrated is empty. */
export function satisfactionRating(value: string): 'good' | 'bad' | null {
  const v = value.trim().toLowerCase();
  if (/^(good|great|satisfied|positive|happy)\b/.test(v)) return 'good';
  if (/^(bad|poor|unsatisfied|dissatisfied|negative|unhappy)\b/.test(v)) return 'bad';
  return null;
}
