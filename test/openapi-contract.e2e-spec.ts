import OpenAPIResponseValidator from 'openapi-response-validator';
import type { OpenAPIV3 } from 'openapi-types';
import type { Response } from 'supertest';
import { postSignedZendesk } from './support/zendesk';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, suiteApp, uniqueId, waitFor } from './support/test-app';

const ZENDESK_SECRET = 'openapi-contract-zendesk-secret';
const FRESHDESK_TOKEN = 'openapi-contract-freshdesk-token';

type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';

/**
 * Every answer the running service gives in these tests is checked against the OpenAPI document it serves at
 * /docs/json: the operation must exist, declare the status, and its schema must accept the body.
 */
describe('OpenAPI document: every real answer matches the operation it belongs to', () => {
  const s = suiteApp({ ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET, FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN });
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  let doc: OpenAPIV3.Document;
  const checked = new Set<string>();

  beforeAll(async () => {
    doc = (await s.app.http().get('/docs/json').expect(200)).body;
  });

  /** The path template of the document that `path` (without its query) matches. */
  function templateOf(path: string): string {
    const bare = path.split('?')[0];
    const match = Object.keys(doc.paths).find((template) => {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      return pattern.test(bare);
    });
    if (!match) throw new Error(`${bare} is not in the OpenAPI document`);
    return match;
  }

  function expectConforms(method: Method, path: string, res: Response): void {
    const template = templateOf(path);
    const operation = (doc.paths[template] as Record<Method, OpenAPIV3.OperationObject | undefined>)[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${template} is not in the OpenAPI document`);
    const declared = operation.responses[String(res.status)] as OpenAPIV3.ResponseObject | undefined;
    if (!declared) throw new Error(`${method.toUpperCase()} ${template} answered ${res.status}, which the document does not declare`);
    const validator = new OpenAPIResponseValidator({
      responses: { [res.status]: declared } as never,
      components: doc.components as never,
    });
    const problems = validator.validateResponse(res.status, res.body);
    if (problems) {
      throw new Error(
        `${method.toUpperCase()} ${template} ${res.status} does not match its schema: ${JSON.stringify(problems.errors, null, 2)}`,
      );
    }
    checked.add(`${method.toUpperCase()} ${template} ${res.status}`);
  }

  async function call(method: Method, path: string, body?: unknown, headers: Record<string, string> = admin): Promise<Response> {
    let req = s.app.http()[method](path).set(headers);
    if (body !== undefined) req = req.send(body as object);
    const res = await req;
    expectConforms(method, path, res);
    return res;
  }

  async function triagedTicket(description: string): Promise<string> {
    const res = await call('post', '/v1/tickets', makeTicket({ description }));
    expect(res.status).toBe(202);
    await waitFor(
      () =>
        s.app
          .http()
          .get(`/v1/tickets/${res.body.id}`)
          .set(admin)
          .then((r) => r.body),
      (b) => b.triage?.state === 'done',
    );
    return res.body.id;
  }

  it('declares opaque bearer keys, readable operation ids and the real error shape', () => {
    const schemes = doc.components?.securitySchemes ?? {};
    const bearer = Object.values(schemes).find(
      (x) => (x as OpenAPIV3.HttpSecurityScheme).scheme === 'bearer',
    ) as OpenAPIV3.HttpSecurityScheme;
    expect(bearer).toBeDefined();
    expect(bearer.bearerFormat ?? '').not.toMatch(/jwt/i);

    const ids: string[] = [];
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item as Record<string, OpenAPIV3.OperationObject>)) {
        if (typeof op !== 'object' || !op || !('responses' in op)) continue;
        ids.push(op.operationId ?? '');
        // Every operation says what it answers on success, with a body schema unless it answers nothing.
        const success = Object.keys(op.responses).filter((code) => /^2/.test(code));
        expect({ op: op.operationId, success: success.length > 0 }).toEqual({ op: op.operationId, success: true });
      }
    }
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);

    const error = doc.components?.schemas?.ErrorResponse as OpenAPIV3.SchemaObject;
    const detail = doc.components?.schemas?.ErrorDetail as OpenAPIV3.SchemaObject;
    expect(error).toBeDefined();
    const details = detail.properties?.details as OpenAPIV3.ArraySchemaObject;
    expect(details.type).toBe('array');
    expect((details.items as OpenAPIV3.SchemaObject).type).toBe('string');
  });

  it('intake: 202, the duplicate 200, and a 400 with the error shape', async () => {
    const ticket = makeTicket({ description: 'My iPhone backup says not enough iCloud storage, 5 GB plan is full.' });
    const first = await call('post', '/v1/tickets', ticket);
    expect(first.status).toBe(202);
    const again = await call('post', '/v1/tickets', ticket);
    expect(again.status).toBe(200);
    const bad = await call('post', '/v1/tickets', { externalId: uniqueId(), description: '' });
    expect(bad.status).toBe(400);
  });

  it('tickets: the ticket, the list, an override, an outcome, a retriage and a 404', async () => {
    const id = await triagedTicket('iCloud Backup fails every night: not enough storage on my 5 GB plan, iPhone 14.');
    const detail = await call('get', `/v1/tickets/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.truncated).toBe(false);
    expect((await call('get', '/v1/tickets?limit=5')).status).toBe(200);
    expect((await call('get', '/v1/tickets?decision=review&limit=5')).status).toBe(200);
    expect((await call('get', '/v1/tickets/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const overridden = await call('patch', `/v1/tickets/${id}/triage`, { cause: 'wifi', reason: 'the customer says the Wi-Fi drops' });
    expect(overridden.status).toBe(200);
    const outcome = await call('post', `/v1/tickets/${id}/outcome`, { macroId: 'connect_stable_wifi', resolved: true });
    expect(outcome.status).toBe(200);
    expect([200, 202]).toContain((await call('post', `/v1/tickets/${id}/retriage`)).status);
    expect((await call('get', '/v1/tickets?cursor=not-a-cursor')).status).toBe(400);
  });

  it('preview and the knowledge catalog', async () => {
    expect(
      (await call('post', '/v1/triage/preview', { subject: 'Backup', description: 'Back Up Now is greyed out on my iPad' })).status,
    ).toBe(200);
    expect((await call('get', '/v1/packs')).status).toBe(200);
    expect((await call('get', '/v1/causes')).status).toBe(200);
    expect((await call('get', '/v1/causes?pack=no-such-pack')).status).toBe(404);
    expect((await call('get', '/v1/symptoms')).status).toBe(200);
    const macros = await call('get', '/v1/macros');
    expect(macros.status).toBe(200);
    const macroId = (macros.body.items ?? macros.body)[0].id as string;
    expect((await call('get', `/v1/macros/${macroId}`)).status).toBe(200);
    expect((await call('get', `/v1/macros/${macroId}/stats`)).status).toBe(200);
    expect((await call('get', '/v1/macros/no_such_macro')).status).toBe(404);
    const symptoms = await call('get', '/v1/symptoms');
    const symptomId = (symptoms.body.items ?? symptoms.body)[0].id as string;
    expect((await call('get', `/v1/symptoms/${symptomId}/fixes`)).status).toBe(200);
  });

  it('reports: the week in progress, a generated week and a bad week', async () => {
    expect((await call('get', '/v1/reports/weekly/current?format=json')).status).toBe(200);
    expect((await call('post', '/v1/reports/weekly/2026-W01/generate')).status).toBeLessThan(300);
    expect((await call('get', '/v1/reports/weekly/2026-W01?format=json')).status).toBe(200);
    expect((await call('get', '/v1/reports/weekly/2026-W99?format=json')).status).toBe(400);
    expect((await call('get', '/v1/reports/weekly?limit=2')).status).toBe(200);
  });

  it('webhooks: a signed Zendesk event, a Freshdesk event, and refusals', async () => {
    const ticketId = String(900_000 + Math.floor(Math.random() * 99_999));
    const payload = JSON.stringify({
      ticket: {
        id: ticketId,
        title: 'Backup problem',
        description: 'iCloud backup failed: not enough storage on my 5 GB plan',
        status: 'open',
        tags: 'ios',
        updated_at: new Date().toISOString(),
      },
      current_user: { id: '42', email: 'agent@example.com' },
    });
    const zendesk = await postSignedZendesk(() => s.app.http(), ZENDESK_SECRET, payload);
    expectConforms('post', '/webhooks/zendesk', zendesk);
    expect(zendesk.status).toBeLessThan(300);
    const unsigned = await s.app.http().post('/webhooks/zendesk').set('content-type', 'application/json').send(payload);
    expectConforms('post', '/webhooks/zendesk', unsigned);
    expect(unsigned.status).toBe(401);

    const freshdesk = await s.app
      .http()
      .post('/webhooks/freshdesk')
      .set({ 'X-Webhook-Token': FRESHDESK_TOKEN })
      .send({
        freshdesk_webhook: {
          ticket_id: ticketId,
          ticket_subject: 'Backup',
          ticket_description: 'iCloud backup is stuck',
          ticket_status: 'Open',
          ticket_tags: '',
        },
      });
    expectConforms('post', '/webhooks/freshdesk', freshdesk);
    expect(freshdesk.status).toBeLessThan(300);
  });

  it('operations and admin routes', async () => {
    expect((await call('get', '/health/live', undefined, {})).status).toBe(200);
    expect((await call('get', '/health/ready', undefined, {})).status).toBe(200);
    expect((await call('post', '/v1/admin/stats/rebuild')).status).toBeLessThan(300);
    expect((await call('post', '/v1/admin/inbox/replay-failed')).status).toBeLessThan(300);
    expect((await call('post', '/v1/admin/packs/reload')).status).toBeLessThan(300);
    expect((await call('get', '/v1/tickets', undefined, {})).status).toBe(401);
    const email = `${uniqueId('erase').toLowerCase()}@example.com`;
    await call('post', '/v1/tickets', makeTicket({ requester: { email, name: 'Robin Contract' } }));
    const erased = await call('delete', `/v1/requesters/${encodeURIComponent(email)}`);
    expect(erased.status).toBe(200);
    expect((await call('delete', '/v1/requesters/not-an-address')).status).toBe(400);
    expect((await call('get', '/v1/audit?limit=3')).status).toBe(200);
  });

  it('covered every JSON operation of the document at least once', () => {
    const covered = new Set([...checked].map((c) => c.split(' ').slice(0, 2).join(' ')));
    const missing: string[] = [];
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, OpenAPIV3.OperationObject>)) {
        if (!op || typeof op !== 'object' || !('responses' in op)) continue;
        if (template === '/metrics') continue; // Prometheus text, not JSON
        if (!covered.has(`${method.toUpperCase()} ${template}`)) missing.push(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
