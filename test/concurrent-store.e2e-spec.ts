/**
 * Two worker processes storing two events of one ticket at the same moment. Each store statement sees the other
 * event still pending, and the second one waits for the first's lock on the ticket row, then keeps its older
 * view: both would leave the ticket `queued`, with both results stored and nothing left to triage. Here the
 * overlap is made certain: a transaction holds the ticket row while both stores start, so both wait on it.
 */
import { Client } from 'pg';
import { HelpdeskRegistry } from '../src/helpdesk/helpdesk-registry.service';
import { FixStatsService } from '../src/outcomes/fix-stats.service';
import { AppConfig } from '../src/platform/config/app-config.service';
import { HotQueries } from '../src/platform/database/hot-queries';
import { Transactions } from '../src/platform/database/transactions';
import { EngineService } from '../src/triage/engine.service';
import { TriageRepository } from '../src/triage/triage.repository';
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
      new TriageService(
        new TriageRepository(hot),
        t.app.get(Transactions),
        t.app.get(EngineService),
        t.app.get(HelpdeskRegistry),
        t.app.get(FixStatsService),
      );
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

  /** A ticket with two pending events, and both workers' stores waiting on its row, which `holder` holds. */
  async function overlappingStores(): Promise<{ ticketId: string; events: string[]; stores: Promise<unknown>[] }> {
    const first = makeTicket({ updatedAt: '2026-11-20T10:00:00Z' });
    const accepted = await t.http().post('/v1/tickets').set(auth).send(first).expect(202);
    const ticketId: string = accepted.body.id;
    await t
      .http()
      .post('/v1/tickets')
      .set(auth)
      .send({ ...first, description: `${first.description} It still fails after a restart.`, updatedAt: '2026-11-20T11:00:00Z' })
      .expect(202);
    const events: string[] = (
      await probe.query(`SELECT id FROM inbox_events WHERE ticket_id = $1 AND state = 'pending' ORDER BY received_at`, [ticketId])
    ).rows.map((r: { id: string }) => r.id);
    expect(events).toHaveLength(2);

    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
    const stores = [workerA.processInboxEvent(events[0]), workerB.processInboxEvent(events[1])];
    stores.forEach((p) => p.catch(() => undefined));
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
    return { ticketId, events, stores };
  }

  const stateOf = async (ticketId: string) =>
    (await t.http().get(`/v1/tickets/${ticketId}`).set(auth).expect(200)).body.triage.state as string;

  it('ends the ticket done, with both events processed', async () => {
    const { ticketId, stores } = await overlappingStores();
    const outcomes = (await Promise.all(stores)) as { status: string }[];
    expect(outcomes.map((o) => o.status)).toEqual(['triaged', 'triaged']);

    expect(await stateOf(ticketId)).toBe('done');
    const states = (await probe.query(`SELECT state FROM inbox_events WHERE ticket_id = $1`, [ticketId])).rows;
    expect(states.map((r) => r.state)).toEqual(['processed', 'processed']);
  });

  it('settles the ticket when a job runs again, if settling failed after the store', async () => {
    const failSettling = (hot: HotQueries) => {
      const run = hot.run.bind(hot);
      return jest
        .spyOn(hot, 'run')
        .mockImplementation((name, text, values) =>
          name === 'triage_settle_queued' ? Promise.reject(new Error('connection lost')) : run(name, text, values),
        );
    };
    const spies = [failSettling(t.app.get(HotQueries)), failSettling(otherPool)];
    const { ticketId, events, stores } = await overlappingStores();
    const settled = await Promise.allSettled(stores);
    spies.forEach((spy) => spy.mockRestore());
    // The jobs fail (and will run again); the results are stored.
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await stateOf(ticketId)).toBe('queued');
    const results = (await probe.query(`SELECT count(*)::int AS n FROM triage_results WHERE ticket_id = $1`, [ticketId])).rows[0].n;
    expect(results).toBe(2);

    expect(await workerA.processInboxEvent(events[0])).toEqual({ status: 'already-processed' });
    expect(await stateOf(ticketId)).toBe('done');
  });
});
