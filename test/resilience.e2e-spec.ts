import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { IntakeService } from '../src/intake/intake.service';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from '../src/platform/queue/queues';
import { InboxSweeperService } from '../src/triage/inbox-sweeper.service';
import { EngineService, LearnedState, TriageOutput } from '../src/triage/engine.service';
import type { TriageInput } from '../src/engine';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';

const POISON = 'POISON-TICKET-MARKER';

/** The real engine, except that it throws on one marked ticket. */
class PoisonableEngineService extends EngineService {
  override triage(input: TriageInput, learned?: Partial<LearnedState>, now?: Date): TriageOutput {
    if (input.description.includes(POISON)) throw new Error('engine exploded on this ticket');
    return super.triage(input, learned, now);
  }
}

describe('no accepted ticket is lost', () => {
  let t: TestApp;
  let redis: Redis;
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    t = await createTestApp({
      override: (b) => b.overrideProvider(EngineService).useClass(PoisonableEngineService),
    });
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(async () => {
    redis.disconnect();
    await t.close();
  });

  const getTicket = (id: string) =>
    t
      .http()
      .get(`/v1/tickets/${id}`)
      .set(auth)
      .then((r) => r.body);

  async function deleteQueueKeys(): Promise<number> {
    const keys = await redis.keys(`${process.env.QUEUE_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    return keys.length;
  }

  it('triages a ticket whose queued job vanished from Redis, through the inbox sweeper', async () => {
    // An API with no worker accepts the ticket; the queue is lost; a worker started afterwards finds the
    // inbox row through its sweeper. Its own queue prefix keeps the suite's other worker out of it.
    const suitePrefix = process.env.QUEUE_PREFIX;
    process.env.QUEUE_PREFIX = `${suitePrefix!.replace(/}$/, '')}-lost}`;
    const api = await createTestApp({ role: 'api' });
    let worker: TestApp | undefined;
    try {
      const db = api.app.get(DataSource);
      const res = await api.http().post('/v1/tickets').set(auth).send(makeTicket()).expect(202);
      expect(await deleteQueueKeys()).toBeGreaterThan(0);
      const [inbox] = await db.query('SELECT state FROM inbox_events WHERE ticket_id = $1', [res.body.id]);
      expect(inbox.state).toBe('pending');

      worker = await createTestApp({ role: 'worker' });
      const body = await waitFor(
        () =>
          api
            .http()
            .get(`/v1/tickets/${res.body.id}`)
            .set(auth)
            .then((r) => r.body),
        (b) => b.triage.state === 'done',
        { timeoutMs: 15_000 },
      );
      expect(body.triage.cause.id).toBe('storage_full');
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM triage_results WHERE ticket_id = $1', [res.body.id]);
      expect(n).toBe(1);
    } finally {
      await worker?.close();
      await api.close();
      process.env.QUEUE_PREFIX = suitePrefix;
    }
  });

  it('ends a poison ticket failed with its error after its attempts, and keeps triaging the next one', async () => {
    const poison = await t
      .http()
      .post('/v1/tickets')
      .set(auth)
      .send(makeTicket({ description: `backup broken ${POISON}` }))
      .expect(202);
    const healthy = await t.http().post('/v1/tickets').set(auth).send(makeTicket()).expect(202);

    const healthyBody = await waitFor(
      () => getTicket(healthy.body.id),
      (b) => b.triage.state === 'done',
    );
    expect(healthyBody.triage.cause.id).toBe('storage_full');

    const failed = await waitFor(
      () => getTicket(poison.body.id),
      (b) => b.triage.state === 'failed',
      { timeoutMs: 20_000 },
    );
    expect(failed.triage.error).toContain('engine exploded');
    const [row] = await t.app
      .get(DataSource)
      .query('SELECT state, attempts, last_error FROM inbox_events WHERE ticket_id = $1', [poison.body.id]);
    expect(row).toMatchObject({ state: 'failed', attempts: 4, last_error: 'engine exploded on this ticket' });
  });

  /** Events accepted in the same event-loop turn, as concurrent requests are under load: one statement, one job. */
  async function acceptTogether(app: TestApp, descriptions: string[]): Promise<string[]> {
    const intake = app.app.get(IntakeService);
    const results = await Promise.all(
      descriptions.map((description, i) =>
        intake.accept({ source: 'api', externalId: uniqueId(`together-${i}`), subject: 'Backup', description }),
      ),
    );
    return results.map((r) => r.ticketId);
  }

  it('triages tickets accepted together in one job; a poison among them fails alone after its attempts', async () => {
    const healthyText = makeTicket().description;
    const ids = await acceptTogether(t, [...Array.from({ length: 7 }, () => healthyText), `backup broken ${POISON}`]);
    const db = t.app.get(DataSource);
    const jobs: { batch_job_id: string | null }[] = await db.query(
      'SELECT DISTINCT batch_job_id FROM inbox_events WHERE ticket_id = ANY($1::uuid[])',
      [ids],
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0].batch_job_id).toMatch(/^b-/);

    for (const id of ids.slice(0, 7)) {
      const body = await waitFor(
        () => getTicket(id),
        (b) => b.triage.state === 'done',
      );
      expect(body.triage.cause.id).toBe('storage_full');
    }
    const failed = await waitFor(
      () => getTicket(ids[7]),
      (b) => b.triage.state === 'failed',
      { timeoutMs: 20_000 },
    );
    expect(failed.triage.error).toContain('engine exploded');
    const [row] = await db.query('SELECT state, attempts FROM inbox_events WHERE ticket_id = $1', [ids[7]]);
    expect(row).toMatchObject({ state: 'failed', attempts: 4 });
  });

  /**
   * A second app (its own queue prefix, this suite's database) whose triage queue is paused, for sweeps run by
   * hand: the periodic sweeps of this app and of the suite's app are stopped meanwhile, or they would take
   * some of the aged rows. Everything is put back afterwards.
   */
  async function withHandSweeper(
    name: string,
    body: (app: TestApp, sweeper: InboxSweeperService, queue: Queue) => Promise<void>,
  ): Promise<void> {
    const suitePrefix = process.env.QUEUE_PREFIX;
    process.env.QUEUE_PREFIX = `${suitePrefix!.replace(/}$/, '')}-${name}}`;
    const app = await createTestApp({ role: 'all' });
    try {
      const queue = app.app.get<Queue>(getQueueToken(QueueName.Triage));
      await queue.pause();
      t.app.get(InboxSweeperService).onApplicationShutdown();
      const sweeper = app.app.get(InboxSweeperService);
      sweeper.onApplicationShutdown();
      await body(app, sweeper, queue);
    } finally {
      await app.close();
      process.env.QUEUE_PREFIX = suitePrefix;
      t.app.get(InboxSweeperService).onApplicationBootstrap();
    }
  }

  /**
   * Which of these tickets' inbox events have a job of their own in the queue. (Counts returned by sweep() would
   * include earlier tests' leftover events in this suite's database, stale after a second in tests.)
   */
  async function ownJobs(app: TestApp, ticketIds: string[]): Promise<{ withJob: number; events: number }> {
    const queue = app.app.get<Queue>(getQueueToken(QueueName.Triage));
    const rows: { id: string }[] = await app.app
      .get(DataSource)
      .query('SELECT id FROM inbox_events WHERE ticket_id = ANY($1::uuid[])', [ticketIds]);
    const jobs = await Promise.all(rows.map((r) => queue.getJob(r.id)));
    return { withJob: jobs.filter(Boolean).length, events: rows.length };
  }

  it('the sweeper leaves events alone while their common job is queued, and enqueues them once it is gone', async () => {
    await withHandSweeper('swept', async (worker, sweeper, queue) => {
      const ids = await acceptTogether(
        worker,
        Array.from({ length: 3 }, () => makeTicket().description),
      );
      const db = worker.app.get(DataSource);
      // Old enough to be swept.
      await db.query(`UPDATE inbox_events SET received_at = now() - interval '1 hour' WHERE ticket_id = ANY($1::uuid[])`, [ids]);
      await sweeper.sweep();
      expect(await ownJobs(worker, ids)).toEqual({ withJob: 0, events: 3 });

      const batchJobs: { batch_job_id: string }[] = await db.query(
        'SELECT DISTINCT batch_job_id FROM inbox_events WHERE ticket_id = ANY($1::uuid[])',
        [ids],
      );
      for (const { batch_job_id } of batchJobs) await (await queue.getJob(batch_job_id))!.remove();
      expect(await sweeper.sweep()).toBeGreaterThanOrEqual(3);
      expect(await ownJobs(worker, ids)).toEqual({ withJob: 3, events: 3 });
      // A second pass finds their jobs and adds none: each ticket is triaged once (checked below).
      await sweeper.sweep();

      await queue.resume();
      for (const id of ids) {
        await waitFor(
          () =>
            worker
              .http()
              .get(`/v1/tickets/${id}`)
              .set(auth)
              .then((r) => r.body),
          (b) => b.triage.state === 'done',
        );
      }
      const [{ n }] = await db.query('SELECT count(*)::int AS n FROM triage_results WHERE ticket_id = ANY($1::uuid[])', [ids]);
      expect(n).toBe(3);
    });
  });

  it('the sweeper rebuilds a lost queue larger than one page in one pass', async () => {
    await withHandSweeper('lost', async (worker, sweeper, queue) => {
      const text = makeTicket().description;
      const ids: string[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(
          ...(await acceptTogether(
            worker,
            Array.from({ length: 100 }, () => text),
          )),
        );
      const db = worker.app.get(DataSource);
      await db.query(`UPDATE inbox_events SET received_at = now() - interval '1 hour' WHERE ticket_id = ANY($1::uuid[])`, [ids]);
      // Redis loses the queue: every waiting job is gone.
      await queue.obliterate({ force: true });
      await queue.pause(); // obliterate removed the paused mark with everything else
      // One pass enqueues every one of them again (a page is 500 rows).
      expect(await sweeper.sweep()).toBeGreaterThanOrEqual(1200);
      expect(await ownJobs(worker, ids)).toEqual({ withJob: 1200, events: 1200 });

      await queue.resume();
      const done = await waitFor(
        () => db.query('SELECT count(*)::int AS n FROM triage_results WHERE ticket_id = ANY($1::uuid[])', [ids]),
        (rows: { n: number }[]) => rows[0].n === 1200,
        { timeoutMs: 60_000 },
      );
      expect(done[0].n).toBe(1200);
    });
  }, 90_000);
});
