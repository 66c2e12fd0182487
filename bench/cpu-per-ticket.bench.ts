/**
 * Service CPU per ticket at a fixed rate, by process, and what Postgres did per ticket; optionally against
 * another checkout of the service, in one session (figures from another day or host do not compare).
 *
 * For each endpoint (POST /v1/tickets, the signed Zendesk webhook) a run offers RATE requests a second for
 * SECONDS, waits until every accepted ticket's triage is stored, and divides the CPU the API, the worker, every
 * Postgres process and Redis used meanwhile by the tickets accepted. Postgres' own counters (transactions,
 * rows inserted, updated and fetched, buffer hits) per ticket come beside it: they do not move with the
 * shared host's speed, so a change in them is a change in the work.
 *
 *   npm run bench:cpu                                  (RATE=800, SECONDS=8, RUNS=4)
 *   COMPARE_WITH=/path/to/other/checkout npm run bench:cpu
 *
 * With COMPARE_WITH (a built checkout: `npm ci && npm run build` there) runs alternate this, other, other,
 * this, ...: a run pays for Postgres writing out the pages of the run before it, so a fixed order would favour
 * the checkout that runs first.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  cpuSeconds,
  cpuSecondsBetween,
  cpuSecondsByPid,
  dropDatabase,
  freePort,
  freshDatabase,
  machine,
  ROOT,
  startService,
} from './support/processes';
import { SECRET, ticketBody, zendeskRequest } from './support/requests';

const RATE = Number(process.env.RATE ?? 800);
const SECONDS = Number(process.env.SECONDS ?? 8);
const RUNS = Number(process.env.RUNS ?? 4);
const OTHER = process.env.COMPARE_WITH;
const DB = 'triage_bench_cpu';

type Endpoint = 'tickets' | 'zendesk';
const COUNTERS = ['xacts', 'tup_inserted', 'tup_updated', 'tup_fetched', 'blks_hit'] as const;

interface RunFigures {
  /** CPU milliseconds per accepted ticket. */
  api: number;
  worker: number;
  postgres: number;
  redis: number;
  service: number;
  /** Postgres counters per accepted ticket. */
  counters: Record<(typeof COUNTERS)[number], number>;
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

async function drained(db: Client): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const { n } = (await db.query(`SELECT count(*)::int AS n FROM inbox_events WHERE state = 'pending'`)).rows[0];
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the worker did not catch up within 5 minutes');
}

