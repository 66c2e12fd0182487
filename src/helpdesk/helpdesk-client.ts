/** What the write-back needs from a helpdesk, and the HTTP plumbing every helpdesk client shares. */
import type { Helpdesk } from '../platform/queue/helpdesks';

export interface HelpdeskClient {
  readonly helpdesk: Helpdesk;
  /** Adds tags, keeping the ones the ticket already has. */
  addTags(ticketId: string, tags: string[]): Promise<void>;
  /**
   * Makes the ticket's service tags (those `isServiceTag` holds for) exactly `tags`: adds the missing ones and
   * removes the others, reading the ticket's current tags, so tags an agent added or removed are seen. Every
   * other tag stays. Safe to repeat.
   */
  setServiceTags(ticketId: string, tags: string[], isServiceTag: (tag: string) => boolean): Promise<void>;
  /** Adds a note that only agents see. */
  addPrivateNote(ticketId: string, body: string): Promise<void>;
  /** True when a comment or note of the ticket contains the marker (the note was written before). */
  hasNoteWithMarker(ticketId: string, marker: string): Promise<boolean>;
}

export const DEFAULT_HELPDESK_TIMEOUT_MS = 10_000;

/** One request to a helpdesk API; `path` is relative to the client's base URL. */
export interface HelpdeskRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

export interface HelpdeskResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or null for an empty body. */
  readonly data: unknown;
}

/** Options every helpdesk client takes besides its credentials. */
export interface HelpdeskHttpOptions {
  /** Per request; a request that takes longer fails with a retryable HelpdeskHttpError. */
  readonly timeoutMs?: number;
  /** When set, requests are logged through it and never sent (GETs answer as if empty). */
  readonly dryRunLog?: (line: object) => void;
  /** For tests: replaces the global fetch. */
  readonly fetch?: typeof fetch;
}

export interface HelpdeskHttpErrorInit {
  readonly helpdesk: Helpdesk;
  readonly method: string;
  readonly path: string;
  /** HTTP status, or 0 for a timeout or a network error. */
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly detail?: string;
  readonly cause?: unknown;
}

/** A helpdesk call that failed; `retryable` tells the write-back job whether another attempt can succeed. */
export class HelpdeskHttpError extends Error {
  readonly helpdesk: Helpdesk;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly retryable: boolean;

  constructor(init: HelpdeskHttpErrorInit) {
    const what = init.status === 0 ? 'no response' : `HTTP ${init.status}`;
    super(`${init.helpdesk} ${init.method} ${init.path}: ${what}${init.detail ? ` (${init.detail})` : ''}`, {
      cause: init.cause,
    });
    this.name = 'HelpdeskHttpError';
    this.helpdesk = init.helpdesk;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.retryable = isRetryableStatus(init.status);
  }
}

/** 429, 5xx and no response at all are worth another attempt; 409 is Zendesk's "updated concurrently". */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 409 || status === 429 || status >= 500;
}

/** Retry-After as whole seconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP date names its weekday and month; this keeps Date.parse from reading "-5" as a year.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

const MAX_ERROR_DETAIL = 300;

/** JSON over HTTP with auth, a timeout per request and errors mapped to HelpdeskHttpError. */
export class HelpdeskHttp {
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(
    private readonly helpdesk: Helpdesk,
    baseUrl: string,
    private readonly authorization: string,
    private readonly options: HelpdeskHttpOptions = {},
  ) {
    this.baseUrl = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_HELPDESK_TIMEOUT_MS;
    this.fetchFn = options.fetch ?? fetch;
  }

  /**
   * A path relative to the base URL for a link the API returned (a next page).
   * Only the path and query are kept, so credentials never go to another host.
   */
  relativePath(link: string): string {
    const url = new URL(link, this.baseUrl);
    const basePath = this.baseUrl.pathname.replace(/\/$/, '');
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : url.pathname;
    return `${path}${url.search}`;
  }

  async request(req: HelpdeskRequest): Promise<HelpdeskResponse> {
    if (this.options.dryRunLog) {
      this.options.dryRunLog({ msg: 'helpdesk dry run', helpdesk: this.helpdesk, ...req });
      return { status: 200, headers: new Headers(), data: null };
    }
    const url = new URL(req.path.replace(/^\//, ''), this.baseUrl);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (req.body !== undefined) headers['content-type'] = 'application/json';

    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      text = await res.text();
    } catch (err) {
      // By name, not instanceof: fetch's errors may come from another realm (test runners, workers).
      const name = errorName(err);
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      // fetch rejects with a TypeError when the network fails; anything else (e.g. from an injected fetch) is not ours to classify.
      if (!timedOut && name !== 'TypeError') throw err;
      throw new HelpdeskHttpError({
        helpdesk: this.helpdesk,
        method: req.method,
        path: req.path,
        status: 0,
        detail: timedOut ? `timed out after ${this.timeoutMs} ms` : describeNetworkError(err),
        cause: err,
      });
    }

    if (!res.ok) {
      throw new HelpdeskHttpError({
        helpdesk: this.helpdesk,
        method: req.method,
        path: req.path,
        status: res.status,
        retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after')),
        detail: text.slice(0, MAX_ERROR_DETAIL) || undefined,
      });
    }
    return { status: res.status, headers: res.headers, data: parseJson(text) };
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function errorName(err: unknown): unknown {
  return (err as { name?: unknown } | null)?.name;
}

function describeNetworkError(err: unknown): string {
  const { message, cause } = asRecord(err);
  const causeMessage = asRecord(cause).message;
  return `${String(message ?? err)}${typeof causeMessage === 'string' ? `: ${causeMessage}` : ''}`;
}

/** A JSON value as a plain object, or an empty one: helpdesk answers are read defensively. */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Appends tags the list does not hold yet, in order, without duplicates. */
export function mergeTags(current: readonly string[], added: readonly string[]): string[] {
  const merged = [...new Set(current)];
  for (const tag of added) if (!merged.includes(tag)) merged.push(tag);
  return merged;
}

/**
 * A ticket's tags from a helpdesk answer (`{"tags": [...]}`, strings only) and those of its service tags the new
 * list lacks: the tags a re-triage removes.
 */
export function serviceTagChange(
  data: unknown,
  wanted: readonly string[],
  isServiceTag: (tag: string) => boolean,
): { current: string[]; stale: string[] } {
  const tags = asRecord(data).tags;
  const current = Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  return { current, stale: [...new Set(current.filter((tag) => isServiceTag(tag) && !wanted.includes(tag)))] };
}

/** A ticket id as one URL path segment. */
export function ticketPath(ticketId: string): string {
  return encodeURIComponent(ticketId);
}

/** Upper bound on pages read when looking for a marker, so a looping `next_page` cannot hang a job. */
export const MAX_PAGES = 100;
