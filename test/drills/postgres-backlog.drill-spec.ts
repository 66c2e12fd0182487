import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, expectEachTriagedOnce, pipelineCounts, postTickets, waitUntil } from './support/probes';
import { PrivatePostgres, sleep } from './support/servers';
import { ServiceProcess } from './support/service';

const TICKETS = 300;
/** Longer than the triage queue's whole retry backoff (0.5 + 1 + 2 s between its 4 attempts). */
const OUTAGE_MS = 6000;

describe('drill: Postgres goes away while the triage queue has a backlog', () => {
  let postgres: PrivatePostgres;
  let stage: DrillStage;
  let api: ServiceProcess;

  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
    stage = await prepareStage('pgbacklog', { postgresUrl: postgres.urlFor('postgres') });
    api = await ServiceProcess.startApi(stage.settings);
  }, 90_000);

  afterAll(async () => {
    try {
      await stage?.cleanup();
    } finally {
      await postgres?.destroy();
    }
  }, 60_000);

  it('triages every queued ticket once Postgres is back, failing none for the outage', async () => {
    const ids = acceptedIds(await postTickets(api, 'backlog', TICKETS));
    await ServiceProcess.startWorker(stage.settings);
    await waitUntil(
      () => pipelineCounts(stage.settings.databaseUrl),
      (c) => c.processed >= 20,
      { intervalMs: 10, what: 'worker busy' },
    );
    await postgres.stop();
    await sleep(OUTAGE_MS);
    await postgres.restart();
    await expectEachTriagedOnce(stage.settings.databaseUrl, ids, TICKETS, 30_000);
  }, 120_000);
});
