/** Zendesk webhook signatures: base64(HMAC-SHA256(secret, timestamp + raw body)). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EarlyAuthenticator } from '../../platform/auth/authenticate-first';

export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export interface ZendeskSignatureInput {
  readonly signature: string | null | undefined;
  /** The timestamp header exactly as received: it is signed as sent. */
  readonly timestamp: string | null | undefined;
  /** The request body bytes exactly as received, before any JSON parsing. */
  readonly rawBody: Buffer;
  readonly secret: string;
  readonly now?: Date;
  readonly toleranceSeconds?: number;
}

export type ZendeskSignatureResult = { ok: true } | { ok: false; reason: 'missing' | 'bad_signature' | 'stale_timestamp' };

export function signZendeskPayload(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(timestamp, 'utf8').update(rawBody).digest('base64');
}

/**
 * Checks the signature in constant time, then that the timestamp is within the tolerance of now
 * in either direction (a replayed or a far-future request is refused).
 */
export function verifyZendeskSignature(input: ZendeskSignatureInput): ZendeskSignatureResult {
  const { signature, timestamp, rawBody, secret } = input;
  if (!signature || !timestamp || !secret) return { ok: false, reason: 'missing' };

  const expected = Buffer.from(signZendeskPayload(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  // timingSafeEqual throws on different lengths; compare against itself to spend the same time.
  const sameLength = given.length === expected.length;
  const equal = timingSafeEqual(sameLength ? given : expected, expected) && sameLength;
  if (!equal) return { ok: false, reason: 'bad_signature' };

  const signedAt = parseSignatureTimestamp(timestamp);
  const now = (input.now ?? new Date()).getTime();
  const toleranceMs = (input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS) * 1000;
  if (signedAt === null || Math.abs(now - signedAt) > toleranceMs) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true };
}

/** Zendesk sends ISO-8601 (e.g. 2026-11-25T14:05:00Z); Unix seconds are accepted too. Milliseconds, or null. */
function parseSignatureTimestamp(value: string): number | null {
  const text = value.trim();
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** Why a Zendesk webhook was refused, as its 401 answer says. */
export const ZENDESK_REFUSALS: Record<Exclude<ZendeskSignatureResult, { ok: true }>['reason'], string> = {
  missing: 'missing signature headers',
  bad_signature: 'signature does not match',
  stale_timestamp: 'timestamp is more than 5 minutes from now',
};

export const ZENDESK_NOT_CONFIGURED = 'Zendesk webhooks are off: set ZENDESK_WEBHOOK_SECRET';

/** Zendesk webhooks: headers and secret checked first, then the signature over the raw body bytes, before any parsing. */
export function zendeskWebhookAuthenticator(prefix: string, secret: string | undefined): EarlyAuthenticator {
  return {
    prefix,
    headers(req) {
      if (!secret) return { ok: false, code: 'WEBHOOK.NOT_CONFIGURED', message: ZENDESK_NOT_CONFIGURED };
      if (!req.headers[ZENDESK_SIGNATURE_HEADER] || !req.headers[ZENDESK_TIMESTAMP_HEADER]) {
        return { ok: false, code: 'WEBHOOK.BAD_SIGNATURE', message: `Zendesk webhook refused: ${ZENDESK_REFUSALS.missing}` };
      }
      return 'body';
    },
    body(req, rawBody) {
      const signature = req.headers[ZENDESK_SIGNATURE_HEADER];
      const timestamp = req.headers[ZENDESK_TIMESTAMP_HEADER];
      const check = verifyZendeskSignature({
        signature: typeof signature === 'string' ? signature : undefined,
        timestamp: typeof timestamp === 'string' ? timestamp : undefined,
        rawBody,
        secret: secret ?? '',
      });
      if (check.ok) return check;
      return { ok: false, code: 'WEBHOOK.BAD_SIGNATURE', message: `Zendesk webhook refused: ${ZENDESK_REFUSALS[check.reason]}` };
    },
  };
}
