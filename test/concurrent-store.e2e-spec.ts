/**
 * Two worker processes storing two events of one ticket at the same moment. Each store statement sees the other
 * event still pending, and the second one waits for the first's lock on the ticket row, then keeps its older
 * view: both would leave the ticket `queued`, with both results stored and nothing left to triage. Here the
 * overlap is made certain: a transaction holds the ticket row while both stores start, so both wait on it.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { HelpdeskRegistry } from '../src/helpdesk/helpdesk-registry.service';
import { FixStatsService } from '../src/outcomes/fix-stats.service';
import { AppConfig } from '../src/platform/config/app-config.service';
import { HotQueries } from '../src/platform/database/hot-queries';
import { EngineService } from '../src/triage/engine.service';
import { TriageService } from '../src/triage/triage.service';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, waitFor } from './support/test-app';

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

describe('two workers storing events of one ticket at once', () => {
  let t: TestApp;
  let otherPool: HotQueries;
  let workerA: TriageService;
  let workerB: TriageService;
  /** Holds the ticket row in a transaction. */
  let holder: Client;
  /** Watches the waits (a transaction sees pg_stat_activity as it was at its first read). */
  let probe: Client;

  beforeAll(async () => {
    // The API alone: accepted events stay pending until this test stores them.
    t = await createTestApp({ role: 'api' });
    const worker = (hot: HotQueries) =>
      new TriageService(t.app.get(DataSource), t.app.get(EngineService), t.app.get(HelpdeskRegistry), t.app.get(FixStatsService), hot);
    otherPool = new HotQueries(t.app.get(AppConfig));
    workerA = worker(t.app.get(HotQueries));
    workerB = worker(otherPool);
    holder = new Client({ connectionString: process.env.DATABASE_URL });
    probe = new Client({ connectionString: process.env.DATABASE_URL });
    await Promise.all([holder.connect(), probe.connect()]);
  });

  afterAll(async () => {
    await Promise.all([holder?.end(), probe?.end()]);
    await otherPool?.onApplicationShutdown();
    await t?.close();
  });

  it('ends the ticket done, with both events processed', async () => {
    const first = makeTicket({ updatedAt: '2026-11-20T10:00:00Z' });
    const accepted = await t.http().post('/v1/tickets').set(auth).send(first).expect(202);
    const ticketId: string = accepted.body.id;
    await t
      .http()
      .post('/v1/tickets')
      .set(auth)
      .send({ ...first, description: `${first.description} It still fails after a restart.`, updatedAt: '2026-11-20T11:00:00Z' })
      .expect(202);
    const events: { id: string }[] = (
      await probe.query(`SELECT id FROM inbox_events WHERE ticket_id = $1 AND state = 'pending' ORDER BY received_at`, [ticketId])
    ).rows;
    expect(events).toHaveLength(2);

    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
    const stores = [workerA.processInboxEvent(events[0].id), workerB.processInboxEvent(events[1].id)];
    // Both store statements have started and wait for the ticket row.
    await waitFor(
      async () =>
        (
          await probe.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO triage_results%'`,
          )
        ).rows[0].n,
      (n) => n === 2,
    );
    await holder.query('COMMIT');
    const outcomes = await Promise.all(stores);
    expect(outcomes.map((o) => o.status)).toEqual(['triaged', 'triaged']);

    const ticket = await t.http().get(`/v1/tickets/${ticketId}`).set(auth).expect(200);
    expect(ticket.body.triage.state).toBe('done');
    const states = (await probe.query(`SELECT state FROM inbox_events WHERE ticket_id = $1`, [ticketId])).rows;
    expect(states.map((r) => r.state)).toEqual(['processed', 'processed']);
  });
});
