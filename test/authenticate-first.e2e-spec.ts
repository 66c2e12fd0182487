import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { signZendeskPayload } from '../src/helpdesk/webhooks/zendesk-signature';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp } from './support/test-app';

const ZENDESK_SECRET = 'zendesk-signing-secret-auth-first-tests';
const FRESHDESK_TOKEN = 'freshdesk-webhook-token-auth-first-0123';
const ONE_MIB = 1024 * 1024;

/** A JSON array of small numbers, just under 1 MiB: costly to parse and walk, accepted by the size limit. */
function wideArray(bytes = ONE_MIB - 16): string {
  return `[${Array.from({ length: Math.floor(bytes / 2) - 1 }, () => '1').join(',')}]`;
}

function expectErrorShape(body: unknown, code: string): void {
  expect(body).toEqual({ error: { code, message: expect.any(String) } });
}

async function withEnv(vars: Record<string, string | undefined>): Promise<TestApp> {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return createTestApp();
}

/** Listens on an ephemeral loopback port; answers the port. */
async function listen(t: TestApp): Promise<number> {
  await t.app.listen(0, '127.0.0.1');
  return (t.app.getHttpServer().address() as AddressInfo).port;
}

/**
 * Sends the headers of a request announcing a 1 MiB body and then nothing: an answer can only come from the
 * headers, so the body was neither read nor parsed. Answers the status and body, or 'no answer' after 5 s.
 */
function headersOnly(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: unknown; connection?: string } | 'no answer'> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(ONE_MIB), ...headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve('no answer');
    }, 5_000);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), connection: res.headers.connection });
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.write('[1,');
  });
}

describe('authentication before the body is parsed', () => {
  let t: TestApp;
  let port: number;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    t = await withEnv({
      ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET,
      FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN,
      AUTH_FAILURE_LIMIT_PER_MINUTE: '1000',
    });
    port = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    process.env = savedEnv;
  });

  it.each([
    ['no key', {}, 'AUTH.MISSING_KEY'],
    ['an unknown key', { Authorization: 'Bearer tk_not-a-key-at-all-0123456789' }, 'AUTH.INVALID_KEY'],
  ])('POST /v1/tickets with %s is refused from its headers, before its 1 MiB body arrives', async (_name, headers, code) => {
    const answer = await headersOnly(port, '/v1/tickets', headers);
    expect(answer).not.toBe('no answer');
    if (answer === 'no answer') return;
    expect(answer.status).toBe(401);
    expectErrorShape(answer.body, code);
    // The unread body is not drained: the connection is closed.
    expect(answer.connection).toBe('close');
  });

  it('every /v1 route answers 401 before its body is read', async () => {
    for (const path of ['/v1/triage/preview', '/v1/admin/keys', '/v1/tickets/some-ref/retriage', '/v1/no-such-route']) {
      const answer = await headersOnly(port, path, {});
      expect(answer).not.toBe('no answer');
      if (answer !== 'no answer') expect(answer.status).toBe(401);
    }
  });

  it('Zendesk: a request without signature headers is refused before its body is read', async () => {
    const answer = await headersOnly(port, '/webhooks/zendesk', {});
    expect(answer).not.toBe('no answer');
    if (answer !== 'no answer') {
      expect(answer.status).toBe(401);
      expectErrorShape(answer.body, 'WEBHOOK.BAD_SIGNATURE');
    }
  });

  it('Freshdesk: wrong credentials are refused before the body is read', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'X-Webhook-Token': 'wrong-token-wrong-token-wrong' },
      { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    ];
    for (const headers of attempts) {
      const answer = await headersOnly(port, '/webhooks/freshdesk', headers);
      expect(answer).not.toBe('no answer');
      if (answer !== 'no answer') {
        expect(answer.status).toBe(401);
        expectErrorShape(answer.body, 'WEBHOOK.UNAUTHORIZED');
      }
    }
  });

  it('a malformed body with bad credentials gets 401, not a parse error: credentials come first', async () => {
    const malformed = '{"externalId": "x", "description": ';
    const api = await t
      .http()
      .post('/v1/tickets')
      .set('Authorization', 'Bearer wrong')
      .set('Content-Type', 'application/json')
      .send(malformed);
    expect(api.status).toBe(401);
    const ts = new Date().toISOString();
    const zendesk = await t
      .http()
      .post('/webhooks/zendesk')
      .set('Content-Type', 'application/json')
      .set('X-Zendesk-Webhook-Signature', signZendeskPayload('another-secret-another-secret', ts, malformed))
      .set('X-Zendesk-Webhook-Signature-Timestamp', ts)
      .send(malformed);
    expect(zendesk.status).toBe(401);
    expectErrorShape(zendesk.body, 'WEBHOOK.BAD_SIGNATURE');
    const freshdesk = await t
      .http()
      .post('/webhooks/freshdesk')
      .set('X-Webhook-Token', 'wrong')
      .set('Content-Type', 'application/json')
      .send(malformed);
    expect(freshdesk.status).toBe(401);
    // With valid credentials the same body is parsed, and refused as JSON.
    const parsed = await t
      .http()
      .post('/v1/tickets')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json')
      .send(malformed);
    expect(parsed.status).toBe(400);
    expectErrorShape(parsed.body, 'REQUEST.MALFORMED_JSON');
  });

  it('a whole 1 MiB wide array is refused with 401 unauthenticated, and parsed (then refused as a ticket) with a key', async () => {
    const body = wideArray();
    const unsigned = await t
      .http()
      .post('/v1/tickets')
      .set('Content-Type', 'application/json')
      .send(body)
      .catch((err: { response?: { status: number } }) => err.response);
    expect(unsigned?.status).toBe(401);
    const zendesk = await t
      .http()
      .post('/webhooks/zendesk')
      .set('Content-Type', 'application/json')
      .send(body)
      .catch((err: { response?: { status: number } }) => err.response);
    expect(zendesk?.status).toBe(401);
    const authed = await t
      .http()
      .post('/v1/tickets')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(authed.status).toBe(400);
    expect(authed.body.error.details).toEqual(['the body must be a JSON object, not an array']);
    // The service keeps serving.
    await t.http().post('/v1/tickets').set('Authorization', `Bearer ${ADMIN_KEY}`).send(makeTicket()).expect(202);
  });

  it('a correctly signed Zendesk body still reaches the webhook (checked over the raw bytes, then parsed)', async () => {
    const raw = JSON.stringify({ not: 'a zendesk payload' });
    const ts = new Date().toISOString();
    const res = await t
      .http()
      .post('/webhooks/zendesk')
      .set('Content-Type', 'application/json')
      .set('X-Zendesk-Webhook-Signature', signZendeskPayload(ZENDESK_SECRET, ts, raw))
      .set('X-Zendesk-Webhook-Signature-Timestamp', ts)
      .send(raw);
    expect(res.status).toBe(400);
    expectErrorShape({ error: { code: res.body.error.code, message: res.body.error.message } }, 'WEBHOOK.INVALID_PAYLOAD');
  });
});

