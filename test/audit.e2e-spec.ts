import { DataSource } from 'typeorm';
import { main as cli } from '../src/cli';
import { ApiKeyService } from '../src/platform/auth/api-key.service';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';

const as = (key: string) => ({ Authorization: `Bearer ${key}` });

/** Runs the admin CLI in this process; returns its exit code and what it printed on stdout. */
async function runCli(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await cli(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('admin audit log: who did what, listed by GET /v1/audit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  type Row = { actor: string; action: string; target: string | null; details: Record<string, unknown> };
  const auditRows = async (): Promise<Row[]> => (await t.http().get('/v1/audit?limit=200').set(as(ADMIN_KEY)).expect(200)).body.items;

  it('records keys made and revoked on the command line, erasures, replays, rebuilds, report runs and model switches, with their actors', async () => {
    const name = uniqueId('ops-admin');
    const created = await runCli('api-key', 'create', '--name', name, '--scopes', 'admin', '--expires-in-days', '30');
    expect(created.code).toBe(0);
    const printed = JSON.parse(created.stdout);
    expect(Date.parse(printed.expiresAt) - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);

    await t.http().post('/v1/admin/inbox/replay-failed').set(as(printed.key)).expect(202);
    await t.http().post('/v1/admin/stats/rebuild').set(as(ADMIN_KEY)).expect(200);
    await t.http().post('/v1/reports/weekly/2026-W40/generate').set(as(ADMIN_KEY)).expect(200);
    await t.http().delete('/v1/requesters/someone@example.com').set(as(ADMIN_KEY)).expect(200);
    expect((await runCli('model', 'activate', '0')).code).toBe(0);
    expect((await runCli('api-key', 'revoke', printed.id)).code).toBe(0);

    const rows = await auditRows();
    expect(rows.map((r) => [r.actor, r.action, r.target])).toEqual([
      ['cli', 'api_key.revoke', printed.id],
      ['cli', 'cause_model.activate', '0'],
      ['ADMIN_API_KEY', 'requester.erase', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ['ADMIN_API_KEY', 'report.regenerate', '2026-W40'],
      ['ADMIN_API_KEY', 'stats.rebuild', null],
      [name, 'inbox.replay', null],
      ['cli', 'api_key.create', printed.id],
    ]);
    expect(rows[5].details).toEqual({ replayed: 0 });
    expect(rows[6].details).toMatchObject({ name, scopes: ['admin'], expiresAt: printed.expiresAt });
    expect(JSON.stringify(rows)).not.toContain('someone@example.com');
  });

  it('pages newest first with the ticket lists’ {items, nextCursor}', async () => {
    const all = await auditRows();
    const seen: Row[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await t.http().get(`/v1/audit${query}`).set(as(ADMIN_KEY)).expect(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const bad = await t.http().get('/v1/audit?cursor=nonsense').set(as(ADMIN_KEY)).expect(400);
    expect(bad.body.error.code).toBe('REQUEST.INVALID');
  });

  it('is for admin keys only (403)', async () => {
    const { key } = await t.app.get(ApiKeyService).create('agent desk', ['agent']);
    const res = await t.http().get('/v1/audit').set(as(key)).expect(403);
    expect(res.body.error.code).toBe('AUTH.FORBIDDEN');
  });
});

describe('API key expiry and last use', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp({ role: 'api' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  it('refuses a key once it has expired (401), even one that worked a moment before', async () => {
    const keys = t.app.get(ApiKeyService);
    const expired = await keys.create('expired', ['agent'], new Date(Date.now() - 1000));
    const res = await t.http().get('/v1/causes').set(as(expired.key)).expect(401);
    expect(res.body.error.code).toBe('AUTH.INVALID_KEY');

    const brief = await keys.create('brief', ['agent'], new Date(Date.now() + 1500));
    await t.http().get('/v1/causes').set(as(brief.key)).expect(200);
    await new Promise((r) => setTimeout(r, 1600));
    await t.http().get('/v1/causes').set(as(brief.key)).expect(401);
  });

  it('records when a key was last used, and lists expiry and last use', async () => {
    const { key, row } = await t.app.get(ApiKeyService).create('used', ['agent']);
    const lastUsed = () =>
      db.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [row.id]).then((r) => r[0].last_used_at as Date | null);
    expect(await lastUsed()).toBeNull();
    await t.http().get('/v1/causes').set(as(key)).expect(200);
    const at = await waitFor(lastUsed, (v) => v !== null);
    expect(Date.now() - at!.getTime()).toBeLessThan(60_000);

    const listed = await runCli('api-key', 'list');
    const mine = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((k) => k.id === row.id);
    expect(mine).toMatchObject({ expiresAt: null, lastUsedAt: at!.toISOString() });
  });

  it('the command line refuses an expiry in the past or two expiries at once', async () => {
    expect((await runCli('api-key', 'create', '--name', 'x', '--scopes', 'agent', '--expires-at', '2020-01-01T00:00:00Z')).code).toBe(2);
    expect(
      (await runCli('api-key', 'create', '--name', 'x', '--scopes', 'agent', '--expires-at', '2099-01-01', '--expires-in-days', '3')).code,
    ).toBe(2);
  });
});
