/**
 * Ingest and end-to-end benchmark, the API and the worker as separate processes on loopback:
 *   1. baseline: the same framework answering 202 with no work;
 *   2. POST /v1/tickets and POST /webhooks/zendesk (signed) under load (autocannon);
 *   3. sustained intake: POST /v1/tickets offered at a fixed rate (TARGET_RATE) for SUSTAIN_SECONDS by clients
 *      that are not in step (see sustainedLoad), latency as clients see it, with the worker triaging on the same
 *      cores; later, with the worker stopped (triage placed on other machines): autocannon's own rate mode (every
 *      connection in step) for comparison, then POST /v1/tickets and the signed Zendesk webhook. The ceiling runs
 *      above saturate the service, which measures its ceiling, not what it sustains;
 *   4. end to end at a fixed rate: p50/p95/p99 from accept to stored triage, and whether a backlog grows;
 *   5. intake with the worker stopped, then worker throughput: that backlog triaged and stored, tickets per second;
 *   6. resident memory of the API and the worker under that load.
 *
 *   npm run bench:ingest     (LOAD_SECONDS=10, TARGET_RATE=2000, SUSTAIN_SECONDS=30, E2E_RATE=500, E2E_SECONDS=60,
 *                             BACKLOG=5000 more tickets after the worker-stopped run, CONNECTIONS=64,
 *                             SUSTAIN_CONNECTIONS=CONNECTIONS in CLIENT_GROUPS=16 groups not in step in the sustained runs)
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Redis from 'ioredis';
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
  rssMiB,
  startService,
} from './support/processes';
import { SECRET, ticketBody, zendeskRequest } from './support/requests';

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 10);
const TARGET_RATE = Number(process.env.TARGET_RATE ?? 2000);
const SUSTAIN_SECONDS = Number(process.env.SUSTAIN_SECONDS ?? 30);
const E2E_RATE = Number(process.env.E2E_RATE ?? 500);
const E2E_SECONDS = Number(process.env.E2E_SECONDS ?? 60);
const BACKLOG = Number(process.env.BACKLOG ?? 5000);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 64);
const SUSTAIN_CONNECTIONS = Number(process.env.SUSTAIN_CONNECTIONS ?? CONNECTIONS);
const CLIENT_GROUPS = Number(process.env.CLIENT_GROUPS ?? 16);
/** A fresh random key per run: the service runs with NODE_ENV=production, which refuses placeholder keys. */
const ADMIN_KEY = randomBytes(24).toString('hex');
const DB = 'triage_bench_ingest';

interface LoadFigures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds per accepted request, by process, until the run's tickets were triaged and stored. */
  cpuMsPerRequest?: CpuSplit;
}

interface CpuSplit {
  api: number;
  worker: number;
  postgres: number;
  redis: number;
  loadGenerator: number;
  total: number;
}

function figures(name: string, r: autocannon.Result, cpu?: CpuSplit): LoadFigures {
  return {
    name,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    ...(cpu ? { cpuMsPerRequest: cpu } : {}),
  };
}

/**
 * CPU time used by each part between start() and the returned stop(), per request. On a shared machine whose
 * speed varies between runs this is steadier than requests per second for comparing two versions of the code.
 */
