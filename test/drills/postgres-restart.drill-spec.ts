import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, call, drillTicket, expectEachTriagedOnce, inParallel, postTickets, waitUntil } from './support/probes';
import { PrivatePostgres } from './support/servers';
import { ServiceProcess } from './support/service';

const BATCH = 40;

describe('drill: Postgres restarts under the running service', () => {
  let postgres: PrivatePostgres;
  let stage: DrillStage;
  let api: ServiceProcess;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    stage = await prepareStage('postgres', { postgresUrl: postgres.urlFor('postgres') });
    [api] = await Promise.all([ServiceProcess.startApi(stage.settings), ServiceProcess.startWorker(stage.settings)]);
  }, 90_000);

  afterAll(async () => {
    try {
      await stage?.cleanup();
    } finally {
      await postgres?.destroy();
    }
  }, 60_000);

  it('answers 503 with the error shape while Postgres is down, loses nothing accepted, and recovers by itself', async () => {
    const before = acceptedIds(await postTickets(api, 'before', BATCH));

    await postgres.stop();
    const whileDown = await inParallel(5, 5, (i) => call(api, 'POST', '/v1/tickets', drillTicket('down', i), 10_000));
    for (const answer of whileDown) {
      expect(answer).toMatchObject({
        status: 503,
        body: { error: { code: 'SERVICE.UNAVAILABLE', message: expect.any(String) } },
      });
    }
    const readyWhileDown = await call(api, 'GET', '/health/ready', undefined, 10_000);
    expect(readyWhileDown.status).toBe(503);
    expect(readyWhileDown.body.error.code).toBe('SERVICE.UNAVAILABLE');

    await postgres.restart();
    await waitUntil(
      () => call(api, 'GET', '/health/ready', undefined, 10_000),
      (a) => a.status === 200,
      { timeoutMs: 30_000, what: '/health/ready 200 after the restart' },
    );
    const after = acceptedIds(await postTickets(api, 'after', BATCH));
    await expectEachTriagedOnce(stage.settings.databaseUrl, [...before, ...after], 2 * BATCH);
  }, 120_000);
});
