import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '../src/platform/auth/api-key.service';
import { buildDist } from './support/build';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';

const STORAGE = (n: string) => `Backup of my iPhone 13 fails (${n}): Not Enough Storage. My 5 GB iCloud is full and the backup needs 9 GB.`;

describe('agent API: keys and scopes, tickets, overrides, outcomes and learning', () => {
  let t: TestApp;
  let db: DataSource;
  let keys: { ingest: string; agent: string };
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const started = new Date().toISOString();

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    const service = t.app.get(ApiKeyService);
    keys = {
      ingest: (await service.create('intake bot', ['ingest'])).key,
      agent: (await service.create('agent desk', ['agent'])).key,
    };
  });
  afterAll(async () => t.close());

  async function triaged(description: string, key = ADMIN_KEY): Promise<string> {
    const res = await t.http().post('/v1/tickets').set(as(key)).send(makeTicket({ description })).expect(202);
    await waitFor(
      () =>
        t
          .http()
          .get(`/v1/tickets/${res.body.id}`)
          .set(admin)
          .then((r) => r.body),
      (b) => b.triage?.state === 'done',
    );
    return res.body.id;
  }

  const stats = () =>
    db
      .query(`SELECT dimension, key, macro_id, successes, failures FROM fix_stats ORDER BY dimension, key, macro_id`)
      .then((rows: { dimension: string; key: string; macro_id: string; successes: number; failures: number }[]) => rows);

  describe('scopes', () => {
    it('an ingest key posts tickets but cannot read them', async () => {
      const id = await triaged(STORAGE('scope'), keys.ingest);
      const res = await t.http().get(`/v1/tickets/${id}`).set(as(keys.ingest)).expect(403);
      expect(res.body.error).toMatchObject({ code: 'AUTH.FORBIDDEN', details: ['required scope: agent', "this key's scopes: ingest"] });
    });

    it('an agent key reads and previews but cannot ingest or use admin routes', async () => {
      await t.http().get('/v1/causes').set(as(keys.agent)).expect(200);
      await t.http().post('/v1/triage/preview').set(as(keys.agent)).send({ description: 'backup greyed out' }).expect(200);
      await t.http().post('/v1/tickets').set(as(keys.agent)).send(makeTicket()).expect(403);
      await t.http().post('/v1/admin/stats/rebuild').set(as(keys.agent)).expect(403);
    });

    it('a revoked key stops working', async () => {
      const service = t.app.get(ApiKeyService);
      const { key, row } = await service.create('temp', ['agent']);
      await t.http().get('/v1/causes').set(as(key)).expect(200);
      expect(await service.revoke(row.id)).toBe(1);
      const res = await t.http().get('/v1/causes').set(as(key)).expect(401);
      expect(res.body.error.code).toBe('AUTH.INVALID_KEY');
    });
  });

  it('lists tickets with filters and cursor pagination, every ticket once', async () => {
    const status = 'pending';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t
        .http()
        .post('/v1/tickets')
        .set(admin)
        .send(makeTicket({ status, description: STORAGE(`page ${i}`) }))
        .expect(202);
      ids.push(res.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { status, from: started, limit: '2', ...(cursor ? { cursor } : {}) };
      const res = await t.http().get('/v1/tickets').query(query).set(as(keys.agent)).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    await t.http().get('/v1/tickets').query({ limit: '500' }).set(admin).expect(400);
    const bad = await t.http().get('/v1/tickets').query({ cursor: 'garbage' }).set(admin).expect(400);
    expect(bad.body.error.code).toBe('REQUEST.INVALID');
  });

  it('an override becomes the effective triage, keeps what the engine said, and is filterable', async () => {
    const id = await triaged(STORAGE('override'));
    const res = await t
      .http()
      .patch(`/v1/tickets/${id}/triage`)
      .set(as(keys.agent))
      .send({ cause: 'wifi', reason: 'Customer is on a hotel network' })
      .expect(200);
    expect(res.body.triage.cause).toEqual({ id: 'wifi', confidence: 1 });
    expect(res.body.triage.macro.id).toBe('connect_stable_wifi');
    expect(res.body.triage.override).toMatchObject({
      by: 'agent desk',
      reason: 'Customer is on a hotel network',
      original: { causeId: 'storage_full', macroId: 'manage_icloud_storage' },
    });
    const list = await t.http().get('/v1/tickets').query({ overridden: 'true', cause: 'wifi', from: started }).set(admin).expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(id);

    // The override is kept as a label for the next refit of the cause model.
    const labels = await db.query(`SELECT cause_id FROM triage_overrides WHERE ticket_id = $1`, [id]);
    expect(labels).toEqual([{ cause_id: 'wifi' }]);

    await t.http().patch(`/v1/tickets/${id}/triage`).set(admin).send({ cause: 'no_such_cause', reason: 'x' }).expect(422);
    await t.http().patch(`/v1/tickets/${id}/triage`).set(admin).send({ reason: 'nothing named' }).expect(400);
  });

  it('records outcomes idempotently, and a later signal supersedes an earlier one', async () => {
    const id = await triaged(STORAGE('outcome'));
    const cell = async () =>
      (await stats()).find((r) => r.dimension === 'cause' && r.key === 'storage_full' && r.macro_id === 'update_ios') ?? {
        successes: 0,
        failures: 0,
      };
    const before = await cell();
    const send = (resolved: boolean) =>
      t.http().post(`/v1/tickets/${id}/outcome`).set(as(keys.agent)).send({ macroId: 'update_ios', resolved }).expect(200);

    await send(true);
    await send(true);
    const afterTwice = await cell();
    expect(afterTwice.successes - before.successes).toBeCloseTo(1);
    expect(afterTwice.failures - before.failures).toBeCloseTo(0);

    await send(false);
    const afterReopen = await cell();
    expect(afterReopen.successes - before.successes).toBeCloseTo(0);
    expect(afterReopen.failures - before.failures).toBeCloseTo(1);

    const detail = await t.http().get(`/v1/tickets/${id}`).set(admin).expect(200);
    expect(detail.body.outcomes).toEqual([expect.objectContaining({ macroId: 'update_ios', resolved: false, attribution: 'agent' })]);
    await t.http().post(`/v1/tickets/${id}/outcome`).set(admin).send({ macroId: 'nope', resolved: true }).expect(422);
  });

  it('ranks fixes by what resolved tickets: the suggested macro changes after outcomes arrive', async () => {
    const preview = () =>
      t
        .http()
        .post('/v1/triage/preview')
        .set(as(keys.agent))
        .send({ description: STORAGE('preview') })
        .then((r) => r.body);
    expect((await preview()).macro.id).toBe('manage_icloud_storage');

    for (let i = 0; i < 8; i++) {
      const id = await triaged(STORAGE(`learn ${i}`));
      await t.http().post(`/v1/tickets/${id}/outcome`).set(admin).send({ macroId: 'manage_icloud_storage', resolved: false }).expect(200);
      await t.http().post(`/v1/tickets/${id}/outcome`).set(admin).send({ macroId: 'contact_apple_support', resolved: true }).expect(200);
    }
    await new Promise((r) => setTimeout(r, 2100)); // the statistics snapshot is re-read every 2 s
    const after = await preview();
    expect(after.macro.id).toBe('contact_apple_support');
    const demoted = after.alternatives.find((a: { id: string }) => a.id === 'manage_icloud_storage');
    expect(demoted.stats.uses).toBeGreaterThanOrEqual(8);
    expect(demoted.stats.rate).toBeLessThan(0.5);

    const macroStats = await t.http().get('/v1/macros/contact_apple_support/stats').set(admin).expect(200);
    expect(macroStats.body.byCause).toEqual(expect.arrayContaining([expect.objectContaining({ cause: 'storage_full' })]));
    const fixes = await t.http().get(`/v1/symptoms/${after.symptoms[0].id}/fixes`).set(admin).expect(200);
    expect(fixes.body.fixes[0].macroId).toBe('contact_apple_support');
  });

  it('rebuilds the statistics exactly from the outcome rows', async () => {
    const before = await stats();
    const res = await t.http().post('/v1/admin/stats/rebuild').set(admin).expect(200);
    expect(res.body.outcomes).toBeGreaterThan(0);
    const after = await stats();
    const key = (r: { dimension: string; key: string; macro_id: string }) => `${r.dimension}/${r.key}/${r.macro_id}`;
    const nonZero = (rows: typeof before) => rows.filter((r) => Math.abs(r.successes) + Math.abs(r.failures) > 1e-9);
    expect(new Map(nonZero(after).map((r) => [key(r), [r.successes, r.failures].map((x) => x.toFixed(6))]))).toEqual(
      new Map(nonZero(before).map((r) => [key(r), [r.successes, r.failures].map((x) => x.toFixed(6))])),
    );
  });

  it('retriages a ticket on request, keeping its history', async () => {
    const id = await triaged(STORAGE('retriage'));
    await t.http().post(`/v1/tickets/${id}/retriage`).set(as(keys.agent)).expect(202);
    const body = await waitFor(
      () =>
        t
          .http()
          .get(`/v1/tickets/${id}`)
          .set(admin)
          .then((r) => r.body),
      (b) => b.history?.length === 2 && b.triage.state === 'done',
    );
    expect(body.history[0].packVersion).toEqual(expect.any(String));
  });

  it('serves the OpenAPI document with every route, its scope and its errors', async () => {
    const res = await t.http().get('/docs/json').expect(200);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/v1/tickets',
      '/v1/tickets/{id}',
      '/v1/tickets/{id}/triage',
      '/v1/tickets/{id}/outcome',
      '/v1/triage/preview',
      '/v1/macros/{id}/stats',
      '/v1/symptoms/{id}/fixes',
      '/webhooks/zendesk',
    ]) {
      expect(paths).toContain(p);
    }
    const create = res.body.paths['/v1/tickets'].post;
    expect(create['x-required-scope']).toBe('ingest');
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '415', '429']));
    expect(res.body.components.schemas.CreateTicketDto.properties.description.maxLength).toBe(65536);
  });

  it('creates, lists and revokes keys from the command line, printing the key once', () => {
    const root = path.resolve(__dirname, '..');
    buildDist();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['dist/src/cli.js', ...args], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'error' },
      });
    const name = uniqueId('cli-key');
    const created = cli('api-key', 'create', '--name', name, '--scopes', 'agent');
    expect(created.status).toBe(0);
    const printed = JSON.parse(created.stdout);
    expect(printed).toMatchObject({ name, scopes: ['agent'], key: expect.stringMatching(/^tk_/) });
    const listed = cli('api-key', 'list');
    expect(listed.stdout).toContain(name);
    expect(listed.stdout).not.toContain(printed.key);
    expect(cli('api-key', 'create', '--name', 'x', '--scopes', 'superuser').status).toBe(2);
    expect(cli('api-key', 'revoke', printed.id).status).toBe(0);
  });
});