function cpuMeter(pids: () => { api?: number; worker?: number }): () => () => (requests: number) => CpuSplit {
  const read = () => {
    const { api, worker } = pids();
    const own = process.cpuUsage();
    return {
      api: cpuSeconds(api),
      worker: cpuSeconds(worker),
      postgres: cpuSecondsByPid('postgres'),
      redis: cpuSecondsByPid('redis-server'),
      loadGenerator: (own.user + own.system) / 1e6,
    };
  };
  return () => {
    const before = read();
    return () => {
      const after = read();
      const used = {
        api: after.api - before.api,
        // A worker restarted in between counts from its start.
        worker: after.worker >= before.worker ? after.worker - before.worker : after.worker,
        postgres: cpuSecondsBetween(before.postgres, after.postgres),
        redis: cpuSecondsBetween(before.redis, after.redis),
        loadGenerator: after.loadGenerator - before.loadGenerator,
      };
      return (requests: number) => {
        const per = (k: keyof typeof used) => Math.round((used[k] * 1e6) / Math.max(1, requests)) / 1000;
        const split = {
          api: per('api'),
          worker: per('worker'),
          postgres: per('postgres'),
          redis: per('redis'),
          loadGenerator: per('loadGenerator'),
        };
        return {
          ...split,
          total: Math.round((split.api + split.worker + split.postgres + split.redis + split.loadGenerator) * 1000) / 1000,
        };
      };
    };
  };
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * A fixed rate offered for `seconds` by SUSTAIN_CONNECTIONS clients that are not in step, as independent senders
 * are. Each connection waits for an answer before it sends its next request: once answers take longer than
 * SUSTAIN_CONNECTIONS / rate seconds on average (32 ms for 64 connections at 2,000/s), less than the rate is
 * offered, and `accepted` says how much got through. More connections keep offering the rate, but in larger
 * groups, whose bursts are larger.
 *
 * autocannon's rate mode gives every connection a quota per second, and all the quotas start at the same
 * instant: each second opens with every connection sending back to back and ends in silence, a burst rather
 * than a steady rate. Here the connections form CLIENT_GROUPS autocannon instances whose seconds start
 * 1000/CLIENT_GROUPS ms apart. `inStep` keeps autocannon's own behaviour at CONNECTIONS, for comparison.
 *
 * Latency is each 2xx answer's own. In rate mode autocannon otherwise adds synthetic samples for requests it
 * assumes were held back, at an interval it computes as ceil(1 / rate per connection) = 1 ms, which pulls its
 * percentiles down (a 40 ms answer also records 39, 38, ... 1 ms). The in-step run keeps those samples in
 * autocannon's own figures (`reported`), beside the answers' own.
 */
async function sustainedLoad(
  options: autocannon.Options,
  rate: number,
  seconds: number,
  inStep: boolean,
): Promise<Omit<SustainedFigures, 'name'>> {
  const groups = inStep ? 1 : CLIENT_GROUPS;
  const connections = inStep ? CONNECTIONS : SUSTAIN_CONNECTIONS;
  if (connections % groups !== 0) throw new Error(`SUSTAIN_CONNECTIONS (${connections}) must be a multiple of CLIENT_GROUPS (${groups})`);
  if (rate < connections) throw new Error(`TARGET_RATE (${rate}) must be at least one request per second per connection (${connections})`);
  // Whole requests per second for each group, adding up to the rate.
  const rateOf = (i: number) => Math.floor(rate / groups) + (i < rate % groups ? 1 : 0);
  const latencies: number[] = [];
  const results = await Promise.all(
    Array.from(
      { length: groups },
      (_, i) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          setTimeout(
            () => {
              const instance = autocannon(
                {
                  ...options,
                  connections: connections / groups,
                  overallRate: rateOf(i),
                  duration: seconds,
                  ignoreCoordinatedOmission: !inStep,
                },
                (err, result) => (err ? reject(err) : resolve(result)),
              );
              instance.on('response', (_client, statusCode, _bytes, ms) => {
                if (statusCode >= 200 && statusCode < 300) latencies.push(ms);
              });
            },
            (i * 1000) / groups,
          );
        }),
    ),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    offered: rate,
    connections,
    accepted: Math.round(latencies.length / seconds),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: at(1),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors + r.timeouts),
    ...(inStep ? { reported: { p50: results[0].latency.p50, p90: results[0].latency.p90, p99: results[0].latency.p99 } } : {}),
  };
}

async function pendingCount(db: Client): Promise<number> {
  return (await db.query(`SELECT count(*)::int AS n FROM inbox_events WHERE state = 'pending'`)).rows[0].n;
}

async function waitDrained(db: Client, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await pendingCount(db)) === 0) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Accept -> stored triage, for the events received since `since`. */
async function acceptToStored(db: Client, since: Date): Promise<{ n: number; p50: number; p95: number; p99: number }> {
  const row = (
    await db.query(
      `SELECT count(*)::int AS n,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT extract(epoch FROM r.triaged_at - i.received_at) * 1000 AS ms
             FROM triage_results r JOIN inbox_events i ON i.id = r.inbox_id WHERE i.received_at >= $1) x`,
      [since],
    )
  ).rows[0];
  return { n: row.n, p50: Number(row.p50), p95: Number(row.p95), p99: Number(row.p99) };
}

interface SustainedFigures {
  name: string;
  offered: number;
  connections: number;
  accepted: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** Events still waiting for triage when the run ended, and the seconds the worker then took to clear them. */
  backlogAtEnd?: number;
  drainSeconds?: number;
  acceptToStoredMs?: { p50: number; p95: number; p99: number };
  /** autocannon's own percentiles, synthetic samples included (the in-step run). */
  reported?: { p50: number; p90: number; p99: number };
}

