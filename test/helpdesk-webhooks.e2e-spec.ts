import { DataSource } from 'typeorm';
import { signZendeskPayload } from '../src/helpdesk/webhooks/zendesk-signature';
import { FakeFreshdesk } from './fakes/fake-freshdesk';
import { FakeZendesk } from './fakes/fake-zendesk';
import { startFakeHelpdesks, type FakeHelpdesks } from './support/fake-helpdesks';
import { postSignedZendesk } from './support/zendesk';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor, writebackSettled } from './support/test-app';

const SECRET = 'zendesk-signing-secret-for-tests';
const FD_TOKEN = 'freshdesk-webhook-token-0123456789';
const STORAGE_TEXT =
  'My iPhone 14 backup fails every night. It says Not Enough Storage: my 5 GB iCloud plan is full and the backup needs 11 GB.';

describe('Zendesk and Freshdesk: webhooks in, tags and private notes back', () => {
  let t: TestApp;
  let db: DataSource;
  let zendesk: FakeZendesk;
  let freshdesk: FakeFreshdesk;
  const savedEnv = { ...process.env };

  let fakes: FakeHelpdesks;

  beforeAll(async () => {
    fakes = await startFakeHelpdesks({
      zendeskSecret: SECRET,
      freshdeskToken: FD_TOKEN,
      freshdeskUser: 'hook',
      freshdeskPassword: 'hook-password-0123456789',
    });
    ({ zendesk, freshdesk } = fakes);
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
    await fakes.stop();
    process.env = savedEnv;
  });

  function postZendesk(body: object, opts: { secret?: string; timestamp?: string; raw?: string } = {}) {
    const raw = opts.raw ?? JSON.stringify(body);
    const timestamp = opts.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    return postSignedZendesk(t.http, opts.secret ?? SECRET, raw, timestamp);
  }

  const triggerBody = (id: string, overrides: Record<string, string> = {}) => ({
    ticket: {
      id,
      title: 'Backup problem',
      description: STORAGE_TEXT,
      status: 'open',
      tags: 'ios vip',
      requester_email: 'kim@example.com',
      requester_name: 'Kim Lee',
      requester_first_name: 'Kim',
      created_at: '2026-11-23T09:00:00Z',
      updated_at: '2026-11-23T09:15:02Z',
      ...overrides,
    },
    current_user: { id: '42', email: 'agent@example.com' },
  });

  const event = (type: string, ticketId: string, extra: Record<string, unknown> = {}, detail: Record<string, unknown> = {}) => ({
    id: uniqueId('evt'),
    type: `zen:event-type:${type}`,
    subject: `zen:ticket:${ticketId}`,
    time: new Date().toISOString(),
    detail: {
      id: ticketId,
      subject: 'Backup stopped',
      description: 'iCloud backup does not run.',
      status: 'OPEN',
      requester_id: '7',
      tags: [],
      ...detail,
    },
    ...extra,
  });

  const ticket = (ref: string) =>
    t
      .http()
      .get(`/v1/tickets/${ref}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .then((r) => r.body);
  const writebackDone = (ref: string) => writebackSettled(t, ref);
  const notesOn = (fake: FakeZendesk | FakeFreshdesk, id: string) =>
    fake instanceof FakeZendesk
      ? fake.tickets.get(id)!.comments.filter((c) => !c.public)
      : fake.tickets.get(id)!.conversations.filter((c) => c.private);

  describe('Zendesk signatures', () => {
    it('accepts a signed trigger webhook and answers 202 at once', async () => {
      const id = String(Date.now() % 1e7);
      zendesk.seedTicket(id, { tags: ['vip'] });
      const res = await postZendesk(triggerBody(id)).expect(202);
      expect(res.body).toMatchObject({ id: expect.any(String), status: 'queued' });
    });

    it.each([
      ['a wrong secret', { secret: 'not-the-secret' }],
      ['a timestamp six minutes old (replay)', { timestamp: new Date(Date.now() - 6 * 60_000).toISOString() }],
      ['a timestamp six minutes ahead', { timestamp: new Date(Date.now() + 6 * 60_000).toISOString() }],
    ])('401 for %s, storing nothing', async (_name, opts) => {
      const id = uniqueId('zd');
      const res = await postZendesk(triggerBody(id), opts).expect(401);
      expect(res.body.error.code).toBe('WEBHOOK.BAD_SIGNATURE');
      await t.http().get(`/v1/tickets/zendesk:${id}`).set('Authorization', `Bearer ${ADMIN_KEY}`).expect(404);
    });

    it('401 when the signature headers are missing', async () => {
      const res = await t.http().post('/webhooks/zendesk').send(triggerBody('1')).expect(401);
      expect(res.body.error.code).toBe('WEBHOOK.BAD_SIGNATURE');
    });

    it('401 when the body was changed after signing', async () => {
      const timestamp = new Date().toISOString();
      const signed = JSON.stringify(triggerBody('5'));
      await t
        .http()
        .post('/webhooks/zendesk')
        .set('Content-Type', 'application/json')
        .set('X-Zendesk-Webhook-Signature', signZendeskPayload(SECRET, timestamp, signed))
        .set('X-Zendesk-Webhook-Signature-Timestamp', timestamp)
        .send(signed.replace('Backup problem', 'Backup problen'))
        .expect(401);
    });

    it('400 with a clear error for a signed but malformed body', async () => {
      const res = await postZendesk({ ticket: { title: 'no id' } }).expect(400);
      expect(res.body.error.code).toBe('WEBHOOK.INVALID_PAYLOAD');
      expect(JSON.stringify(res.body.error)).toContain('ticket.id');
    });
  });

  it('round trip: a trigger webhook is triaged, and tags and exactly one private note go back', async () => {
    const id = String(3_000_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id, { tags: ['vip'] });
    await postZendesk(triggerBody(id)).expect(202);
    const body = await writebackDone(`zendesk:${id}`);
    expect(body.triage.cause.id).toBe('storage_full');
    expect(body.writebacks[0]).toMatchObject({ helpdesk: 'zendesk', state: 'done', error: null });

    const remote = zendesk.tickets.get(id)!;
    expect(remote.tags).toEqual(expect.arrayContaining(['vip', 'triage_cause_storage_full']));
    expect(remote.tags.some((tag) => tag.startsWith('triage_symptom_'))).toBe(true);
    const notes = notesOn(zendesk, id);
    expect(notes).toHaveLength(1);
    expect(notes[0].body).toContain(body.triage.macro.title);
    expect(notes[0].body).toContain(`triage-note:`);

    // The same delivery again (Zendesk retries): 200, nothing triaged or written twice.
    const requestsBefore = zendesk.requests.length;
    await postZendesk(triggerBody(id)).expect(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(zendesk.requests.length).toBe(requestsBefore);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM triage_results r JOIN tickets t ON t.id = r.ticket_id WHERE t.external_id = $1`,
      [id],
    );
    expect(n).toBe(1);
    expect(notesOn(zendesk, id)).toHaveLength(1);
  });

  it('event subscriptions: created, a customer comment re-triages the whole conversation, own and private comments are ignored', async () => {
    const id = String(4_000_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id);
    await postZendesk(event('ticket.created', id, {}, { description: 'iCloud backup has not run for a week on my iPhone 11.' })).expect(
      202,
    );
    await writebackDone(`zendesk:${id}`);

    const comment = (text: string, author: Record<string, unknown>, isPublic = true) =>
      event('ticket.comment_added', id, { event: { comment: { id: uniqueId('c'), body: text, is_public: isPublic, author } } });

    const own = await postZendesk(comment('triage-note:abc Diagnosis ...', { id: '999', is_staff: true }, false)).expect(202);
    expect(own.body.status).toBe('ignored');
    const internal = await postZendesk(comment('checking with tier 2', { id: '55', is_staff: true }, false)).expect(202);
    expect(internal.body.status).toBe('ignored');

    const customer = comment('The switch for iCloud Backup is greyed out, this phone is managed by my employer.', {
      id: '7',
      is_staff: false,
    });
    await postZendesk(customer).expect(202);
    const again = await postZendesk(customer).expect(200);
    expect(again.body.status).toBe('duplicate');

    const body = await waitFor(
      () => ticket(`zendesk:${id}`),
      (b) => b.history?.length === 2 && b.triage.state === 'done',
      { timeoutMs: 15_000 },
    );
    expect(body.conversation).toHaveLength(1);
    expect(body.triage.cause.id).toBe('restricted');
  });

  it('the note marker in a customer’s words does not stop triage: own notes are known by their author and marker', async () => {
    const id = String(4_500_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id);
    const quoting = 'Your triage-note: says storage, but the Back Up Now button is greyed out, the phone is managed by my employer.';
    const created = await postZendesk(event('ticket.created', id, {}, { description: `triage-note: ${STORAGE_TEXT}` })).expect(202);
    expect(created.body.status).toBe('queued');
    await writebackDone(`zendesk:${id}`);

    const comment = (text: string, author: Record<string, unknown>, isPublic = true) =>
      event('ticket.comment_added', id, { event: { comment: { id: uniqueId('c'), body: text, is_public: isPublic, author } } });
    const own = await postZendesk(comment('Likely cause ... triage-note:abc', { id: '999', is_staff: true })).expect(202);
    expect(own.body).toEqual({ status: 'ignored', reason: 'the service’s own note' });
    const customer = await postZendesk(comment(quoting, { id: '7', is_staff: false })).expect(202);
    expect(customer.body).toMatchObject({ status: 'queued', event: 'comment' });
    const body = await waitFor(
      () => ticket(`zendesk:${id}`),
      (b) => b.history?.length === 2 && b.triage.state === 'done',
      { timeoutMs: 15_000 },
    );
    expect(body.conversation).toEqual([expect.objectContaining({ body: quoting })]);
  });

  it('stores a status change as an outcome signal, and a reopen delivered first wins over an older solve', async () => {
    const id = String(5_000_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id);
    await postZendesk(triggerBody(id)).expect(202);
    const triaged = await writebackDone(`zendesk:${id}`);
    const suggested = triaged.triage.macro.id;

    const solvedAt = new Date(Date.now() - 60_000).toISOString();
    const reopenedAt = new Date().toISOString();
    const reopen = event('ticket.status_changed', id, { time: reopenedAt, event: { previous: 'SOLVED', current: 'OPEN' } });
    const solve = event('ticket.status_changed', id, { time: solvedAt, event: { previous: 'OPEN', current: 'SOLVED' } });
    await postZendesk(reopen).expect(202);
    await postZendesk(solve).expect(202);
    await postZendesk(solve).expect(200);

    const signals = await db.query(
      `SELECT s.status, s.resolved, s.macro_id, s.attribution FROM outcome_signals s JOIN tickets t ON t.id = s.ticket_id
       WHERE t.external_id = $1 ORDER BY s.event_at`,
      [id],
    );
    expect(signals).toEqual([
      { status: 'solved', resolved: true, macro_id: suggested, attribution: 'suggested' },
      { status: 'open', resolved: false, macro_id: suggested, attribution: 'suggested' },
    ]);
    const body = await ticket(`zendesk:${id}`);
    expect(body.outcomes).toEqual([expect.objectContaining({ macroId: suggested, resolved: false, attribution: 'suggested' })]);
  });

  it('credits the macro whose applied tag is on the ticket', async () => {
    const id = String(6_000_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id);
    await postZendesk(triggerBody(id)).expect(202);
    await writebackDone(`zendesk:${id}`);
    const solved = triggerBody(id, { status: 'solved', tags: 'vip triage_applied_restart_device', updated_at: '2026-11-23T10:00:00Z' });
    await postZendesk(solved).expect(202);
    const body = await ticket(`zendesk:${id}`);
    expect(body.outcomes).toEqual([expect.objectContaining({ macroId: 'restart_device', resolved: true, attribution: 'applied' })]);
  });

  it('a trigger body that leaves solved is a reopen; a bad satisfaction rating is not resolved', async () => {
    const id = String(6_500_000 + (Date.now() % 1e6));
    zendesk.seedTicket(id);
    await postZendesk(triggerBody(id)).expect(202);
    const triaged = await writebackDone(`zendesk:${id}`);
    const suggested = triaged.triage.macro.id;
    await postZendesk(triggerBody(id, { status: 'solved', updated_at: '2026-11-23T10:00:00Z' })).expect(202);
    expect((await ticket(`zendesk:${id}`)).outcomes).toEqual([expect.objectContaining({ macroId: suggested, resolved: true })]);

    await postZendesk(triggerBody(id, { status: 'open', updated_at: '2026-11-23T11:00:00Z' })).expect(200);
    expect((await ticket(`zendesk:${id}`)).outcomes).toEqual([expect.objectContaining({ macroId: suggested, resolved: false })]);

    await postZendesk(triggerBody(id, { status: 'solved', updated_at: '2026-11-23T12:00:00Z' })).expect(202);
    const rating = {
      event: 'satisfaction',
      ticket: { id, satisfaction: "Bad, I'm unsatisfied", tags: 'vip', updated_at: '2026-11-23T13:00:00Z' },
    };
    await postZendesk(rating).expect(202);
    await postZendesk(rating).expect(200);
    const body = await ticket(`zendesk:${id}`);
    expect(body.outcomes).toEqual([expect.objectContaining({ macroId: suggested, resolved: false, signal: 'csat' })]);
    const kinds = await db.query(
      `SELECT s.kind, s.resolved FROM outcome_signals s JOIN tickets t ON t.id = s.ticket_id WHERE t.external_id = $1 ORDER BY s.event_at`,
      [id],
    );
    expect(kinds).toEqual([
      { kind: 'status', resolved: true },
      { kind: 'status', resolved: false },
      { kind: 'status', resolved: true },
      { kind: 'csat_bad', resolved: false },
    ]);
  });

  describe('write-back faults', () => {
    it('honours 429 with Retry-After, then writes once', async () => {
      const id = String(7_000_000 + (Date.now() % 1e6));
      zendesk.seedTicket(id);
      zendesk.failNext(1, { status: 429, retryAfterSeconds: 1 });
      await postZendesk(triggerBody(id)).expect(202);
      const body = await writebackDone(`zendesk:${id}`);
      expect(body.writebacks[0]).toMatchObject({ state: 'done', attempts: 1 });
      expect(notesOn(zendesk, id)).toHaveLength(1);
      const throttled = zendesk.requests.filter((r) => r.path.includes(`/tickets/${id}/tags`));
      // A ticket's first tags are added without reading them: that PUT answered 429, the retry sent it once more.
      expect(throttled.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    });

    it('retries 500s with backoff and writes once', async () => {
      const id = String(8_000_000 + (Date.now() % 1e6));
      zendesk.seedTicket(id);
      zendesk.failNext(2, { status: 500 });
      await postZendesk(triggerBody(id)).expect(202);
      const body = await writebackDone(`zendesk:${id}`);
      expect(body.writebacks[0].state).toBe('done');
      expect(notesOn(zendesk, id)).toHaveLength(1);
    });

    it('gives up on other 4xx with the error recorded on the ticket', async () => {
      const id = String(9_000_000 + (Date.now() % 1e6)); // never seeded: the fake answers 404
      await postZendesk(triggerBody(id)).expect(202);
      const body = await writebackDone(`zendesk:${id}`);
      expect(body.writebacks[0]).toMatchObject({ state: 'failed', error: expect.stringContaining('404') });
    });
  });

  describe('Freshdesk', () => {
    const freshdeskBody = (id: string, overrides: Record<string, string> = {}) => ({
      freshdesk_webhook: {
        ticket_id: id,
        ticket_subject: 'iCloud backup',
        ticket_description: `<div>${STORAGE_TEXT}</div>`,
        ticket_status: 'Open',
        ticket_tags: 'ios, priority',
        ticket_contact_email: 'sam@example.com',
        ticket_contact_name: 'Sam Ortiz',
        triggered_event: '{ticket_action:created}',
        ...overrides,
      },
    });

    it('401 without credentials or with wrong ones; basic auth and the token both work', async () => {
      const id = String(150_000 + (Date.now() % 1e5));
      await t.http().post('/webhooks/freshdesk').send(freshdeskBody(id)).expect(401);
      await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', 'wrong-token-wrong-token').send(freshdeskBody(id)).expect(401);
      await t.http().post('/webhooks/freshdesk').auth('hook', 'nope').send(freshdeskBody(id)).expect(401);
      await t.http().post('/webhooks/freshdesk').auth('hook', 'hook-password-0123456789').send(freshdeskBody(id)).expect(202);
      await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(freshdeskBody(id)).expect(200);
    });

    it('round trip: tags merged with the existing ones, one private note, duplicates ignored', async () => {
      const id = String(100_000 + (Date.now() % 1e5));
      freshdesk.seedTicket(id, { tags: ['billing-team'] });
      await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(freshdeskBody(id)).expect(202);
      await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(freshdeskBody(id)).expect(200);
      const body = await writebackDone(`freshdesk:${id}`);
      expect(body.triage.cause.id).toBe('storage_full');
      const remote = freshdesk.tickets.get(id)!;
      expect(remote.tags[0]).toBe('billing-team');
      expect(remote.tags).toContain('triage_cause_storage_full');
      expect(new Set(remote.tags).size).toBe(remote.tags.length);
      expect(notesOn(freshdesk, id)).toHaveLength(1);
    });

    it('triages a description that quotes the note marker; a rule fired by a private note is ignored', async () => {
      const id = String(250_000 + (Date.now() % 1e5));
      freshdesk.seedTicket(id);
      const quoted = freshdeskBody(id, { ticket_description: `<div>I saw triage-note:123 in an old email. ${STORAGE_TEXT}</div>` });
      const res = await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(quoted).expect(202);
      expect(res.body).toMatchObject({ status: 'queued', event: 'ticket' });
      const body = await writebackDone(`freshdesk:${id}`);
      expect(body.triage.cause.id).toBe('storage_full');
      const note = freshdeskBody(id, { ticket_description: '<div>changed</div>', triggered_event: '{note_type:private}' });
      const ignored = await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(note).expect(202);
      expect(ignored.body).toEqual({ status: 'ignored', reason: 'private note' });
    });

    it('maps a resolved status to an outcome signal', async () => {
      const id = String(200_000 + (Date.now() % 1e5));
      freshdesk.seedTicket(id);
      await t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(freshdeskBody(id)).expect(202);
      await writebackDone(`freshdesk:${id}`);
      await t
        .http()
        .post('/webhooks/freshdesk')
        .set('X-Webhook-Token', FD_TOKEN)
        .send(freshdeskBody(id, { ticket_status: '4' }))
        .expect(202);
      const body = await ticket(`freshdesk:${id}`);
      expect(body.status).toBe('solved');
      expect(body.outcomes).toEqual([expect.objectContaining({ resolved: true, signal: 'status' })]);
    });

    it('400 for a malformed body, storing nothing', async () => {
      const res = await t
        .http()
        .post('/webhooks/freshdesk')
        .set('X-Webhook-Token', FD_TOKEN)
        .send({ freshdesk_webhook: { ticket_subject: 'x' } })
        .expect(400);
      expect(res.body.error.code).toBe('WEBHOOK.INVALID_PAYLOAD');
    });
  });
});
