/**
 * /metrics as an operator reads it: every name carries the application prefix, and each counter moves when the
 * thing it counts happens (a refused webhook, a write-back, a helpdesk 429, a triage, an outcome, a report).
 */
import { CONFIDENCE_BUCKETS, METRIC_PREFIX } from '../src/platform/metrics/metric-names';
import { MetricsService } from '../src/platform/metrics/metrics.service';
import type { FakeZendesk } from './fakes/fake-zendesk';
import { makeTicket } from './support/factories';
import { startFakeHelpdesks, type FakeHelpdesks } from './support/fake-helpdesks';
import { metricNames, metricValue } from './support/metrics';
import { ADMIN_KEY, createTestApp, TestApp, waitFor, writebackSettled } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';

const SECRET = 'zendesk-signing-secret-for-metrics';
const FD_TOKEN = 'freshdesk-webhook-token-for-metrics-0123';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const STORAGE_TEXT =
  'My iPhone 14 backup fails every night. It says Not Enough Storage: my 5 GB iCloud plan is full and the backup needs 11 GB.';
const m = (name: string) => `${METRIC_PREFIX}${name}`;

let nextZendeskId = 8_000_000 + (Date.now() % 1_000_000);

describe('metrics an operator reads', () => {
  let fakes: FakeHelpdesks;
  let zendesk: FakeZendesk;
  let t: TestApp;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    fakes = await startFakeHelpdesks({ zendeskSecret: SECRET, freshdeskToken: FD_TOKEN });
    ({ zendesk } = fakes);
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
    await fakes.stop();
    process.env = savedEnv;
  });

  const scrape = async () => (await t.http().get('/metrics').expect(200)).text;
  /** How much a metric moved while `act` ran. */
  const change = async (name: string, labels: Record<string, string>, act: () => Promise<unknown>) => {
    const before = metricValue(await scrape(), m(name), labels);
    await act();
    return metricValue(await scrape(), m(name), labels) - before;
  };
  const ticket = (ref: string) =>
    t
      .http()
      .get(`/v1/tickets/${ref}`)
      .set(admin)
      .then((r) => r.body);
  const writebackDone = (ref: string) => writebackSettled(t, ref, admin);
  const trigger = (id: string, overrides: Record<string, string> = {}) => ({
    ticket: {
      id,
      title: 'Backup problem',
      description: STORAGE_TEXT,
      status: 'open',
      tags: 'vip',
      created_at: '2026-11-23T09:00:00Z',
      updated_at: '2026-11-23T09:15:00Z',
      ...overrides,
    },
    current_user: { id: '42', email: 'agent@example.com' },
  });
  /** A new Zendesk ticket, triaged and written back. */
  const zendeskRoundTrip = async () => {
    const id = String(nextZendeskId++);
    zendesk.seedTicket(id);
    await postSignedZendesk(t.http, SECRET, JSON.stringify(trigger(id))).expect(202);
    return { id, body: await writebackDone(`zendesk:${id}`) };
  };

  it('counts webhooks refused for their credentials, by helpdesk and reason', async () => {
    const badSignature = await change('webhook_auth_failures_total', { helpdesk: 'zendesk', reason: 'bad_signature' }, async () => {
      await postSignedZendesk(t.http, 'not-the-signing-secret', JSON.stringify(trigger('1'))).expect(401);
      await t.http().post('/webhooks/zendesk').send(trigger('1')).expect(401);
    });
    expect(badSignature).toBe(2);
    const wrongToken = await change('webhook_auth_failures_total', { helpdesk: 'freshdesk', reason: 'unauthorized' }, () =>
      t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', 'wrong-token-0123456789').send({}).expect(401),
    );
    expect(wrongToken).toBe(1);
    // A signed webhook and a refused API key are not webhook failures.
    const other = await change('webhook_auth_failures_total', {}, async () => {
      await t.http().get('/v1/causes').set('Authorization', 'Bearer wrong-key').expect(401);
      await postSignedZendesk(t.http, SECRET, JSON.stringify({ ticket: {} })).expect((r) => expect(r.status).not.toBe(401));
    });
    expect(other).toBe(0);
  });

  it('counts a write-back to the fake Zendesk as ok', async () => {
    const moved = await change('writebacks_total', { helpdesk: 'zendesk', result: 'ok' }, zendeskRoundTrip);
    expect(moved).toBe(1);
  });

  it('counts the fake helpdesk answering 429, and the write-back waiting, then going through', async () => {
    const before = await scrape();
    zendesk.failNext(1, { status: 429, retryAfterSeconds: 1 });
    const { body } = await zendeskRoundTrip();
    expect(body.writebacks.every((w: { state: string }) => w.state === 'done')).toBe(true);
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string>) =>
      metricValue(after, m(name), labels) - metricValue(before, m(name), labels);
    expect(moved('helpdesk_rate_limited_total', { helpdesk: 'zendesk' })).toBe(1);
    expect(moved('writebacks_total', { helpdesk: 'zendesk', result: 'rate_limited' })).toBe(1);
    expect(moved('writebacks_total', { helpdesk: 'zendesk', result: 'ok' })).toBe(1);
    expect(moved('helpdesk_rate_limited_total', { helpdesk: 'freshdesk' })).toBe(0);
  });

  it("observes each triage's confidence in the bucket it falls in, under its decision", async () => {
    const before = await scrape();
    const res = await t.http().post('/v1/tickets').set(admin).send(makeTicket()).expect(202);
    const { triage } = await waitFor(
      () => ticket(res.body.id),
      (b) => b.triage?.state === 'done',
    );
    const after = await scrape();
    const { decision } = triage;
    const confidence: number = triage.cause.confidence;
    const moved = (name: string, labels: Record<string, string>) =>
      metricValue(after, m(name), labels) - metricValue(before, m(name), labels);
    expect(moved('triage_confidence_count', { decision })).toBe(1);
    expect(moved('triage_confidence_sum', { decision })).toBeCloseTo(confidence, 6);
    for (const le of CONFIDENCE_BUCKETS) {
      expect({ le, moved: moved('triage_confidence_bucket', { decision, le: String(le) }) }).toEqual({
        le,
        moved: confidence <= le ? 1 : 0,
      });
    }
    expect(moved('triage_decisions_total', { decision })).toBe(1);
  });

  it('counts outcomes by the signal that set them and whether the fix resolved the ticket', async () => {
    const { id, body } = await zendeskRoundTrip();
    const post = (payload: object) => postSignedZendesk(t.http, SECRET, JSON.stringify(payload)).expect(202);
    const solved = await change('outcomes_total', { signal: 'status', resolved: 'true' }, () =>
      post(trigger(id, { status: 'solved', updated_at: '2026-11-23T10:00:00Z' })),
    );
    expect(solved).toBe(1);
    const rating = {
      event: 'satisfaction',
      ticket: { id, satisfaction: "Bad, I'm unsatisfied", tags: 'vip', updated_at: '2026-11-23T11:00:00Z' },
    };
    expect(await change('outcomes_total', { signal: 'csat', resolved: 'false' }, () => post(rating))).toBe(1);
    const agent = await change('outcomes_total', { signal: 'agent', resolved: 'true' }, () =>
      t.http().post(`/v1/tickets/${body.id}/outcome`).set(admin).send({ macroId: body.triage.macro.id, resolved: true }).expect(200),
    );
    expect(agent).toBe(1);
  });

  it('gives the age of the newest weekly report after one is generated', async () => {
    await t
      .http()
      .post('/v1/reports/weekly/2026-W47/generate')
      .set(admin)
      .expect((r) => expect(r.status).toBeLessThan(300));
    const age = metricValue(await scrape(), m('weekly_report_age_seconds'), { iso_week: '2026-W47' });
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
    expect(await scrape()).toMatch(new RegExp(`^${m('weekly_report_age_seconds')}\\{iso_week="2026-W47"\\} `, 'm'));
  });

  it('names every metric of the API and worker with the application prefix, Node process metrics included', async () => {
    const names = metricNames(await scrape());
    expect(names.filter((n) => !n.startsWith(METRIC_PREFIX))).toEqual([]);
    for (const family of [
      'http_requests_total',
      'triage_confidence',
      'writebacks_total',
      'helpdesk_rate_limited_total',
      'webhook_auth_failures_total',
      'outcomes_total',
      'weekly_report_age_seconds',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(names).toContain(m(family));
    }
  });
});

describe('metrics of a worker process', () => {
  let worker: TestApp;
  beforeAll(async () => {
    worker = await createTestApp({ role: 'worker' });
  });
  afterAll(async () => worker?.close());

  it('exports the write-back, triage and job metrics it counts, every name prefixed', async () => {
    const { body } = await worker.app.get(MetricsService).render();
    const names = metricNames(body);
    expect(names.filter((n) => !n.startsWith(METRIC_PREFIX))).toEqual([]);
    for (const family of ['writebacks_total', 'helpdesk_rate_limited_total', 'triage_confidence', 'job_failures_total', 'queue_jobs']) {
      expect(names).toContain(m(family));
    }
  });
});
