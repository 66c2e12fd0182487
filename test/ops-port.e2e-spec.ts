import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { FRESHDESK_WEBHOOK_BODY_TEMPLATE } from '../src/helpdesk/webhooks/freshdesk-webhook.mapper';
import { ZENDESK_SATISFACTION_BODY_TEMPLATE, ZENDESK_TRIGGER_BODY_TEMPLATE } from '../src/helpdesk/webhooks/zendesk-webhook.mapper';
import { createTestApp, suiteApp } from './support/test-app';

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function expectNotFound(res: request.Response): void {
  expect(res.status).toBe(404);
  expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
}

/** suiteApp with OPS_PORT set to a port found free when the block starts (suiteApp reads `env` in its own beforeAll). */
function suiteWithOpsPort(env: Record<string, string>) {
  const withPort = { ...env };
  beforeAll(async () => {
    withPort.OPS_PORT = String(await freePort());
  });
  const suite = suiteApp(withPort);
  return { suite, ops: () => request(`http://127.0.0.1:${withPort.OPS_PORT}`) };
}

describe('OPS_PORT: /metrics and /docs on their own listener', () => {
  const { suite, ops } = suiteWithOpsPort({});

  it('serves them on OPS_PORT and answers 404 for them on the public port, health staying public', async () => {
    for (const path of ['/metrics', '/metrics?x=1', '/docs', '/docs/json', '/docs/']) expectNotFound(await suite.app.http().get(path));
    await suite.app.http().get('/health/live').expect(200);
    await suite.app.http().get('/health/ready').expect(200);

    const metrics = await ops().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('http_requests_total');
    const docs = await ops().get('/docs/json').expect(200);
    expect(docs.body.paths['/v1/tickets']).toBeDefined();
    const ui = await ops().get('/docs').expect(200);
    expect(ui.text).toMatch(/swagger/i);
    await ops().get('/docs/swagger-ui-bundle.js').expect(200);
    expectNotFound(await ops().get('/v1/tickets'));
    expectNotFound(await ops().get('/health/live'));
  });
});

describe('OPS_PORT closes with the app', () => {
  it('stops listening when the app closes', async () => {
    const saved = { ...process.env };
    const port = await freePort();
    process.env.OPS_PORT = String(port);
    try {
      const app = await createTestApp();
      await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
      await app.close();
      await expect(request(`http://127.0.0.1:${port}`).get('/metrics')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      process.env = saved;
    }
  });
});

describe('DOCS_ENABLED=false', () => {
  const suite = suiteApp({ DOCS_ENABLED: 'false' });

  it('serves no /docs and no /docs/json; /metrics stays', async () => {
    for (const path of ['/docs', '/docs/json', '/docs/']) expectNotFound(await suite.app.http().get(path));
    await suite.app.http().get('/metrics').expect(200);
  });
});

describe('DOCS_ENABLED=false with OPS_PORT', () => {
  const { suite, ops } = suiteWithOpsPort({ DOCS_ENABLED: 'false' });

  it('serves /metrics on OPS_PORT and /docs nowhere', async () => {
    await ops().get('/metrics').expect(200);
    for (const path of ['/docs', '/docs/json']) {
      expectNotFound(await ops().get(path));
      expectNotFound(await suite.app.http().get(path));
    }
  });
});

describe('webhooks in the OpenAPI document', () => {
  const suite = suiteApp({});

  it('declares the request bodies with the README templates as examples, the answers and the error shape', async () => {
    const { body } = await suite.app.http().get('/docs/json').expect(200);
    const zendesk = body.paths['/webhooks/zendesk'].post;
    const freshdesk = body.paths['/webhooks/freshdesk'].post;
    const examples = (op: { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } }) =>
      Object.values(op.requestBody.content['application/json'].examples).map((e) => e.value);
    expect(examples(zendesk)).toEqual(
      expect.arrayContaining([JSON.parse(ZENDESK_TRIGGER_BODY_TEMPLATE), JSON.parse(ZENDESK_SATISFACTION_BODY_TEMPLATE)]),
    );
    expect(examples(freshdesk)).toEqual([JSON.parse(FRESHDESK_WEBHOOK_BODY_TEMPLATE)]);
    expect(zendesk.requestBody.content['application/json'].schema.oneOf).toHaveLength(3);
    expect(freshdesk.requestBody.content['application/json'].schema.properties.freshdesk_webhook.required).toContain('ticket_id');
    for (const op of [zendesk, freshdesk]) {
      expect(JSON.stringify(op.responses['202'])).toContain('#/components/schemas/WebhookAcceptedDto');
      expect(JSON.stringify(op.responses['202'])).toContain('#/components/schemas/WebhookIgnoredDto');
      expect(JSON.stringify(op.responses['200'])).toContain('#/components/schemas/WebhookAcceptedDto');
      for (const status of ['400', '401', '413', '415', '429']) {
        expect(op.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
      }
    }
    expect(body.components.schemas.WebhookAcceptedDto.properties).toEqual(
      expect.objectContaining({
        id: expect.any(Object),
        status: expect.any(Object),
        event: expect.any(Object),
        truncated: expect.any(Object),
      }),
    );
  });
});
