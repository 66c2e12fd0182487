import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ADMIN_KEY, ServiceProcess } from './service';
import { sleep } from './servers';
export { metricValue } from '../../support/metrics';

export const SHARED_POSTGRES = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const SHARED_REDIS = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A database and queue prefix of one drill's own; the name holds "test" so cleanup may drop it. */
export function drillNames(drill: string): { database: string; queuePrefix: string } {
  const id = `${drill}_${randomBytes(4).toString('hex')}`;
  return { database: `triage_drill_${id}_test`, queuePrefix: `{triage-drill-${id}}` };
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Made before the processes start together: the service creates a missing database at boot, but two
 * processes doing that at the same moment may collide.
 */
export async function createDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(databaseUrl(serverUrl, 'postgres'), (c) => c.query(`CREATE DATABASE "${database}"`));
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  if (!database.includes('test')) throw new Error(`refusing to drop ${database}`);
  await withClient(databaseUrl(serverUrl, 'postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
}

export async function deleteQueueKeys(redisUrl: string, queuePrefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** One short-lived connection per call, so a restarted database leaves no broken client behind. */
export async function withClient<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface PipelineCounts {
  tickets: number;
  inbox: number;
  processed: number;
  failed: number;
  results: number;
  /** Inbox events with a triage result; equal to `results` when no event was triaged twice. */
  triagedEvents: number;
}

export function pipelineCounts(url: string): Promise<PipelineCounts> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT
        (SELECT count(*) FROM tickets)::int AS tickets,
        (SELECT count(*) FROM inbox_events)::int AS inbox,
        (SELECT count(*) FROM inbox_events WHERE state = 'processed')::int AS processed,
        (SELECT count(*) FROM inbox_events WHERE state = 'failed')::int AS failed,
        (SELECT count(*) FROM triage_results)::int AS results,
        (SELECT count(DISTINCT inbox_id) FROM triage_results)::int AS "triagedEvents"`);
    return rows[0] as PipelineCounts;
  });
}

/** Tickets among `ids` whose triage is not done yet. */
export async function untriaged(url: string, ids: string[]): Promise<number> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1::uuid[]) AND triage_state = 'done'`, [ids]);
    return ids.length - rows[0].n;
  });
}

/** Waits until every ticket is triaged, then checks that each of the `total` events has exactly one result. */
export async function expectEachTriagedOnce(url: string, ids: string[], total: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(
    () => untriaged(url, ids),
    (n) => n === 0,
    { timeoutMs, what: 'every ticket triaged' },
  );
  expect(await pipelineCounts(url)).toEqual({
    tickets: total,
    inbox: total,
    processed: total,
    failed: 0,
    results: total,
    triagedEvents: total,
  });
}

/** Polls until `done` holds; fails with the last value seen. */
export async function waitUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | Error;
  for (;;) {
    try {
      last = await probe();
      if (done(last)) return last;
    } catch (err) {
      last = err as Error;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`${what} not reached within ${timeoutMs} ms; last seen: ${seen}`);
    }
    await sleep(intervalMs);
  }
}

const DESCRIPTIONS = [
  'My iPhone 13 says there is not enough iCloud storage to back up. The 5 GB plan is full and the backup needs 9 GB.',
  'The backup has been stuck on "estimating time remaining" all night, on Wi-Fi and plugged in.',
  'The Back Up Now button is greyed out in iCloud settings on my iPad.',
  'Backups only work when I am at home on Wi-Fi, never at the office.',
];

/** A ticket as a client posts it; `n` varies the text so the engine sees several causes. */
export function drillTicket(tag: string, n: number): { externalId: string; subject: string; description: string } {
  return {
    externalId: `${tag}-${randomBytes(6).toString('hex')}-${n}`,
    subject: 'iCloud backup problem',
    description: `${DESCRIPTIONS[n % DESCRIPTIONS.length]} (case ${n})`,
  };
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of whichever endpoint answered
  /** Set when no answer came: refused, reset or timed out. */
  error?: string;
}

/** One request with a bounded wait: a hang shows up as an error, not as a stuck drill. */
export async function call(api: ServiceProcess, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 15_000): Promise<Answer> {
  try {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (e.g. /metrics): keep the text.
    }
    return { status: res.status, body: parsed };
  } catch (err) {
    return { status: 0, body: null, error: (err as Error).message };
  }
}

/** Posts `count` tickets, `lanes` at a time; `onAnswer` sees each answer as it arrives. */
export function postTickets(
  api: ServiceProcess,
  tag: string,
  count: number,
  { lanes = 10, onAnswer }: { lanes?: number; onAnswer?: (answer: Answer) => void } = {},
): Promise<Answer[]> {
  return inParallel(count, lanes, async (i) => {
    const answer = await call(api, 'POST', '/v1/tickets', drillTicket(tag, i));
    onAnswer?.(answer);
    return answer;
  });
}

/** The tickets' ids, once every answer is a 202. */
export function acceptedIds(answers: Answer[]): string[] {
  expect(answers.filter((a) => a.status !== 202)).toEqual([]);
  return answers.map((a) => a.body.id as string);
}

/** Runs `task` over 0..count-1 with at most `limit` in flight; results in index order. */
export async function inParallel<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

export async function scrape(process: ServiceProcess): Promise<string> {
  const res = await fetch(`${process.url}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`${process.name} /metrics answered ${res.status}`);
  return res.text();
}
