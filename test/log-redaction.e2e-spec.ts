/**
 * The built service, run as it runs in production, writes no keys, secrets, emails or phone
 * numbers to its log, whatever the requests carry.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { signZendeskPayload } from '../src/helpdesk/webhooks/zendesk-signature';
import { hashKey } from '../src/platform/auth/api-key.service';
import { prepareDatabase } from '../src/platform/database/prepare-database';
import { uniqueId, waitFor } from './support/test-app';
import { buildDist } from './support/build';

const root = path.resolve(__dirname, '..');

const ADMIN_KEY = `log-admin-${randomBytes(12).toString('hex')}`;
const ZENDESK_SECRET = `zd-secret-${randomBytes(12).toString('hex')}`;
const FRESHDESK_TOKEN = `fd-token-${randomBytes(12).toString('hex')}`;
const FRESHDESK_PASSWORD = `fd-pass-${randomBytes(12).toString('hex')}`;
const EMAIL = 'rosalind.franklin.7731@example.org';
const OTHER_EMAIL = 'marie.curie.4412@example.net';
const PHONE = '+1 (415) 555-0142';
const OTHER_PHONE = '0171 8834 2291';
const WRONG_KEY = `tk_wrong-${randomBytes(12).toString('hex')}`;
const WRONG_TOKEN = `fd-wrong-${randomBytes(12).toString('hex')}`;
const STORED_KEY = `tk_${randomBytes(24).toString('base64url')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('log redaction (the built service)', () => {
  let child: ChildProcess;
  let baseUrl: string;
  let output = '';
  const signatures: string[] = [];

  const logLines = () =>
    output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          return { raw: line };
        }
      });

  async function call(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown) {
    const req = method === 'GET' ? request(baseUrl).get(url) : request(baseUrl).post(url);
    req.set(headers);
    if (body !== undefined) req.set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
    const res = await req;
    return { status: res.status, body: res.body as Record<string, unknown> | null };
  }

  beforeAll(async () => {
    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await prepareDatabase(process.env.DATABASE_URL!);
    await db.connect();
    try {
      await db.query('INSERT INTO api_keys (id, name, prefix, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(),
        'log redaction test',
        STORED_KEY.slice(0, 10),
        hashKey(STORED_KEY),
        ['ingest'],
      ]);
    } finally {
      await db.end();
    }
    buildDist();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ROLE: 'all',
        NODE_ENV: 'test',
        LOG_LEVEL: 'debug',
        ADMIN_API_KEY: ADMIN_KEY,
        ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET,
        FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN,
        FRESHDESK_WEBHOOK_USER: 'hook',
        FRESHDESK_WEBHOOK_PASSWORD: FRESHDESK_PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitFor(
      () =>
        request(baseUrl)
          .get('/health/live')
          .then(
            (r) => r.status,
            () => 0,
          ),
      (status) => status === 200 || child.exitCode !== null,
      { timeoutMs: 25_000, intervalMs: 100 },
    );
    if (child.exitCode !== null) throw new Error(`the service exited: ${output}`);
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('serves requests carrying keys, tokens, signatures, emails and phone numbers', async () => {
    const bearer = { Authorization: `Bearer ${ADMIN_KEY}` };
    const description = `My iPhone backup fails with not enough storage. Call me on ${PHONE} or write to ${EMAIL}.`;
    const externalId = uniqueId('log');
    const created = await call('POST', '/v1/tickets', bearer, {
      externalId,
      subject: `Backup problem (${OTHER_EMAIL})`,
      description,
      requester: { email: EMAIL, name: 'Rosalind Franklin', firstName: 'Rosalind' },
    });
    expect(created.status).toBe(202);
    await waitFor(
      () => call('GET', `/v1/tickets/${created.body?.id}`, bearer),
      (r) => (r.body?.triage as { state?: string } | undefined)?.state === 'done',
    );
    const preview = await call('POST', '/v1/triage/preview', bearer, { subject: 'Backup', description });
    expect(preview.status).toBe(200);

    // A stored key (not the environment's) on the intake route.
    const stored = await call(
      'POST',
      '/v1/tickets',
      { Authorization: `Bearer ${STORED_KEY}` },
      {
        externalId: uniqueId('log'),
        description: `Backup fails, phone ${OTHER_PHONE}`,
        requester: { email: OTHER_EMAIL },
      },
    );
    expect(stored).toMatchObject({ status: 202 });

    // Refused requests: a wrong key (401), a wrong webhook token (401), a bad signature (401).
    expect((await call('GET', '/v1/causes', { Authorization: `Bearer ${WRONG_KEY}` })).status).toBe(401);
    const freshdesk = {
      freshdesk_webhook: {
        ticket_id: Number(Date.now() % 1_000_000_000),
        ticket_subject: 'Backup',
        ticket_description: `${description} Or ${OTHER_PHONE}.`,
        ticket_status: 'Open',
        ticket_contact_email: OTHER_EMAIL,
        ticket_contact_name: 'Marie Curie',
      },
    };
    expect((await call('POST', '/webhooks/freshdesk', { 'X-Webhook-Token': WRONG_TOKEN }, freshdesk)).status).toBe(401);
    expect((await call('POST', '/webhooks/freshdesk', { 'X-Webhook-Token': FRESHDESK_TOKEN }, freshdesk)).status).toBe(202);
    const basic = `Basic ${Buffer.from(`hook:${FRESHDESK_PASSWORD}`).toString('base64')}`;
    const resolvedUnknown = { freshdesk_webhook: { ...freshdesk.freshdesk_webhook, ticket_id: 1_999_999_999, ticket_status: 'Resolved' } };
    expect((await call('POST', '/webhooks/freshdesk', { Authorization: basic }, resolvedUnknown)).status).toBeLessThan(300);

    const zendeskRaw = JSON.stringify({
      ticket: {
        id: String(Date.now() % 1e9),
        title: 'Backup',
        description,
        status: 'open',
        requester_email: EMAIL,
        requester_name: 'Rosalind Franklin',
        updated_at: '2026-11-25T14:05Z',
      },
      current_user: { id: '501', email: EMAIL },
    });
    const ts = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const signature = signZendeskPayload(ZENDESK_SECRET, ts, zendeskRaw);
    signatures.push(signature);
    const zendeskHeaders = { 'X-Zendesk-Webhook-Signature': signature, 'X-Zendesk-Webhook-Signature-Timestamp': ts };
    expect((await call('POST', '/webhooks/zendesk', zendeskHeaders, zendeskRaw)).status).toBe(202);
    const forged = { ...zendeskHeaders, 'X-Zendesk-Webhook-Signature': signZendeskPayload('not-the-secret', ts, zendeskRaw) };
    expect((await call('POST', '/webhooks/zendesk', forged, zendeskRaw)).status).toBe(401);

    // Give the worker a moment to triage the webhook tickets, then let the log flush.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  });

  it('logged the requests, including a warning', () => {
    const lines = logLines();
    expect(lines.some((l) => (l.req as { url?: string } | undefined)?.url === '/v1/tickets')).toBe(true);
    expect(lines.some((l) => typeof l.level === 'number' && l.level >= 40)).toBe(true);
  });

  it.each([
    ['the admin key', () => [ADMIN_KEY]],
    ['a wrong key presented', () => [WRONG_KEY]],
    ['a stored key', () => [STORED_KEY]],
    ['the Zendesk signing secret and signatures', () => [ZENDESK_SECRET, ...signatures]],
    [
      'the Freshdesk token, a wrong token and the basic-auth password',
      () => [FRESHDESK_TOKEN, WRONG_TOKEN, FRESHDESK_PASSWORD, Buffer.from(`hook:${FRESHDESK_PASSWORD}`).toString('base64')],
    ],
    ['requester emails', () => [EMAIL, OTHER_EMAIL, 'rosalind.franklin.7731', 'marie.curie.4412']],
    ['phone numbers', () => [PHONE, OTHER_PHONE, '555-0142', '4155550142', '8834 2291']],
  ])('never logs %s', (_name, values) => {
    expect(output.length).toBeGreaterThan(0);
    for (const value of values()) {
      const leaking = output.split('\n').filter((line) => line.includes(value));
      expect(leaking).toEqual([]);
    }
  });
});
