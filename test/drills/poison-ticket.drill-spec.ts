import { randomUUID } from 'node:crypto';
import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, call, metricValue, postTickets, scrape, untriaged, waitUntil, withClient } from './support/probes';
import { ServiceProcess } from './support/service';
import { JobQueue } from '../../src/platform/queue/job-queue';

const HEALTHY_AFTER = 30;

describe('drill: a poison ticket whose triage throws', () => {
  let stage: DrillStage;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let jobs: ReturnType<typeof JobQueue.connect>;

  beforeAll(async () => {
    stage = await prepareStage('poison');
    [api, worker] = await Promise.all([ServiceProcess.startApi(stage.settings), ServiceProcess.startWorker(stage.settings)]);
    jobs = JobQueue.connect(stage.settings.redisUrl, stage.settings.queuePrefix);
  }, 90_000);

  afterAll(async () => {
    await jobs?.close();
    await stage?.cleanup();
  }, 60_000);

  const databaseUrl = () => stage.settings.databaseUrl;
  const triaged = (ids: string[]) =>
    waitUntil(
      () => untriaged(databaseUrl(), ids),
      (n) => n === 0,
      { what: `${ids.length} tickets triaged` },
    );

  /**
   * An event for a known ticket whose stored description is a number, not text: the engine throws on it
   * (a TypeError deep in normalisation) on every attempt. Enqueued as the intake does.
   */
  async function injectPoisonEvent(ticketId: string): Promise<string> {
    const inboxId = randomUUID();
    await withClient(databaseUrl(), async (c) => {
      await c.query(
        `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at)
         VALUES ($1, $2, 'api', $3, 'ticket', $4, now())`,
        [inboxId, ticketId, `drill-poison:${inboxId}`, { subject: 'backup broken', description: 42 }],
      );
      await c.query(`UPDATE tickets SET triage_state = 'queued' WHERE id = $1`, [ticketId]);
    });
    await jobs.enqueue({ name: 'triage', data: { inboxId } });
    return inboxId;
  }

  const inboxRow = (inboxId: string) =>
    withClient(databaseUrl(), async (c) => {
      const { rows } = await c.query('SELECT state, attempts, last_error FROM inbox_events WHERE id = $1', [inboxId]);
      return rows[0] as { state: string; attempts: number; last_error: string | null };
    });

  it('fails after its attempts with its error visible in the API and metrics, without holding up the queue', async () => {
    const [victimId] = acceptedIds(await postTickets(api, 'victim', 1));
    await triaged([victimId]);
    const poisonId = await injectPoisonEvent(victimId);

    const healthy = acceptedIds(await postTickets(api, 'healthy', HEALTHY_AFTER));
    // The first of them is done while the poison is still being retried (its attempts take seconds of backoff).
    await waitUntil(
      () => untriaged(databaseUrl(), healthy),
      (n) => n < HEALTHY_AFTER,
      { intervalMs: 20 },
    );
    expect((await inboxRow(poisonId)).state).toBe('pending');
    await triaged(healthy);

    const failed = await waitUntil(
      () => call(api, 'GET', `/v1/tickets/${victimId}`),
      (a) => a.body?.triage?.state === 'failed',
      { what: 'poison ticket failed' },
    );
    const row = await inboxRow(poisonId);
    expect(row).toMatchObject({ state: 'failed', attempts: 4 });
    expect(row.last_error).toMatch(/\S/);
    expect(failed.body.triage.error).toBe(row.last_error);

    const workerMetrics = await scrape(worker);
    expect(metricValue(workerMetrics, 'ticket_triage_job_failures_total', { queue: 'triage', final: 'true' })).toBe(1);
    expect(metricValue(workerMetrics, 'ticket_triage_job_failures_total', { queue: 'triage', final: 'false' })).toBe(3);
    expect(metricValue(await scrape(api), 'ticket_triage_inbox_events', { state: 'failed' })).toBe(1);
  }, 120_000);
});