async function counters(db: Client): Promise<Record<string, number>> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await db.query(
    `SELECT xact_commit + xact_rollback AS xacts, tup_inserted, tup_updated, tup_fetched, blks_hit
     FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}

/** One run of the checkout at `root`: a fresh database and queue prefix, both endpoints in turn. */
async function measure(root: string): Promise<Record<Endpoint, RunFigures>> {
  const key = randomBytes(24).toString('hex');
  const url = await freshDatabase(DB);
  const env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: `{bench-cpu-${Date.now().toString(36)}}`,
    ADMIN_API_KEY: key,
    ZENDESK_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    WORKER_METRICS_PORT: '0',
    INBOX_SWEEP_SECONDS: '30',
  };
  const port = await freePort();
  const api = await startService('main', { ...env, ROLE: 'api' }, port, root);
  const worker = await startService('worker', { ...env, ROLE: 'worker', LOG_LEVEL: 'info' }, undefined, root);
  const db = new Client({ connectionString: url });
  await db.connect();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const base = { method: 'POST' as const, connections: 32 };
  try {
    // Warm-up, then the tables' statistics as a running service has them.
    await run({
      ...base,
      url: `http://127.0.0.1:${port}/v1/tickets`,
      duration: 3,
      headers,
      requests: [{ setupRequest: (r) => ({ ...r, body: ticketBody() }) }],
    });
    await drained(db);
    await db.query('ANALYZE');
    const figures = {} as Record<Endpoint, RunFigures>;
    const endpoints: [Endpoint, string, autocannon.Request][] = [
      ['tickets', '/v1/tickets', { setupRequest: (r) => ({ ...r, headers, body: ticketBody() }) }],
      ['zendesk', '/webhooks/zendesk', { setupRequest: (r) => ({ ...r, ...zendeskRequest() }) }],
    ];
    for (const [name, pathName, request] of endpoints) {
      // Dirty pages of the warm-up or the previous endpoint are written now, not during the measured run.
      await db.query('CHECKPOINT');
      await new Promise((r) => setTimeout(r, 2000));
      const before = {
        api: cpuSeconds(api.child.pid),
        worker: cpuSeconds(worker.child.pid),
        pg: cpuSecondsByPid('postgres'),
        redis: cpuSecondsByPid('redis-server'),
        db: await counters(db),
      };
      const result = await run({
        ...base,
        url: `http://127.0.0.1:${port}${pathName}`,
        duration: SECONDS,
        overallRate: RATE,
        requests: [request],
      });
      await drained(db);
      const n = Math.max(1, result.requests.total - result.non2xx);
      const ms = (seconds: number) => Math.round((seconds * 1e6) / n) / 1000;
      const split = {
        api: ms(cpuSeconds(api.child.pid) - before.api),
        worker: ms(cpuSeconds(worker.child.pid) - before.worker),
        postgres: ms(cpuSecondsBetween(before.pg, cpuSecondsByPid('postgres'))),
        redis: ms(cpuSecondsBetween(before.redis, cpuSecondsByPid('redis-server'))),
      };
      await new Promise((r) => setTimeout(r, 1000)); // the statistics collector's last report
      const after = await counters(db);
      figures[name] = {
        ...split,
        service: Math.round((split.api + split.worker + split.postgres + split.redis) * 1000) / 1000,
        counters: Object.fromEntries(
          COUNTERS.map((c) => [c, Math.round(((after[c] - before.db[c]) / n) * 100) / 100]),
        ) as RunFigures['counters'],
      };
      if (result.non2xx > 0) console.log(`  ${name}: ${result.non2xx} answers were not 2xx`);
    }
    return figures;
  } finally {
    await db.end();
    await api.stop();
    await worker.stop();
    await dropDatabase(DB);
  }
}

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000) / 1000;

async function main(): Promise<void> {
  const checkouts = OTHER ? [ROOT, OTHER] : [ROOT];
  // this, other, other, this, ...
  const order = Array.from({ length: RUNS * checkouts.length }, (_, i) => checkouts[Math.floor((i + 1) / 2) % checkouts.length]);
  console.log(`CPU per ticket on ${machine()}: ${RATE} requests/s for ${SECONDS} s per endpoint, ${RUNS} run(s) per checkout`);
  const results = new Map<string, Record<Endpoint, RunFigures>[]>(checkouts.map((c) => [c, []]));
  for (const root of order) {
    const figures = await measure(root);
    results.get(root)!.push(figures);
    console.log(`${root}: tickets ${figures.tickets.service} ms, zendesk ${figures.zendesk.service} ms`);
  }
  console.log(
    '\nmean per accepted ticket     CPU ms: api  worker  postgres  redis  service | Postgres: xacts  inserted  updated  fetched  buffer hits',
  );
  for (const endpoint of ['tickets', 'zendesk'] as const) {
    for (const root of checkouts) {
      const runs = results.get(root)!.map((r) => r[endpoint]);
      const cpu = (['api', 'worker', 'postgres', 'redis', 'service'] as const).map((k) => mean(runs.map((r) => r[k])).toFixed(3));
      const db = COUNTERS.map((c) => mean(runs.map((r) => r.counters[c])).toFixed(2));
      console.log(`${endpoint.padEnd(8)} ${root === ROOT ? 'this' : 'other'}   ${cpu.join('  ')} | ${db.join('  ')}`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
