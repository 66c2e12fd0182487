import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, expectEachTriagedOnce, postTickets } from './support/probes';
import { PrivateRedis, sleep } from './support/servers';
import { ServiceProcess } from './support/service';

const TICKETS = 300;
const BACKLOG = 200;
/** Redis goes down once this many answers came back. */
const KILL_AFTER = 100;
/** Longer than the intake's bounded wait on an enqueue, so answers must come while Redis is down. */
const OUTAGE_MS = 5000;

describe('drill: Redis restarts, losing its queues, while tickets are posted', () => {
  let redis: PrivateRedis;
  let stage: DrillStage;
  let api: ServiceProcess;
  let worker: ServiceProcess;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    stage = await prepareStage('redis', { redisUrl: redis.url });
    [api, worker] = await Promise.all([ServiceProcess.startApi(stage.settings), ServiceProcess.startWorker(stage.settings)]);
  }, 90_000);

  afterAll(async () => {
    try {
      await stage?.cleanup();
    } finally {
      await redis?.kill();
    }
  }, 60_000);

  it('accepts every ticket with 202 during the outage and triages each exactly once after Redis is back', async () => {
    let answered = 0;
    let redisDown = false;
    let answeredDuringOutage = 0;
    let outage: Promise<void> | undefined;
    const answers = await postTickets(api, 'redis', TICKETS, {
      onAnswer: () => {
        answered++;
        if (redisDown) answeredDuringOutage++;
        if (answered !== KILL_AFTER) return;
        outage = (async () => {
          await redis.kill();
          redisDown = true;
          await sleep(OUTAGE_MS);
          await redis.restart();
          redisDown = false;
        })();
      },
    });
    await outage;

    // Intake commits to Postgres first and bounds its wait on Redis: no ticket is refused for a Redis outage.
    expect(answeredDuringOutage).toBeGreaterThan(0);
    const ids = acceptedIds(answers);
    expect(new Set(ids).size).toBe(TICKETS);
    await expectEachTriagedOnce(stage.settings.databaseUrl, ids, TICKETS);
  }, 120_000);

  it('re-enqueues a whole backlog that Redis lost, through the inbox sweeper', async () => {
    // With no worker running the jobs wait in Redis; the restart loses all of them.
    await worker.stop();
    const ids = acceptedIds(await postTickets(api, 'backlog', BACKLOG));
    await redis.kill();
    await redis.restart();

    worker = await ServiceProcess.startWorker(stage.settings, 'worker-2');
    await expectEachTriagedOnce(stage.settings.databaseUrl, ids, TICKETS + BACKLOG);
    expect(requeuedIn(worker.log)).toBe(BACKLOG);
  }, 120_000);
});

/** Jobs the inbox sweeper says it enqueued again, summed over a worker's log lines. */
function requeuedIn(log: string): number {
  let total = 0;
  for (const line of log.split('\n')) {
    if (!line.includes('re-enqueued inbox events')) continue;
    total += (JSON.parse(line) as { requeued: number }).requeued;
  }
  return total;
}
