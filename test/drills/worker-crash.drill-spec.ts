import { JobQueue } from '../../src/platform/queue/job-queue';
import { QueueName } from '../../src/platform/queue/queues';
import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, expectEachTriagedOnce, pipelineCounts, postTickets, waitUntil } from './support/probes';
import { ServiceProcess } from './support/service';

const TICKETS = 400;

describe('drill: a worker is killed in the middle of its jobs', () => {
  let stage: DrillStage;
  let api: ServiceProcess;
  let jobs: ReturnType<typeof JobQueue.connect>;

  beforeAll(async () => {
    stage = await prepareStage('crash');
    api = await ServiceProcess.startApi(stage.settings);
    jobs = JobQueue.connect(stage.settings.redisUrl, stage.settings.queuePrefix);
  }, 90_000);

  afterAll(async () => {
    await jobs?.close();
    await stage?.cleanup();
  }, 60_000);

  it("lets a new worker take over the dead one's jobs after their lock expires, triaging each ticket once", async () => {
    const { databaseUrl } = stage.settings;
    // A backlog first, so the worker is surely busy when it dies.
    const ids = acceptedIds(await postTickets(api, 'crash', TICKETS));
    const doomed = await ServiceProcess.startWorker(stage.settings, 'worker-1');
    await waitUntil(
      () => pipelineCounts(databaseUrl),
      (c) => c.processed >= 20,
      { intervalMs: 10, what: 'worker-1 busy' },
    );
    await doomed.kill();
    const heldWhenKilled = await jobs.activeJobIds(QueueName.Triage);
    expect(heldWhenKilled.length).toBeGreaterThan(0);
    expect((await pipelineCounts(databaseUrl)).processed).toBeLessThan(TICKETS);

    await ServiceProcess.startWorker(stage.settings, 'worker-2');
    await expectEachTriagedOnce(databaseUrl, ids, TICKETS);
    // The jobs the dead worker held are found stalled once their lock expires (2 s here) and run again by
    // worker-2. A held job whose events were all stored before the kill is not needed for the tickets above, so
    // its detection may come after them: wait for it. Nothing but that detection takes a job from a dead worker,
    // so a held job that has finished was detected: a finished triage job leaves Redis, and one that had already
    // stalled once before (its lock not renewed in time on a loaded machine) is failed as "stalled more than
    // allowable limit" instead, its events then enqueued again by the sweeper. Either way each ticket was
    // triaged once.
    const undetected = async () => {
      const held = await Promise.all(heldWhenKilled.map((jobId) => jobs.getJob(QueueName.Triage, jobId)));
      const finished = await Promise.all(held.map(async (job) => !job || (await job.isFailed())));
      return heldWhenKilled.filter((_, i) => !finished[i]);
    };
    expect(await waitUntil(undetected, (left) => left.length === 0, { timeoutMs: 20_000, what: 'held jobs detected' })).toEqual([]);
  }, 120_000);
});
