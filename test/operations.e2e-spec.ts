import { DataSource } from 'typeorm';
import { ApiKeyService } from '../src/platform/auth/api-key.service';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, waitFor } from './support/test-app';

describe('operations: health, metrics, queue dashboard, headers, preview', () => {
  let t: TestApp;
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('reports live and ready with both dependencies up', async () => {
    await t.http().get('/health/live').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.details).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('exposes Prometheus metrics: requests, queue depth, jobs and triage counts by cause', async () => {
    const res = await t.http().post('/v1/tickets').set(admin).send(makeTicket()).expect(202);
    await waitFor(
      () =>
        t
          .http()
          .get(`/v1/tickets/${res.body.id}`)
          .set(admin)
          .then((r) => r.body.triage.state),
      (s) => s === 'done',
    );
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toMatch(/^ticket_triage_http_requests_total\{method="POST",route="\/v1\/tickets",status="202"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ticket_triage_http_request_duration_seconds_bucket\{/m);
    expect(metrics.text).toMatch(/^ticket_triage_queue_jobs\{queue="triage",state="waiting"\} \d+/m);
    expect(metrics.text).toMatch(/^ticket_triage_triage_results_total\{cause="storage_full"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ticket_triage_job_duration_seconds_count\{queue="triage",result="ok"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ticket_triage_inbox_events\{state="failed"\} \d+/m);
  });

  it('keeps the queue dashboard behind basic auth with an admin key as the password', async () => {
    const none = await t.http().get('/queues').expect(401);
    expect(none.headers['www-authenticate']).toContain('Basic');
    expect(none.body.error.code).toBe('AUTH.MISSING_KEY');
    await t.http().get('/queues').set('Authorization', basic('wrong-key')).expect(401);
    const agent = (await t.app.get(ApiKeyService).create('ops agent', ['agent'])).key;
    await t.http().get('/queues').set('Authorization', basic(agent)).expect(403);
    const page = await t.http().get('/queues').set('Authorization', basic(ADMIN_KEY)).expect(200);
    expect(page.text).toContain('<html');
    const api = await t.http().get('/queues/api/queues').set('Authorization', basic(ADMIN_KEY)).expect(200);
    expect(JSON.stringify(api.body)).toContain('triage');
  });

  it('sends security headers and no CORS headers unless origins are configured', async () => {
    const res = await t.http().get('/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('previews a triage without storing anything', async () => {
    const db = t.app.get(DataSource);
    const count = async () => (await db.query('SELECT count(*)::int AS n FROM triage_results'))[0].n as number;
    const before = await count();
    const res = await t
      .http()
      .post('/v1/triage/preview')
      .set(admin)
      .send({ subject: 'Backup', description: 'The iCloud Backup switch is greyed out on my work iPad, managed by IT.' })
      .expect(200);
    expect(res.body.cause.id).toBe('restricted');
    expect(res.body.causes[0].evidence.length).toBeGreaterThan(0);
    expect(res.body.triagedAt).toEqual(expect.any(String));
    expect(await count()).toBe(before);
    const refused = await t.http().post('/v1/triage/preview').set(admin).send({ description: 'x', externalId: 'no' }).expect(400);
    expect(refused.body.error.code).toBe('REQUEST.INVALID');
    await t.http().post('/v1/triage/preview').set(admin).send({ description: '' }).expect(400);
  });

  it('serves the knowledge pack', async () => {
    const causes = await t.http().get('/v1/causes').set(admin).expect(200);
    expect(causes.body.items.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['storage_full', 'wifi', 'power', 'restricted', 'other']),
    );
    const macro = await t.http().get('/v1/macros/manage_icloud_storage').set(admin).expect(200);
    expect(macro.body).toMatchObject({ id: 'manage_icloud_storage', causeIds: ['storage_full'] });
    await t.http().get('/v1/macros/does_not_exist').set(admin).expect(404);
    const symptoms = await t.http().get('/v1/symptoms').set(admin).expect(200);
    expect(symptoms.body.items.length).toBeGreaterThan(20);
  });
});

describe('CORS when origins are configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    process.env.CORS_ORIGINS = 'https://desk.example.com';
    t = await createTestApp({ role: 'api' });
  });
  afterAll(async () => {
    delete process.env.CORS_ORIGINS;
    await t.close();
  });

  it('allows the configured origin only', async () => {
    const ok = await t.http().get('/health/live').set('Origin', 'https://desk.example.com').expect(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://desk.example.com');
    const other = await t.http().get('/health/live').set('Origin', 'https://evil.example').expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
