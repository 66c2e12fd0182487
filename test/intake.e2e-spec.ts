import { DataSource } from 'typeorm';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';

describe('ticket intake and triage (POST /v1/tickets, GET /v1/tickets/:id)', () => {
  let t: TestApp;
  let db: DataSource;
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(async () => t.close());

  const getTicket = (ref: string) =>
    t
      .http()
      .get(`/v1/tickets/${encodeURIComponent(ref)}`)
      .set(auth);
  const waitForTriage = (ref: string) =>
    waitFor(
      () => getTicket(ref).then((r) => r.body),
      (b) => b?.triage?.state === 'done',
    );
  const countRows = async (table: string, externalId: string) => {
    const [row] = await db.query(
      `SELECT count(*)::int AS n FROM ${table} x JOIN tickets t ON t.id = ${table === 'tickets' ? 'x.id' : 'x.ticket_id'}
       WHERE t.external_id = $1`,
      [externalId],
    );
    return row.n as number;
  };

  it('accepts a ticket with 202, then serves its triage with a cause and a rendered macro', async () => {
    const ticket = makeTicket();
    const res = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued' });

    const body = await waitForTriage(res.body.id);
    expect(body).toMatchObject({
      id: res.body.id,
      source: 'api',
      externalId: ticket.externalId,
      subject: ticket.subject,
      description: ticket.description,
      requester: ticket.requester,
    });
    expect(body.triage.cause.id).toBe('storage_full');
    expect(body.triage.cause.confidence).toBeGreaterThan(0);
    expect(body.triage.macro.title).toEqual(expect.any(String));
    expect(body.triage.macro.body).toContain('Dana');
    expect(body.triage.symptoms.length).toBeGreaterThan(0);
    expect(body.triage.packVersion).toEqual(expect.any(String));
    expect(new Date(body.triage.triagedAt).getTime()).not.toBeNaN();

    const bySourceRef = await getTicket(`api:${ticket.externalId}`).expect(200);
    expect(bySourceRef.body.id).toBe(res.body.id);
  });

  it('answers the same event again with 200 and the same id, storing and triaging nothing new', async () => {
    const ticket = makeTicket({ updatedAt: '2026-11-20T10:00:00Z' });
    const first = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    await waitForTriage(first.body.id);
    const again = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(200);
    expect(again.body).toEqual({ id: first.body.id, status: 'queued' });
    expect(await countRows('inbox_events', ticket.externalId)).toBe(1);
    expect(await countRows('triage_results', ticket.externalId)).toBe(1);
  });

  it('without updatedAt, treats the same content as the same event', async () => {
    const ticket = makeTicket();
    const first = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    const again = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await countRows('inbox_events', ticket.externalId)).toBe(1);
  });

  it('triages a ticket again when a new event for it arrives, keeping the old result until then', async () => {
    const ticket = makeTicket({ updatedAt: '2026-11-20T10:00:00Z' });
    const first = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    await waitForTriage(first.body.id);

    const update = {
      ...ticket,
      updatedAt: '2026-11-20T11:00:00Z',
      description:
        'The backup switch in iCloud settings is greyed out and I cannot tap Back Up Now. ' + 'It is a work phone managed by my company.',
    };
    const second = await t.http().post('/v1/tickets').set(auth).send(update).expect(202);
    expect(second.body.id).toBe(first.body.id);
    const body = await waitForTriage(first.body.id);
    expect(body.triage.cause.id).toBe('restricted');
    expect(body.description).toBe(update.description);
    expect(await countRows('triage_results', ticket.externalId)).toBe(2);
  });

  it('does not let an older event replace the content of a newer one', async () => {
    const ticket = makeTicket({ updatedAt: '2026-11-20T12:00:00Z' });
    const first = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    const older = { ...ticket, updatedAt: '2026-11-20T09:00:00Z', description: 'older text about wifi dropping' };
    await t.http().post('/v1/tickets').set(auth).send(older).expect(202);
    await waitFor(
      () => countRows('triage_results', ticket.externalId),
      (n) => n === 2,
    );
    const body = await waitForTriage(first.body.id);
    expect(body.description).toBe(ticket.description);
    expect(body.triage.cause.id).toBe('storage_full');
  });

  it('accepts events arriving together: each stored once, duplicates answered 200, two updates of one ticket both kept', async () => {
    const tickets = Array.from({ length: 40 }, () => makeTicket());
    const same = makeTicket({ updatedAt: '2026-11-20T10:00:00Z' });
    const later = { ...same, updatedAt: '2026-11-20T11:00:00Z', description: `${same.description} Still failing today.` };
    const bodies = [...tickets, same, same, same, later];
    const answers = await Promise.all(bodies.map((b) => t.http().post('/v1/tickets').set(auth).send(b)));
    expect(answers.slice(0, 40).every((a) => a.status === 202)).toBe(true);
    const forSame = answers.slice(40);
    expect(new Set(forSame.map((a) => a.body.id)).size).toBe(1);
    expect(forSame.filter((a) => a.status === 202)).toHaveLength(2);
    expect(forSame.filter((a) => a.status === 200)).toHaveLength(2);
    expect(await countRows('inbox_events', same.externalId)).toBe(2);
    for (const ticket of tickets.slice(0, 5)) expect(await countRows('tickets', ticket.externalId)).toBe(1);
    const body = await waitFor(
      () => getTicket(`api:${same.externalId}`).then((r) => r.body),
      (b) => b.triage?.state === 'done' && b.description === later.description,
    );
    expect(body.description).toBe(later.description);
  });

  describe('bad input gets a clear error and changes nothing', () => {
    it.each([
      ['an unknown field', { surprise: true }, 'surprise'],
      ['a missing description', { description: undefined }, 'description'],
      ['an empty description', { description: '' }, 'description'],
      ['a subject over 1,000 characters', { subject: 'x'.repeat(1001) }, 'subject'],
      ['a description over 65,536 characters', { description: 'y'.repeat(65_537) }, 'description'],
      ['an unknown status', { status: 'archived' }, 'status'],
      ['an invalid updatedAt', { updatedAt: 'yesterday' }, 'updatedAt'],
      ['an unknown requester field', { requester: { phone: '123' } }, 'phone'],
    ])('400 for %s', async (_name, patch, mentioned) => {
      const ticket = { ...makeTicket(), ...patch };
      const res = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(400);
      expect(res.body.error.code).toBe('REQUEST.INVALID');
      expect(JSON.stringify(res.body.error.details)).toContain(mentioned);
      expect(await countRows('tickets', ticket.externalId)).toBe(0);
    });

    it('accepts a description of exactly 65,536 characters', async () => {
      await t
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ description: 'icloud backup '.repeat(5000).slice(0, 65_536) }))
        .expect(202);
    });

    it('413 for a body over 1 MiB', async () => {
      const ticket = makeTicket({ description: 'z'.repeat(1024 * 1024 + 10) });
      const res = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(413);
      expect(res.body.error.code).toBe('REQUEST.TOO_LARGE');
      expect(await countRows('tickets', ticket.externalId)).toBe(0);
    });

    it('415 for a body that is not JSON', async () => {
      const res = await t.http().post('/v1/tickets').set(auth).set('Content-Type', 'text/plain').send('externalId=1').expect(415);
      expect(res.body.error.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    });

    it('400 for malformed JSON', async () => {
      const res = await t
        .http()
        .post('/v1/tickets')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"externalId": "x", ')
        .expect(400);
      expect(res.body.error.code).toBe('REQUEST.MALFORMED_JSON');
    });
  });

  describe('API keys', () => {
    it('401 without a key', async () => {
      const ticket = makeTicket();
      const res = await t.http().post('/v1/tickets').send(ticket).expect(401);
      expect(res.body.error).toEqual({ code: 'AUTH.MISSING_KEY', message: expect.any(String) });
      expect(await countRows('tickets', ticket.externalId)).toBe(0);
    });

    it('401 with a wrong key', async () => {
      const res = await t.http().get(`/v1/tickets/api:${uniqueId()}`).set('Authorization', 'Bearer not-a-real-key').expect(401);
      expect(res.body.error.code).toBe('AUTH.INVALID_KEY');
    });
  });

  it("answers with a request id: the caller's X-Request-Id, or a new one", async () => {
    const echoed = await t.http().get('/health/live').set('X-Request-Id', 'lb-7f3a').expect(200);
    expect(echoed.headers['x-request-id']).toBe('lb-7f3a');
    const fresh = await t.http().get('/health/live').expect(200);
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  /** A unique externalId of exactly 200 UTF-16 units, filled with `fill`. */
  const externalIdOf200 = (fill: string) => {
    let id = uniqueId('long');
    while (id.length + fill.length <= 200) id += fill;
    return id.padEnd(200, 'z');
  };

  it.each([
    ['ASCII letters', 'x'],
    ['three-byte UTF-8 characters (1,800 characters percent-encoded)', '票'],
    ['emoji', '😀'],
    ['reserved characters', '/?#% '],
  ])('GET /v1/tickets/api:<externalId of 200 characters> finds it, for %s', async (_what, fill) => {
    const ticket = makeTicket({ externalId: externalIdOf200(fill) });
    expect(ticket.externalId).toHaveLength(200);
    const res = await t.http().post('/v1/tickets').set(auth).send(ticket).expect(202);
    const found = await getTicket(`api:${ticket.externalId}`).expect(200);
    expect(found.body).toMatchObject({ id: res.body.id, externalId: ticket.externalId });
  });

  it('404 with the error shape for an unknown ticket', async () => {
    const res = await getTicket(`api:${uniqueId('missing')}`).expect(404);
    expect(res.body.error.code).toBe('TICKET.NOT_FOUND');
    await getTicket('00000000-0000-4000-8000-000000000000').expect(404);
  });
});