describe('failed authentication throttled per client address', () => {
  const LIMIT = 5;
  const savedEnv = { ...process.env };
  afterAll(() => {
    process.env = savedEnv;
  });

  describe('behind a trusted proxy (TRUST_PROXY=true): X-Forwarded-For names the client', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await withEnv({
        ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET,
        FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN,
        AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT),
        TRUST_PROXY: 'true',
      });
    });
    afterAll(() => t.close());

    const from = (address: string) => ({ 'X-Forwarded-For': `${address}, 10.0.0.1` });

    it('bad keys past the limit get 429 with Retry-After; a valid key from the same address still passes; other addresses are not affected', async () => {
      const a = from('203.0.113.10');
      for (let i = 0; i < LIMIT; i++) {
        const res = await t.http().get('/v1/tickets').set(a).set('Authorization', `Bearer wrong-key-${i}`);
        expect(res.status).toBe(401);
      }
      const refused = await t.http().get('/v1/tickets').set(a).set('Authorization', 'Bearer wrong-key-again');
      expect(refused.status).toBe(429);
      expectErrorShape(refused.body, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // No key at all counts as a failure too, and is refused the same way.
      expect((await t.http().post('/v1/tickets').set(a).send(makeTicket())).status).toBe(429);

      await t.http().post('/v1/tickets').set(a).set('Authorization', `Bearer ${ADMIN_KEY}`).send(makeTicket()).expect(202);
      await t.http().get('/v1/tickets').set(a).set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);

      const b = from('203.0.113.11');
      expect((await t.http().get('/v1/tickets').set(b).set('Authorization', 'Bearer wrong-key')).status).toBe(401);
    });

    it('Zendesk: bad signatures past the limit get 429; a valid signature from the same address passes', async () => {
      const c = from('203.0.113.20');
      const raw = JSON.stringify({ not: 'a zendesk payload' });
      const post = (secret: string) => {
        const ts = new Date().toISOString();
        return t
          .http()
          .post('/webhooks/zendesk')
          .set(c)
          .set('Content-Type', 'application/json')
          .set('X-Zendesk-Webhook-Signature', signZendeskPayload(secret, ts, raw))
          .set('X-Zendesk-Webhook-Signature-Timestamp', ts)
          .send(raw);
      };
      for (let i = 0; i < LIMIT; i++) expect((await post('guessed-secret-guessed-secret')).status).toBe(401);
      const refused = await post('guessed-secret-guessed-secret');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await post(ZENDESK_SECRET)).status).toBe(400); // authenticated, then refused as a payload
    });

    it('Freshdesk: wrong tokens past the limit get 429; the right token from the same address passes', async () => {
      const d = from('203.0.113.30');
      const post = (token: string) =>
        t.http().post('/webhooks/freshdesk').set(d).set('X-Webhook-Token', token).send({ not: 'a freshdesk payload' });
      for (let i = 0; i < LIMIT; i++) expect((await post(`wrong-token-${i}`)).status).toBe(401);
      const refused = await post('wrong-token-again');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      const ok = await post(FRESHDESK_TOKEN);
      expect([400, 202, 200]).toContain(ok.status);
    });

    it('/queues: wrong passwords past the limit get 429; an admin key from the same address passes', async () => {
      const e = from('203.0.113.40');
      const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;
      for (let i = 0; i < LIMIT; i++)
        expect(
          (
            await t
              .http()
              .get('/queues')
              .set(e)
              .set('Authorization', basic(`wrong-${i}`))
          ).status,
        ).toBe(401);
      const refused = await t.http().get('/queues').set(e).set('Authorization', basic('wrong-again'));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await t.http().get('/queues').set(e).set('Authorization', basic(ADMIN_KEY)).expect(200);
    });
  });

  describe('without TRUST_PROXY: X-Forwarded-For is ignored, the peer address counts', () => {
    let t: TestApp;
    beforeAll(async () => {
      // Its own rate-limit counters: the loopback address failed in the suites above.
      t = await withEnv({
        AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT),
        TRUST_PROXY: undefined,
        QUEUE_PREFIX: `${savedEnv.QUEUE_PREFIX}np`,
      });
    });
    afterAll(() => t.close());

    it('a new X-Forwarded-For on every guess does not escape the limit', async () => {
      for (let i = 0; i < LIMIT; i++) {
        const res = await t
          .http()
          .get('/v1/tickets')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .set('Authorization', `Bearer wrong-key-${i}`);
        expect(res.status).toBe(401);
      }
      const refused = await t.http().get('/v1/tickets').set('X-Forwarded-For', '198.51.100.99').set('Authorization', 'Bearer wrong-key');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      await t.http().get('/v1/tickets').set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);
    });
  });
});

