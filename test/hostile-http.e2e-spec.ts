import { ApiKeyService } from '../src/platform/auth/api-key.service';
import type { Scope } from '../src/platform/auth/api-key.entity';
import { signZendeskPayload } from '../src/helpdesk/webhooks/zendesk-signature';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, suiteApp, uniqueId } from './support/test-app';

const ZENDESK_SECRET = 'zendesk-signing-secret-hostile-tests';
const FRESHDESK_TOKEN = 'freshdesk-webhook-token-hostile-0123';

/** Every error answer has exactly the contract's shape. */
function expectErrorShape(body: unknown): void {
  expect(body).toEqual({ error: expect.any(Object) });
  const error = (body as { error: Record<string, unknown> }).error;
  expect(Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(error.code).toEqual(expect.any(String));
  expect(error.message).toEqual(expect.any(String));
}

describe('hostile HTTP input', () => {
  const suite = suiteApp({ ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET, FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN });
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

  const postRaw = (raw: string | Buffer, contentType = 'application/json') =>
    suite.app.http().post('/v1/tickets').set(auth).set('Content-Type', contentType).send(raw);
  const getTicket = (ref: string) =>
    suite.app
      .http()
      .get(`/v1/tickets/${encodeURIComponent(ref)}`)
      .set(auth);

  /** The server still answers a normal request after a hostile one. */
  async function expectStillServing(): Promise<void> {
    await suite.app.http().get('/health/live').expect(200);
    await suite.app.http().post('/v1/tickets').set(auth).send(makeTicket()).expect(202);
  }

  describe('body size and content type', () => {
    it('413 for a body over 1 MiB, and keeps serving', async () => {
      const res = await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ description: 'a'.repeat(1024 * 1024 + 1) }));
      expect(res.status).toBe(413);
      expectErrorShape(res.body);
      await expectStillServing();
    });

    it.each([
      ['text/plain', 'externalId=1&description=x'],
      ['application/x-www-form-urlencoded', 'externalId=1&description=x'],
      ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="externalId"\r\n\r\n1\r\n--XyZ--\r\n'],
      ['application/xml', '<ticket><externalId>1</externalId></ticket>'],
    ])('415 for %s', async (contentType, raw) => {
      const res = await postRaw(raw, contentType);
      expect(res.status).toBe(415);
      expectErrorShape(res.body);
    });

    it('415 for a body sent without a content type', async () => {
      const res = await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .unset('Content-Type')
        .send(Buffer.from(JSON.stringify(makeTicket())));
      expect(res.status).toBe(415);
      expectErrorShape(res.body);
    });
  });

  describe('malformed JSON', () => {
    it.each([
      ['truncated JSON', '{"externalId": "x", "description": '],
      ['a trailing comma', '{"externalId": "x", "description": "y",}'],
      ['single quotes', "{'externalId': 'x'}"],
      ['a bare string', '"just a string"'],
      ['an empty body with a JSON type', ''],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ])('400 for %s', async (_name, raw) => {
      const res = await postRaw(raw);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      await expectStillServing();
    });
  });

  describe('nesting and NUL characters', () => {
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

    it.each([
      ['a top-level array nested 5,000 deep', deep(5000)],
      ['tags nested 3,000 deep', JSON.stringify({ ...makeTicket(), tags: 'X' }).replace('"X"', deep(3000))],
      [
        'a requester nested 2,500 deep',
        JSON.stringify({ ...makeTicket(), requester: 'X' }).replace('"X"', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`),
      ],
    ])('400 for %s, and keeps serving', async (_name, raw) => {
      const res = await postRaw(raw);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      expect(res.body.error.message).toContain('nested deeper');
      await expectStillServing();
    });

    it.each(['externalId', 'subject', 'description'])('400 naming the field for a NUL character in %s, storing nothing', async (field) => {
      const ticket = makeTicket();
      const res = await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send({ ...ticket, [field]: `before\u0000after` });
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      expect(JSON.stringify(res.body.error.details)).toContain(field);
      const [{ n }] = await suite.db.query('SELECT count(*)::int AS n FROM tickets WHERE external_id = $1', [ticket.externalId]);
      expect(n).toBe(0);
    });

    it('400 for a NUL character in the requester or the tags', async () => {
      await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ requester: { name: 'Ana\u0000' } }))
        .expect(400);
      await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ tags: ['ok', 'b\u0000d'] }))
        .expect(400);
    });

    it('404, never 500, for a NUL character in a ticket reference', async () => {
      const res = await getTicket('api:a\u0000b');
      expect(res.status).toBe(404);
      expectErrorShape(res.body);
    });

    it('accepts a helpdesk description holding NUL characters, without them', async () => {
      const id = String(7_900_000 + (Date.now() % 1e6));
      const res = await suite.app
        .http()
        .post('/webhooks/freshdesk')
        .set('X-Webhook-Token', FRESHDESK_TOKEN)
        .send({ freshdesk_webhook: { ticket_id: id, ticket_subject: 'x\u0000y', ticket_description: 'backup\u0000 fails' } })
        .expect(202);
      const stored = await getTicket(`freshdesk:${id}`).expect(200);
      expect(stored.body).toMatchObject({ id: res.body.id, subject: 'xy', description: 'backup fails' });
    });
  });

  describe('prototype pollution', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each([
      ['__proto__ at the top', (body: string) => body.replace(/^\{/, '{"__proto__":{"polluted":"yes"},')],
      ['__proto__ in requester', (body: string) => body.replace('"requester":{', '"requester":{"__proto__":{"polluted":"yes"},')],
      ['constructor.prototype', (body: string) => body.replace(/^\{/, '{"constructor":{"prototype":{"polluted":"yes"}},')],
      [
        'constructor in requester',
        (body: string) => body.replace('"requester":{', '"requester":{"constructor":{"prototype":{"polluted":"yes"}},'),
      ],
    ])('refuses %s with 400 and pollutes nothing', async (_name, poison) => {
      const ticket = makeTicket();
      const raw = poison(JSON.stringify(ticket));
      expect(raw).not.toBe(JSON.stringify(ticket));
      const res = await postRaw(raw);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      const [row] = await suite.db.query('SELECT count(*)::int AS n FROM tickets WHERE external_id = $1', [ticket.externalId]);
      expect(row.n).toBe(0);
    });
  });

  describe('validation', () => {
    it.each([
      ['an unknown field', { isAdmin: true }],
      ['an unknown nested field', { requester: { name: 'Ana', role: 'admin' } }],
      ['a number as externalId', { externalId: 42 }],
      ['an object as description', { description: { text: 'x' } }],
      ['an array as subject', { subject: ['a'] }],
      ['a string as tags', { tags: 'a,b' }],
      ['numbers in tags', { tags: [1, 2] }],
      ['a string as requester', { requester: 'ana@example.com' }],
      ['null as description', { description: null }],
      ['a boolean status', { status: true }],
      ['a number as updatedAt', { updatedAt: 1_700_000_000 }],
    ])('400 for %s', async (_name, patch) => {
      const res = await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send({ ...makeTicket(), ...patch });
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });

    it('400 for a JSON array body', async () => {
      const res = await suite.app.http().post('/v1/tickets').set(auth).send([makeTicket()]);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });
  });

  describe('authentication and scopes', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an unknown key', 'Bearer tk_not-a-real-key'],
      ['an empty bearer', 'Bearer '],
      ['a basic credential', `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString('base64')}`],
      ['a key with trailing junk', `Bearer ${ADMIN_KEY} junk`],
    ])('401 for %s', async (_name, authorization) => {
      const req = suite.app.http().post('/v1/tickets');
      if (authorization !== undefined) req.set('Authorization', authorization);
      const res = await req.send(makeTicket());
      expect(res.status).toBe(401);
      expectErrorShape(res.body);
    });

    it('403 for a key without the scope an endpoint needs, and for a key with an unknown scope', async () => {
      const keys = suite.app.app.get(ApiKeyService);
      const ingestOnly = await keys.create('ingest only', ['ingest']);
      const agentOnly = await keys.create('agent only', ['agent']);
      const unknownScope = await keys.create('unknown scope', ['superuser' as Scope]);

      const read = await suite.app.http().get('/v1/causes').set('Authorization', `Bearer ${ingestOnly.key}`);
      expect(read.status).toBe(403);
      expectErrorShape(read.body);

      const post = await suite.app.http().post('/v1/tickets').set('Authorization', `Bearer ${agentOnly.key}`).send(makeTicket());
      expect(post.status).toBe(403);
      expectErrorShape(post.body);

      for (const request of [suite.app.http().get('/v1/causes'), suite.app.http().post('/v1/tickets').send(makeTicket())]) {
        const res = await request.set('Authorization', `Bearer ${unknownScope.key}`);
        expect(res.status).toBe(403);
        expectErrorShape(res.body);
      }

      await suite.app.http().post('/v1/tickets').set('Authorization', `Bearer ${ingestOnly.key}`).send(makeTicket()).expect(202);
      await suite.app.http().get('/v1/causes').set('Authorization', `Bearer ${agentOnly.key}`).expect(200);
    });
  });

  describe('webhook signatures', () => {
    const zendeskBody = () =>
      JSON.stringify({
        ticket: {
          id: String(Date.now() % 1e9),
          title: 'Backup problem',
          description: 'My iPhone backup fails with not enough storage.',
          status: 'open',
          requester_email: 'dana@example.com',
          updated_at: '2026-11-25T14:05Z',
        },
        current_user: { id: '501', email: 'dana@example.com' },
      });
    const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const postZendesk = (raw: string, headers: Record<string, string>) =>
      suite.app.http().post('/webhooks/zendesk').set('Content-Type', 'application/json').set(headers).send(raw);

    it.each([
      [
        'a wrong secret',
        (raw: string, ts: string) => ({ signature: signZendeskPayload('not-the-secret', ts, raw), timestamp: ts, body: raw }),
      ],
      [
        'a body changed after signing',
        (raw: string, ts: string) => ({
          signature: signZendeskPayload(ZENDESK_SECRET, ts, raw),
          timestamp: ts,
          body: raw.replace('fails', 'works'),
        }),
      ],
      [
        'a timestamp changed after signing',
        (raw: string, ts: string) => ({ signature: signZendeskPayload(ZENDESK_SECRET, ts, raw), timestamp: isoNow(1000), body: raw }),
      ],
      [
        'a replay of a request signed ten minutes ago',
        (raw: string) => {
          const old = isoNow(-10 * 60 * 1000);
          return { signature: signZendeskPayload(ZENDESK_SECRET, old, raw), timestamp: old, body: raw };
        },
      ],
      ['a signature that is not base64', (raw: string, ts: string) => ({ signature: '%%%not-base64%%%', timestamp: ts, body: raw })],
      ['a 4,000-character signature', (raw: string, ts: string) => ({ signature: 'A'.repeat(4000), timestamp: ts, body: raw })],
    ])('401 for %s', async (_name, forge) => {
      const raw = zendeskBody();
      const ts = isoNow();
      const { signature, timestamp, body } = forge(raw, ts);
      const res = await postZendesk(body, { 'X-Zendesk-Webhook-Signature': signature, 'X-Zendesk-Webhook-Signature-Timestamp': timestamp });
      expect(res.status).toBe(401);
      expectErrorShape(res.body);
    });

    it('401 without signature headers, and 202 for the same body signed correctly', async () => {
      const raw = zendeskBody();
      const missing = await postZendesk(raw, {});
      expect(missing.status).toBe(401);
      expectErrorShape(missing.body);
      const ts = isoNow();
      await postZendesk(raw, {
        'X-Zendesk-Webhook-Signature': signZendeskPayload(ZENDESK_SECRET, ts, raw),
        'X-Zendesk-Webhook-Signature-Timestamp': ts,
      }).expect(202);
    });

    it.each([
      ['no token', {}],
      ['a wrong token', { 'X-Webhook-Token': 'freshdesk-webhook-token-wrong-0123' }],
      ['a token prefix', { 'X-Webhook-Token': FRESHDESK_TOKEN.slice(0, -1) }],
      ['wrong basic credentials', { Authorization: `Basic ${Buffer.from('hook:nope').toString('base64')}` }],
    ])('401 for a Freshdesk webhook with %s', async (_name, headers) => {
      const res = await suite.app
        .http()
        .post('/webhooks/freshdesk')
        .set(headers as Record<string, string>)
        .send({ freshdesk_webhook: { ticket_id: 1, ticket_subject: 'x', ticket_description: 'y' } });
      expect(res.status).toBe(401);
      expectErrorShape(res.body);
    });
  });

  describe('injection strings are plain text', () => {
    const PAYLOADS = [
      "'; DROP TABLE tickets; --",
      "' OR '1'='1",
      '<script>alert(1)</script>',
      '" onmouseover=alert(1) x="',
      '${jndi:ldap://x}',
      '{{constructor.constructor("return process")()}}',
      '../../etc/passwd',
      'back\\slash %s %n %x',
      'emoji 😀 and RTL \u202eevil\u202c and combining e\u0301',
    ];

    it.each(PAYLOADS)('stores %s byte for byte in every field', async (payload) => {
      const ticket = makeTicket({
        externalId: `${uniqueId('inj')}:${payload}`,
        subject: payload,
        description: `${payload}\nMy backup fails. ${payload}`,
        requester: { name: payload, firstName: payload },
        tags: [payload, `${payload}-2`],
      });
      const res = await suite.app.http().post('/v1/tickets').set(auth).send(ticket);
      expect(res.status).toBe(202);
      const got = await getTicket(`api:${ticket.externalId}`).expect(200);
      expect(got.body).toMatchObject({
        id: res.body.id,
        externalId: ticket.externalId,
        subject: ticket.subject,
        description: ticket.description,
        requester: ticket.requester,
        tags: ticket.tags,
      });
      const byId = await getTicket(res.body.id).expect(200);
      expect(byId.body.externalId).toBe(ticket.externalId);
    });

    it('keeps the tickets table', async () => {
      const [row] = await suite.db.query(`SELECT to_regclass('public.tickets') IS NOT NULL AS present`);
      expect(row.present).toBe(true);
      const [count] = await suite.db.query('SELECT count(*)::int AS n FROM tickets');
      expect(count.n).toBeGreaterThan(0);
    });

    it('answers injection strings in a ticket reference with 404, never 500', async () => {
      for (const payload of PAYLOADS) {
        const res = await getTicket(`api:${payload}`);
        expect(res.status).toBe(404);
        expectErrorShape(res.body);
      }
    });
  });
});