async function main(): Promise<void> {
  const url = await freshDatabase(DB);
  const prefix = `{bench-${Date.now().toString(36)}}`;
  const env = {
    DATABASE_URL: url,
    QUEUE_PREFIX: prefix,
    ADMIN_API_KEY: ADMIN_KEY,
    ZENDESK_WEBHOOK_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    WORKER_METRICS_PORT: '0',
    INBOX_SWEEP_SECONDS: '30',
  };
  const apiPort = await freePort();
  const basePort = await freePort();
  const api = await startService('main', { ...env, ROLE: 'api' }, apiPort);
  let worker = await startService('worker', { ...env, ROLE: 'worker', LOG_LEVEL: 'info' });
  const baseline = spawn(process.execPath, [path.join(ROOT, 'dist/bench/baseline-server.js')], {
    env: { ...process.env, PORT: String(basePort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => baseline.stdout!.once('data', () => resolve()));
  const db = new Client({ connectionString: url });
  await db.connect();
  const results: Record<string, unknown> = { machine: machine(), at: new Date().toISOString() };
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` };
    const zendeskLoad: Partial<autocannon.Options> = {
      headers: {},
      requests: [{ setupRequest: (req) => ({ ...req, ...zendeskRequest() }) }],
    };
    /** Tickets posted to `pathName` (64 connections for LOAD_SECONDS unless `extra` says otherwise). */
    const loadOptions = (port: number, pathName: string, extra: Partial<autocannon.Options> = {}): autocannon.Options => ({
      url: `http://127.0.0.1:${port}${pathName}`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: LOAD_SECONDS,
      headers,
      requests: [{ setupRequest: (req) => ({ ...req, body: ticketBody() }) }],
      ...extra,
    });
    const load = (port: number, pathName: string, extra: Partial<autocannon.Options> = {}) => run(loadOptions(port, pathName, extra));

    console.log(`Ingest benchmark on ${results.machine}; ${CONNECTIONS} connections, ${LOAD_SECONDS} s per run`);
    await load(basePort, '/v1/tickets', { duration: 2 });
    await load(apiPort, '/v1/tickets', { duration: 3 });
    // Steady state: the tables' statistics as autovacuum keeps them on a running service. On a database
    // created seconds ago they still describe empty tables, and the hot statements' cached plans would scan
    // whole tables until the first automatic ANALYZE (up to a minute in).
    await waitDrained(db, 60_000);
    await db.query('ANALYZE');
    const meter = cpuMeter(() => ({ api: api.child.pid, worker: worker.child.pid }));
    // A measured run: load, then wait until its tickets are triaged and stored, so that the CPU split covers
    // each ticket's whole path.
    const baselineMeter = cpuMeter(() => ({ api: baseline.pid }));
    const measured = async (name: string, port: number, pathName: string, extra: Partial<autocannon.Options> = {}) => {
      const stop = port === basePort ? baselineMeter() : meter();
      const result = await load(port, pathName, extra);
      const drained = port === basePort || (await waitDrained(db, 180_000));
      if (!drained) console.log(`${name}: backlog NOT drained within 180 s`);
      return figures(name, result, stop()(result.requests.total - result.non2xx));
    };
    const base = await measured('baseline: same framework, 202, no work', basePort, '/v1/tickets');
    const intake = await measured('POST /v1/tickets', apiPort, '/v1/tickets');
    const rssUnderLoad = { api: rssMiB(api.child.pid), worker: rssMiB(worker.child.pid) };
    const zendesk = await measured('POST /webhooks/zendesk (signed)', apiPort, '/webhooks/zendesk', zendeskLoad);
    const table = [base, intake, zendesk];
    console.log('\nrun                                       req/s    p50 ms   p99 ms   non-2xx  errors');
    for (const f of table) {
      console.log(
        `${f.name.padEnd(40)} ${String(f.rps).padStart(7)} ${String(f.p50).padStart(8)} ${String(f.p99).padStart(8)} ${String(f.non2xx).padStart(9)} ${String(f.errors).padStart(7)}`,
      );
    }
    console.log(
      `intake / baseline throughput: ${(intake.rps / base.rps).toFixed(2)}; zendesk / baseline: ${(zendesk.rps / base.rps).toFixed(2)}`,
    );
    console.log('\nCPU ms per accepted request, until its triage is stored   api* worker  postgres  redis  autocannon  total');
    for (const f of table) {
      const c = f.cpuMsPerRequest!;
      const cell = (n: number, w: number) => n.toFixed(3).padStart(w);
      console.log(
        `${f.name.padEnd(56)} ${cell(c.api, 5)} ${cell(c.worker, 7)} ${cell(c.postgres, 9)} ${cell(c.redis, 6)} ${cell(c.loadGenerator, 11)} ${cell(c.total, 6)}`,
      );
    }
    console.log('* for the baseline: its server process');
    results.load = table;
    results.ratios = { intakeToBaseline: intake.rps / base.rps, zendeskToBaseline: zendesk.rps / base.rps };

    // Sustained intake: the target rate offered for a while; first with the worker triaging on the same cores,
    // later (after the end-to-end run) with it stopped.
    const sustain = async (name: string, pathName = '/v1/tickets', extra: Partial<autocannon.Options> = {}, inStep = false) => {
      return {
        name,
        ...(await sustainedLoad(loadOptions(apiPort, pathName, extra), TARGET_RATE, SUSTAIN_SECONDS, inStep)),
      } as SustainedFigures;
    };
    const sustainStart = new Date();
    const withWorker = await sustain('worker triaging on the same cores');
    withWorker.backlogAtEnd = await pendingCount(db);
    const drainStart = Date.now();
    await waitDrained(db, 600_000);
    withWorker.drainSeconds = Math.round((Date.now() - drainStart) / 100) / 10;
    const { p50, p95, p99 } = await acceptToStored(db, sustainStart);
    withWorker.acceptToStoredMs = { p50, p95, p99 };

    // End to end at a fixed rate.
    const e2eStart = new Date();
    const backlog: number[] = [];
    const rss: { api: number; worker: number }[] = [];
    const sampler = setInterval(() => {
      void pendingCount(db).then((n) => backlog.push(n));
      rss.push({ api: rssMiB(api.child.pid), worker: rssMiB(worker.child.pid) });
    }, 5000);
    const e2eRun = await run({
      url: `http://127.0.0.1:${apiPort}/v1/tickets`,
      method: 'POST',
      connections: 32,
      overallRate: E2E_RATE,
      duration: E2E_SECONDS,
      headers,
      requests: [{ setupRequest: (req) => ({ ...req, body: ticketBody() }) }],
    });
    clearInterval(sampler);
    await waitDrained(db, 120_000);
    const latency = await acceptToStored(db, e2eStart);
    // Growing: the last samples stay high and above the first ones (a short blip that drains is not growth).
    const third = Math.max(1, Math.floor(backlog.length / 3));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const growing = mean(backlog.slice(-third)) > Math.max(E2E_RATE / 5, 2 * mean(backlog.slice(0, third)));
    const peakRss = {
      api: Math.max(...rss.map((r) => r.api)),
      worker: Math.max(...rss.map((r) => r.worker)),
    };
    console.log(
      `\nend to end at ${E2E_RATE}/s for ${E2E_SECONDS} s: ${Math.round(e2eRun.requests.average)} req/s accepted, ${latency.n} triaged; ` +
        `accept -> stored triage p50 ${Number(latency.p50).toFixed(1)} ms, p95 ${Number(latency.p95).toFixed(1)} ms, p99 ${Number(latency.p99).toFixed(1)} ms`,
    );
    console.log(`pending backlog sampled every 5 s: [${backlog.join(', ')}] -> ${growing ? 'GROWING' : 'not growing'}`);
    console.log(
      `resident memory: intake load api ${rssUnderLoad.api} MiB, worker ${rssUnderLoad.worker} MiB; end to end peak api ${peakRss.api} MiB, worker ${peakRss.worker} MiB`,
    );
    results.endToEnd = { rate: E2E_RATE, seconds: E2E_SECONDS, accepted: e2eRun.requests.average, ...latency, backlog, growing };
    results.memory = { underIntakeLoad: rssUnderLoad, endToEndPeak: peakRss };

    // Intake with the worker stopped (what the API sustains when triage runs elsewhere); its tickets are the
    // backlog for the worker throughput run below.
    await worker.stop();
    // The in-step run first, so that it does not meet the largest tables.
    const inStep = await sustain('worker stopped, in step (autocannon rate mode)', '/v1/tickets', {}, true);
    const withoutWorker = await sustain('worker stopped (triage on other machines)');
    const zendeskWithoutWorker = await sustain('worker stopped, POST /webhooks/zendesk (signed)', '/webhooks/zendesk', zendeskLoad);
    printSustained([withWorker, withoutWorker, zendeskWithoutWorker, inStep]);
    results.sustained = [withWorker, withoutWorker, zendeskWithoutWorker, inStep];
    const stopAlone = meter();
    const aloneRun = await load(apiPort, '/v1/tickets');
    const alone = figures('POST /v1/tickets, worker stopped', aloneRun, stopAlone()(aloneRun.requests.total - aloneRun.non2xx));
    const aloneCpu = alone.cpuMsPerRequest!;
    console.log(
      `\n${alone.name}: ${alone.rps} req/s, p50 ${alone.p50} ms, p99 ${alone.p99} ms, non-2xx ${alone.non2xx}, errors ${alone.errors}; ` +
        `CPU ms per request: api ${aloneCpu.api}, postgres ${aloneCpu.postgres}, redis ${aloneCpu.redis}`,
    );
    results.intakeWorkerStopped = alone;
    if (BACKLOG > 0) {
      await run({
        url: `http://127.0.0.1:${apiPort}/v1/tickets`,
        method: 'POST',
        connections: CONNECTIONS,
        amount: BACKLOG,
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, body: ticketBody() }) }],
      });
    }
    const pending = await pendingCount(db);
    const t0 = Date.now();
    const stopDrain = meter();
    worker = await startService('worker', { ...env, ROLE: 'worker', LOG_LEVEL: 'info' });
    await waitDrained(db, 600_000);
    const seconds = (Date.now() - t0) / 1000;
    const drainCpu = stopDrain()(pending);
    console.log(
      `\nworker: ${pending} queued tickets triaged and stored in ${seconds.toFixed(1)} s = ${Math.round(pending / seconds)} tickets/s ` +
        `(one worker process, start-up included); CPU ms per ticket: worker ${drainCpu.worker}, postgres ${drainCpu.postgres}, redis ${drainCpu.redis}`,
    );
    results.worker = { tickets: pending, seconds, perSecond: pending / seconds, cpuMsPerTicket: drainCpu };

    fs.mkdirSync(path.join(ROOT, 'bench/out'), { recursive: true });
    fs.writeFileSync(path.join(ROOT, 'bench/out/ingest.json'), JSON.stringify(results, null, 2));
  } finally {
    await db.end();
    baseline.kill('SIGTERM');
    await Promise.all([api.stop(), worker.stop()]);
    await dropDatabase(DB);
    await dropQueueKeys(prefix);
  }
}

