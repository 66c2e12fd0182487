import { createHmac } from 'node:crypto';
import { signZendeskPayload, verifyZendeskSignature } from './zendesk-signature';

const secret = 'dGhpcyBpcyBhIHNlY3JldA==';
const now = new Date('2026-11-25T14:00:00Z');
const timestamp = '2026-11-25T14:00:00Z';
const rawBody = Buffer.from('{"ticket":{"id":"35436","title":"Backup stuck"}}', 'utf8');

const signed = (overrides: Partial<Parameters<typeof verifyZendeskSignature>[0]> = {}) =>
  verifyZendeskSignature({ signature: signZendeskPayload(secret, timestamp, rawBody), timestamp, rawBody, secret, now, ...overrides });

describe('verifyZendeskSignature', () => {
  it('accepts a body signed with the secret', () => {
    expect(signed()).toEqual({ ok: true });
  });

  it('signs base64(HMAC-SHA256(secret, timestamp + body)) with no separator', () => {
    const expected = createHmac('sha256', secret)
      .update(`${timestamp}${rawBody.toString('utf8')}`)
      .digest('base64');
    expect(signZendeskPayload(secret, timestamp, rawBody)).toBe(expected);
  });

  it('refuses a signature made with another secret', () => {
    expect(signed({ signature: signZendeskPayload('other', timestamp, rawBody) })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a tampered body', () => {
    expect(signed({ rawBody: Buffer.from(rawBody.toString().replace('35436', '35437')) })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a signature of another length or garbage without throwing', () => {
    expect(signed({ signature: 'abc' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signed({ signature: 'x'.repeat(200) })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('says what is missing', () => {
    expect(signed({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(signed({ signature: '' })).toEqual({ ok: false, reason: 'missing' });
    expect(signed({ timestamp: null })).toEqual({ ok: false, reason: 'missing' });
    expect(signed({ secret: '' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a timestamp further than the tolerance from now, in either direction', () => {
    const at = (iso: string) => ({ timestamp: iso, signature: signZendeskPayload(secret, iso, rawBody) });
    expect(signed(at('2026-11-25T13:54:59Z'))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(signed(at('2026-11-25T14:05:01Z'))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(signed(at('2026-11-25T13:55:00Z'))).toEqual({ ok: true });
    expect(signed(at('2026-11-25T14:05:00Z'))).toEqual({ ok: true });
    expect(signed({ ...at('2026-11-25T13:59:00Z'), toleranceSeconds: 30 })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses an unreadable timestamp even when signed', () => {
    expect(signed({ timestamp: 'yesterday', signature: signZendeskPayload(secret, 'yesterday', rawBody) })).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('signs the raw bytes: non-ASCII text and its re-encodings differ', () => {
    const body = Buffer.from('{"description":"Sauvegarde bloquée — «Estimation…» 💾"}', 'utf8');
    const signature = signZendeskPayload(secret, timestamp, body);
    expect(signed({ rawBody: body, signature })).toEqual({ ok: true });
    const latin1 = Buffer.from(body.toString('utf8'), 'latin1');
    expect(signed({ rawBody: latin1, signature })).toEqual({ ok: false, reason: 'bad_signature' });
    const escaped = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))).replace(/é/g, '\\u00e9'), 'utf8');
    expect(signed({ rawBody: escaped, signature })).toEqual({ ok: false, reason: 'bad_signature' });
  });
});