describe('request timeout', () => {
  let t: TestApp;
  let port: number;
  const savedEnv = { ...process.env };
  const TIMEOUT_MS = 1_000;

  beforeAll(async () => {
    t = await withEnv({ HTTP_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), AUTH_FAILURE_LIMIT_PER_MINUTE: '1000' });
    port = await listen(t);
  });
  afterAll(async () => {
    await t.close();
    process.env = savedEnv;
  });

  it('a body trickled one byte at a time is cut off with 408 after HTTP_REQUEST_TIMEOUT_MS', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (received += c));
    const started = Date.now();
    socket.write(
      `POST /v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
    const closedAfter = await new Promise<number | null>((resolve) => {
      const giveUp = setTimeout(() => resolve(null), 8_000);
      socket.once('close', () => {
        clearTimeout(giveUp);
        resolve(Date.now() - started);
      });
      socket.on('error', () => undefined);
    });
    clearInterval(trickle);
    socket.destroy();
    expect(closedAfter).not.toBeNull();
    expect(closedAfter!).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(closedAfter!).toBeLessThan(TIMEOUT_MS + 3_000);
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a request sent whole is served as usual', async () => {
    await t.http().post('/v1/tickets').set('Authorization', `Bearer ${ADMIN_KEY}`).send(makeTicket()).expect(202);
  });
});