describe('rate limits per key', () => {
  let t: TestApp;
  let replica: TestApp;
  const saved = process.env.RATE_LIMIT_PER_MINUTE;
  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_MINUTE = '3';
    t = await createTestApp({ role: 'api' });
    replica = await createTestApp({ role: 'api' });
  });
  afterAll(async () => {
    await t.close();
    await replica.close();
    if (saved === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
    else process.env.RATE_LIMIT_PER_MINUTE = saved;
  });

  const newKey = async (name: string) => (await t.app.get(ApiKeyService).create(name, ['agent'])).key;

  it('answers 429 with Retry-After past the limit, per key', async () => {
    const [first, other] = [await newKey('first key'), await newKey('second key')];
    for (let i = 0; i < 3; i++) await t.http().get('/v1/causes').set('Authorization', `Bearer ${first}`).expect(200);
    const limited = await t.http().get('/v1/causes').set('Authorization', `Bearer ${first}`).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().get('/v1/causes').set('Authorization', `Bearer ${other}`).expect(200);
    await t.http().get('/health/live').expect(200);
  });

  it('counts a key across API replicas: the limit is not multiplied by their number', async () => {
    const key = await newKey('shared key');
    await t.http().get('/v1/causes').set('Authorization', `Bearer ${key}`).expect(200);
    await replica.http().get('/v1/causes').set('Authorization', `Bearer ${key}`).expect(200);
    await t.http().get('/v1/causes').set('Authorization', `Bearer ${key}`).expect(200);
    await replica.http().get('/v1/causes').set('Authorization', `Bearer ${key}`).expect(429);
    await t.http().get('/v1/causes').set('Authorization', `Bearer ${key}`).expect(429);
  });
});
