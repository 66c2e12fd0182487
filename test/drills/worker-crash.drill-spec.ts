import Redis from 'ioredis';
import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, expectEachTriagedOnce, pipelineCounts, postTickets, waitUntil } from './support/probes';
import { ServiceProcess } from './support/service';

const TICKETS = 400;

function pairs(fields: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) out.push([fields[i], fields[i + 1]]);
  return out;
}

describe('drill: a worker is killed in the middle of its jobs', () => {
  let stage: DrillStage;
  let api: ServiceProcess;
  let redis: Redis;

  beforeAll(async () => {
    stage = await prepareStage('crash');
    api = await ServiceProcess.startApi(stage.settings);
    redis = new Redis(stage.settings.redisUrl, { maxRetriesPerRequest: 1 });
  }, 90_000);

  afterAll(async () => {
    redis?.disconnect();
    await stage?.cleanup();
  }, 60_000);

  it("lets a new worker take over the dead one's jobs after their lock expires, triaging each ticket once", async () => {
    const { databaseUrl, queuePrefix } = stage.settings;
    // A backlog first, so the worker is surely busy when it dies.
    const ids = acceptedIds(await postTickets(api, 'crash', TICKETS));
    const doomed = await ServiceProcess.startWorker(stage.settings, 'worker-1');
    await waitUntil(
      () => pipelineCounts(databaseUrl),
      (c) => c.processed >= 20,
      { intervalMs: 10, what: 'worker-1 busy' },
    );
    await doomed.kill();
    const heldWhenKilled = await redis.lrange(`${queuePrefix}:triage:active`, 0, -1);
    expect(heldWhenKilled.length).toBeGreaterThan(0);
    expect((await pipelineCounts(databaseUrl)).processed).toBeLessThan(TICKETS);

    await ServiceProcess.startWorker(stage.settings, 'worker-2');
    await expectEachTriagedOnce(databaseUrl, ids, TICKETS);
    // The jobs the dead worker held are found stalled once their lock expires (2 s here) and run again by
    // worker-2. A held job whose events were all stored before the kill is not needed for the tickets above, so
    // its detection may come after them: wait for it. Finished triage jobs leave Redis, so the evidence is the
    // queue's event stream. A job that had already stalled once before (its lock not renewed in time on a
    // loaded machine) is failed as "stalled more than allowable limit" instead, and its events are then enqueued
    // again by the sweeper: either way the dead worker's jobs were detected, and each ticket was triaged once.
    const undetected = async () => {
      const events = await redis.xrange(`${queuePrefix}:triage:events`, '-', '+');
      const detected = new Set(
        events
          .map(([, fields]) => Object.fromEntries(pairs(fields)))
          .filter((e) => e.event === 'stalled' || (e.event === 'failed' && /stalled/i.test(e.failedReason ?? '')))
          .map((e) => e.jobId),
      );
      return heldWhenKilled.filter((jobId) => !detected.has(jobId));
    };
    expect(await waitUntil(undetected, (left) => left.length === 0, { timeoutMs: 20_000, what: 'held jobs detected' })).toEqual([]);
  }, 120_000);
});
