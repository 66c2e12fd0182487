/**
 * The hot-path statements are planned once per connection and the plan is kept, so it must stay an index plan
 * whatever the statistics were when it was made. Here the statements the service really sends are planned as
 * its connections plan them, on a small database analyzed while nothing was pending (the state in which a
 * cached plan once walked the whole pending index for every stored triage), and no plan may read a table
 * whole or use the partial pending index.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HOT_PATH_SESSION_OPTIONS, HotQueries } from '../src/platform/database/hot-queries';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, waitFor } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';

const SECRET = 'hot-plans-zendesk-secret';
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

describe('hot-path statements keep index plans', () => {
  let t: TestApp;
  const sent = new Map<string, string>();

  beforeAll(async () => {
    process.env.ZENDESK_WEBHOOK_SECRET = SECRET;
    t = await createTestApp({ role: 'all' });
    const hot = t.app.get(HotQueries);
    const run = hot.run.bind(hot);
    jest.spyOn(hot, 'run').mockImplementation((name, text, values) => {
      sent.set(name, text);
      return run(name, text, values);
    });
  });

  afterAll(async () => {
    await t?.close();
    delete process.env.ZENDESK_WEBHOOK_SECRET;
  });

  it('plans every hot statement by index, with no partial pending index, on tables analyzed while idle', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await t.http().post('/v1/tickets').set(auth).send(makeTicket()).expect(202);
      ids.push(res.body.id);
    }
    const raw = JSON.stringify({
      ticket: { id: String(Date.now() % 1e9), title: 'Backup', description: 'iCloud backup fails, not enough storage', status: 'open' },
    });
    await postSignedZendesk(t.http, SECRET, raw).expect(202);
    for (const id of ids) {
      await waitFor(
        () =>
          t
            .http()
            .get(`/v1/tickets/${id}`)
            .set(auth)
            .then((r) => r.body),
        (b) => b.triage?.state === 'done',
      );
    }
    await t.app.get(DataSource).query('ANALYZE');
    expect([...sent.keys()].sort()).toEqual(expect.arrayContaining(['inbox_write_batch', 'triage_load_batch', 'triage_store_batch']));

    const client = new Client({ connectionString: process.env.DATABASE_URL, options: HOT_PATH_SESSION_OPTIONS });
    await client.connect();
    try {
      for (const [name, text] of sent) {
        const params = Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
        await client.query(`PREPARE plan_${name} AS ${text}`);
        const rows: { 'QUERY PLAN': string }[] = (
          await client.query(`EXPLAIN EXECUTE plan_${name}(${Array.from({ length: params }, () => 'NULL').join(', ')})`)
        ).rows;
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        expect({ name, wholeTables: plan.match(/Seq Scan on \w+/g) ?? [] }).toEqual({ name, wholeTables: [] });
        expect({ name, pendingIndex: /ix_inbox_pending/.test(plan) }).toEqual({ name, pendingIndex: false });
      }
    } finally {
      await client.end();
    }
  });
});