function printSustained(runs: SustainedFigures[]): void {
  console.log(
    `\nsustained intake: ${TARGET_RATE}/s offered for ${SUSTAIN_SECONDS} s (POST /v1/tickets unless named); ` +
      `${SUSTAIN_CONNECTIONS} connections in ${CLIENT_GROUPS} groups not in step, unless in step; latency of each answer`,
  );
  console.log(
    'run                                                conns  accepted/s  p50 ms  p90 ms  p99 ms  max ms  non-2xx  errors  backlog at end  then drained in  accept -> stored p50/p95/p99 ms',
  );
  for (const f of runs) {
    const stored = f.acceptToStoredMs
      ? `${f.acceptToStoredMs.p50.toFixed(0)}/${f.acceptToStoredMs.p95.toFixed(0)}/${f.acceptToStoredMs.p99.toFixed(0)}`
      : '-';
    console.log(
      `${f.name.padEnd(50)} ${String(f.connections).padStart(5)} ${String(f.accepted).padStart(11)} ${String(f.p50).padStart(7)} ${String(f.p90).padStart(7)} ` +
        `${String(f.p99).padStart(7)} ${String(f.max).padStart(7)} ${String(f.non2xx).padStart(8)} ${String(f.errors).padStart(7)} ` +
        `${String(f.backlogAtEnd ?? '-').padStart(15)} ${(f.drainSeconds === undefined ? '-' : `${f.drainSeconds} s`).padStart(16)}  ${stored}`,
    );
  }
  for (const f of runs.filter((r) => r.reported)) {
    console.log(
      `${f.name}: autocannon's own figures, its synthetic samples included: p50 ${f.reported!.p50}, p90 ${f.reported!.p90}, p99 ${f.reported!.p99} ms`,
    );
  }
}

/** The run's queue and rate-limit keys, so that runs leave nothing behind in Redis. */
async function dropQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const stream = redis.scanStream({ match: `${prefix}*`, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
