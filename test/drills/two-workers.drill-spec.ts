import { DrillStage, prepareStage } from './support/drill-stage';
import { acceptedIds, expectEachTriagedOnce, metricValue, postTickets, scrape } from './support/probes';
import { ServiceProcess } from './support/service';

const TICKETS = 400;

describe('drill: two workers share the triage queue behind one API', () => {
  let stage: DrillStage;
  let api: ServiceProcess;
  let workers: ServiceProcess[];

  beforeAll(async () => {
    stage = await prepareStage('pair');
    [api, ...workers] = await Promise.all([
      ServiceProcess.startApi(stage.settings),
      ServiceProcess.startWorker(stage.settings, 'worker-1'),
      ServiceProcess.startWorker(stage.settings, 'worker-2'),
    ]);
  }, 90_000);

  afterAll(() => stage?.cleanup(), 60_000);

  /** Tickets a worker triaged, from its own /metrics (events accepted together share a job). */
  const jobsDone = async (worker: ServiceProcess) => metricValue(await scrape(worker), 'ticket_triage_triage_results_total');

  it('splits the tickets between both workers and triages none twice', async () => {
    const ids = acceptedIds(await postTickets(api, 'pair', TICKETS, { lanes: 16 }));
    await expectEachTriagedOnce(stage.settings.databaseUrl, ids, TICKETS);

    const shares = await Promise.all(workers.map(jobsDone));
    expect(shares[0] + shares[1]).toBe(TICKETS);
    for (const share of shares) expect(share).toBeGreaterThanOrEqual(TICKETS / 10);
  }, 120_000);
});
