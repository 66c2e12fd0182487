import { createHash } from 'node:crypto';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { JobQueue } from '../src/platform/queue/job-queue';
import { QueueName } from '../src/platform/queue/queues';
import { RetentionScheduler } from '../src/privacy/retention.scheduler';
import { makeTicket } from './support/factories';
import { startFakeHelpdesks, type FakeHelpdesks } from './support/fake-helpdesks';
import { ADMIN_KEY, createTestApp, suiteApp, TestApp, uniqueId, waitFor } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';
import { ApiKeyService } from '../src/platform/auth/api-key.service';

const SECRET = 'zendesk-signing-secret-for-tests';
const FD_TOKEN = 'freshdesk-webhook-token-0123456789';
const STORAGE_TEXT =
  'My iPhone 14 backup fails every night. It says Not Enough Storage: my 5 GB iCloud plan is full and the backup needs 11 GB.';

/** A person whose address and name occur nowhere else in the test database. */
function makePerson() {
  const tag = Math.random().toString(36).slice(2, 8);
  return { email: `quintessa.marbleford.${tag}@example.org`, name: 'Quintessa Marbleford', firstName: 'Quintessa' };
}

const auth = (key = ADMIN_KEY) => ({ Authorization: `Bearer ${key}` });

/** Every text, JSON and array column of every table, as text, holding one of the needles (any case). */
async function databaseHolds(db: DataSource, needles: string[]): Promise<string[]> {
  const columns: { table_name: string; column_name: string }[] = await db.query(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
     WHERE c.table_schema = current_schema() AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const c of columns) {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE "${c.column_name}"::text ILIKE ANY($1)`, [
      needles.map((s) => `%${s}%`),
    ]);
    if (n > 0) found.push(`${c.table_name}.${c.column_name} (${n} rows)`);
  }
  return found;
}

/** Every key under this run's queue prefix, its value dumped whatever its type, holding one of the needles. */
async function redisHolds(needles: string[]): Promise<string[]> {
  const redis = new IORedis(process.env.REDIS_URL!, { maxRetriesPerRequest: 1 });
  const found: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${process.env.QUEUE_PREFIX}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? await redis.hgetall(key)
              : type === 'list'
                ? await redis.lrange(key, 0, -1)
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'zset'
                    ? await redis.zrange(key, 0, -1)
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : null;
        const text = JSON.stringify(value).toLowerCase();
        if (needles.some((n) => text.includes(n.toLowerCase()))) found.push(key);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return found;
}

describe('DELETE /v1/requesters/:email: a person’s data erased wherever the service keeps it', () => {
  let t: TestApp;
  let db: DataSource;
  let fakes: FakeHelpdesks;
  const savedEnv = { ...process.env };
  const person = makePerson();
  const needles = [person.email, person.name, person.firstName, 'Marbleford'];
  const refs: string[] = [];
  let bystander: string;

  beforeAll(async () => {
    fakes = await startFakeHelpdesks({ zendeskSecret: SECRET, freshdeskToken: FD_TOKEN });
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await fakes.stop();
    process.env = savedEnv;
  });

  const ticket = (ref: string) =>
    t
      .http()
      .get(`/v1/tickets/${ref}`)
      .set(auth())
      .then((r) => r.body);
  const settled = (ref: string, helpdesk: boolean) =>
    waitFor(
      () => ticket(ref),
      (b) =>
        b.triage?.state === 'done' &&
        (!helpdesk || (b.writebacks?.length > 0 && b.writebacks.every((w: { state: string }) => w.state !== 'pending'))),
      { timeoutMs: 20_000 },
    );

  it('seeds the person’s tickets by the API and both webhooks, triaged, written back, with an outcome', async () => {
    const signed = `${STORAGE_TEXT} Thanks, ${person.name} (${person.email})`;
    const api = await t
      .http()
      .post('/v1/tickets')
      .set(auth())
      .send(
        makeTicket({
          subject: `Backup help for ${person.firstName}`,
          description: signed,
          requester: { email: person.email.toUpperCase(), name: person.name, firstName: person.firstName },
        }),
      )
      .expect(202);
    refs.push(api.body.id);

    const zdId = String(7_000_000 + (Date.now() % 1e6));
    fakes.zendesk.seedTicket(zdId);
    const trigger = {
      ticket: {
        id: zdId,
        title: `Backup problem - ${person.name}`,
        description: signed,
        status: 'open',
        tags: 'ios',
        requester_email: person.email,
        requester_name: person.name,
        requester_first_name: person.firstName,
        created_at: '2026-11-23T09:00:00Z',
        updated_at: new Date(Date.now() - 60_000).toISOString(),
      },
      current_user: { id: '42', email: 'agent@example.com' },
    };
    await postSignedZendesk(t.http, SECRET, JSON.stringify(trigger)).expect(202);
    refs.push(`zendesk:${zdId}`);
    await settled(`zendesk:${zdId}`, true);
    const comment = {
      id: uniqueId('evt'),
      type: 'zen:event-type:ticket.comment_added',
      subject: `zen:ticket:${zdId}`,
      time: new Date().toISOString(),
      detail: {
        id: zdId,
        subject: 'Backup stopped',
        description: 'iCloud backup does not run.',
        status: 'OPEN',
        requester_id: '7',
        tags: [],
      },
      event: {
        comment: {
          id: uniqueId('c'),
          body: `Still broken. ${person.firstName} Marbleford, ${person.email}`,
          is_public: true,
          author: { id: '7', is_staff: false },
        },
      },
    };
    await postSignedZendesk(t.http, SECRET, JSON.stringify(comment)).expect(202);

    const fdId = String(300_000 + (Date.now() % 1e5));
    fakes.freshdesk.seedTicket(fdId);
    await t
      .http()
      .post('/webhooks/freshdesk')
      .set('X-Webhook-Token', FD_TOKEN)
      .send({
        freshdesk_webhook: {
          ticket_id: fdId,
          ticket_subject: 'iCloud backup',
          ticket_description: `<div>${signed}</div>`,
          ticket_status: 'Open',
          ticket_tags: 'ios',
          ticket_contact_email: person.email,
          ticket_contact_name: person.name,
          triggered_event: '{ticket_action:created}',
        },
      })
      .expect(202);
    refs.push(`freshdesk:${fdId}`);

    const other = await t
      .http()
      .post('/v1/tickets')
      .set(auth())
      .send(makeTicket({ requester: { email: 'dana.other@example.com', name: 'Dana Other' } }))
      .expect(202);
    bystander = other.body.id;

    const zd = await waitFor(
      () => ticket(`zendesk:${zdId}`),
      (b) => b.history?.length === 2 && b.triage.state === 'done',
      { timeoutMs: 20_000 },
    );
    expect(zd.conversation).toHaveLength(1);
    await settled(`freshdesk:${fdId}`, true);
    const first = await settled(refs[0], false);
    await settled(bystander, false);
    expect(JSON.stringify(first)).toContain(person.name);

    await t
      .http()
      .post(`/v1/tickets/${refs[0]}/outcome`)
      .set(auth())
      .send({ macroId: first.triage.macro.id, resolved: true, note: `${person.firstName} says it worked` })
      .expect(200);
    await t
      .http()
      .patch(`/v1/tickets/${refs[0]}/triage`)
      .set(auth())
      .send({ cause: 'storage_full', reason: `${person.name} confirmed on the phone` })
      .expect(200);
    // A stored weekly report quoting the person's name among the phrases of `other` tickets.
    await db.query(
      `INSERT INTO weekly_reports (iso_week, time_zone, week_start, week_end, pack_version, report, generated_at, generation_ms)
       VALUES ('2026-W48', 'UTC', '2026-11-23', '2026-11-30', 'test', $1, now(), 1)`,
      [
        JSON.stringify({
          quality: {
            phrases: [
              { phrase: 'quintessa marbleford', tickets: 2 },
              { phrase: 'family sharing invite', tickets: 3 },
            ],
          },
        }),
      ],
    );
    expect(await databaseHolds(db, needles)).not.toEqual([]);
  });

  it('erases them, matching the address in any case, and answers how many tickets', async () => {
    const before = await db.query(`SELECT ticket_id, macro_id, resolved, attribution FROM outcomes ORDER BY ticket_id, macro_id`);
    const stats = await db.query(`SELECT dimension, key, macro_id, successes, failures FROM fix_stats ORDER BY 1, 2, 3`);
    const symptomIds = (await ticket(refs[0])).triage.symptoms.map((s: { id: string }) => s.id);

    const erased = await t
      .http()
      .delete(`/v1/requesters/${encodeURIComponent(person.email.replace('quintessa', 'QuinTessa'))}`)
      .set(auth())
      .expect(200);
    expect(erased.body).toEqual({ tickets: 3 });

    expect(await databaseHolds(db, needles)).toEqual([]);
    expect(await redisHolds(needles)).toEqual([]);
    expect(await db.query(`SELECT ticket_id, macro_id, resolved, attribution FROM outcomes ORDER BY ticket_id, macro_id`)).toEqual(before);
    expect(await db.query(`SELECT dimension, key, macro_id, successes, failures FROM fix_stats ORDER BY 1, 2, 3`)).toEqual(stats);
    const [report] = await db.query(`SELECT report FROM weekly_reports WHERE iso_week = '2026-W48'`);
    expect(report.report.quality.phrases).toEqual([{ phrase: 'family sharing invite', tickets: 3 }]);

    for (const ref of refs) {
      const body = await ticket(ref);
      expect(body.erasedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect(body).toMatchObject({ subject: '', description: '', requester: null, conversation: [] });
      expect(body.triage.cause.id).toEqual(expect.any(String));
    }
    const first = await ticket(refs[0]);
    expect(first.triage.symptoms.map((s: { id: string }) => s.id)).toEqual(symptomIds);
    expect(first.outcomes).toEqual([expect.objectContaining({ resolved: true, note: '[erased] says it worked' })]);
    const listed = await t.http().get('/v1/tickets?limit=200').set(auth()).expect(200);
    const item = listed.body.items.find((i: { id: string }) => i.id === refs[0]);
    expect(item.erasedAt).toBe(first.erasedAt);
  });

  it('leaves another person’s tickets as they were', async () => {
    const body = await ticket(bystander);
    expect(body.erasedAt).toBeNull();
    expect(body.requester).toEqual({ email: 'dana.other@example.com', name: 'Dana Other' });
    expect(body.description).toBe(makeTicket().description);
    expect(body.triage.symptoms[0].text).not.toBe('');
  });

  it('erases a triage result stored after the erasure by a triage that was in flight, at the daily pass', async () => {
    const id = (await ticket(refs[0])).id;
    // What a triage that read the event before the erasure stores once the erasure released the ticket.
    await db.query(`UPDATE triage_results SET result = jsonb_set(result, '{macro,body}', to_jsonb($2::text)) WHERE ticket_id = $1`, [
      id,
      `Hi ${person.firstName}, please free some iCloud storage.`,
    ]);
    expect(await databaseHolds(db, needles)).toEqual(['triage_results.result (1 rows)']);
    await t.app.get(RetentionScheduler).run();
    expect(await databaseHolds(db, needles)).toEqual([]);
  });

  it('refuses to triage an erased ticket again (409)', async () => {
    const res = await t.http().post(`/v1/tickets/${refs[0]}/retriage`).set(auth()).expect(409);
    expect(res.body.error.code).toBe('TICKET.ERASED');
  });

  it('a second erasure finds nothing left: {tickets: 0}; an unknown address too', async () => {
    await t.http().delete(`/v1/requesters/${person.email}`).set(auth()).expect(200, { tickets: 0 });
    await t.http().delete('/v1/requesters/nobody.at.all@example.net').set(auth()).expect(200, { tickets: 0 });
  });

  it('keeps only a hash of the address in the audit log', async () => {
    const hash = createHash('sha256').update(person.email.toLowerCase()).digest('hex');
    const audit = await t.http().get('/v1/audit?limit=200').set(auth()).expect(200);
    const rows = audit.body.items.filter((r: { action: string; target: string }) => r.action === 'requester.erase' && r.target === hash);
    // Newest first: the second erasure found nothing.
    expect(rows.map((r: { actor: string; details: object }) => [r.actor, r.details])).toEqual([
      ['ADMIN_API_KEY', { tickets: 0 }],
      ['ADMIN_API_KEY', { tickets: 3 }],
    ]);
  });

  it('400 for what is not an address; 403 without the admin scope', async () => {
    const bad = await t.http().delete('/v1/requesters/not-an-address').set(auth()).expect(400);
    expect(bad.body.error.code).toBe('REQUEST.INVALID');
    const { key } = await t.app.get(ApiKeyService).create('agent only', ['agent']);
    const forbidden = await t.http().delete(`/v1/requesters/${person.email}`).set(auth(key)).expect(403);
    expect(forbidden.body.error.code).toBe('AUTH.FORBIDDEN');
  });
});

describe('RETENTION_DAYS: the daily run erases tickets created longer ago, and only those', () => {
  const suite = suiteApp({ RETENTION_DAYS: '30' });
  const days = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000).toISOString();

  it('erases a ticket created 40 days ago, not one created 2 days ago, and is idempotent', async () => {
    const post = (createdAt: string) =>
      suite.app
        .http()
        .post('/v1/tickets')
        .set(auth())
        .send(makeTicket({ createdAt, requester: { email: 'old.timer@example.com', name: 'Old Timer' } }))
        .expect(202)
        .then((r) => r.body.id as string);
    const [old, recent] = [await post(days(40)), await post(days(2))];
    const get = (id: string) =>
      suite.app
        .http()
        .get(`/v1/tickets/${id}`)
        .set(auth())
        .then((r) => r.body);
    await waitFor(
      () => get(old),
      (b) => b.triage?.state === 'done',
    );
    await waitFor(
      () => get(recent),
      (b) => b.triage?.state === 'done',
    );

    const scheduler = suite.app.app.get(RetentionScheduler);
    expect(await scheduler.run()).toEqual({ lateResults: 0, tickets: 1 });
    expect(await scheduler.run()).toEqual({ lateResults: 0, tickets: 0 });

    const [gone, kept] = [await get(old), await get(recent)];
    expect(gone).toMatchObject({ description: '', requester: null, erasedAt: expect.any(String) });
    expect(kept).toMatchObject({ description: makeTicket().description, erasedAt: null, requester: { email: 'old.timer@example.com' } });
    const audit = await suite.app.http().get('/v1/audit').set(auth()).expect(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'retention',
          action: 'retention.erase',
          details: expect.objectContaining({ tickets: 1, olderThanDays: 30 }),
        }),
      ]),
    );
  });

  it('runs once a day across the cluster: one job scheduler at 03:30 UTC, whose job the worker runs as the pass', async () => {
    const jobs = suite.app.app.get(JobQueue);
    const schedulers = await jobs.schedulers(QueueName.Maintenance);
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ id: 'daily-retention', name: 'retention', pattern: '30 3 * * *', tz: 'UTC' });
    const next = schedulers[0].next!;
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([3, 30]);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);

    const res = await suite.app
      .http()
      .post('/v1/tickets')
      .set(auth())
      .send(makeTicket({ createdAt: days(45), requester: { email: 'older.still@example.com', name: 'Older Still' } }))
      .expect(202);
    const get = () =>
      suite.app
        .http()
        .get(`/v1/tickets/${res.body.id}`)
        .set(auth())
        .then((r) => r.body);
    await waitFor(get, (b) => b.triage?.state === 'done');
    // What the scheduler starts each day: a retention job, run by the worker.
    await jobs.enqueue({ name: 'retention', data: {} }, { attempts: 1 });
    const erased = await waitFor(get, (b) => b.erasedAt !== null);
    expect(erased).toMatchObject({ description: '', requester: null });
  });
});
