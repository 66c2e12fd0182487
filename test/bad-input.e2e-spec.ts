import { MetricsService } from '../src/platform/metrics/metrics.service';
import { makeTicket } from './support/factories';
import { ADMIN_KEY, suiteApp, waitFor } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';

const ZENDESK_SECRET = 'zendesk-signing-secret-bad-input-tests';
const FRESHDESK_TOKEN = 'freshdesk-webhook-token-bad-input-0123';
const TEXT = 'My iPhone backup fails every night: Not Enough Storage, my 5 GB iCloud plan is full.';
const LONE = 'broken \ud83d text and \udc00 too';

function expectErrorShape(body: unknown): void {
  expect(body).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
}

describe('client mistakes are 400s and webhooks never lose the ticket for them', () => {
  const suite = suiteApp({ ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET, FRESHDESK_WEBHOOK_TOKEN: FRESHDESK_TOKEN });
  const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

  const postZendesk = (body: object) => postSignedZendesk(suite.app.http, ZENDESK_SECRET, JSON.stringify(body));
  const postFreshdesk = (body: object) =>
    suite.app
      .http()
      .post('/webhooks/freshdesk')
      .set('X-Webhook-Token', FRESHDESK_TOKEN)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
  const trigger = (id: string, overrides: Record<string, string> = {}) => ({
    ticket: {
      id,
      title: 'Backup problem',
      description: TEXT,
      status: 'open',
      tags: 'ios',
      requester_email: 'kim@example.com',
      requester_name: 'Kim Lee',
      created_at: '2026-11-23T09:00:00Z',
      updated_at: '2026-11-23T09:15:02Z',
      ...overrides,
    },
    current_user: { id: '42', email: 'agent@example.com' },
  });
  const getTicket = (ref: string) =>
    suite.app
      .http()
      .get(`/v1/tickets/${encodeURIComponent(ref)}`)
      .set(auth);

  describe('POST /v1/tickets', () => {
    it.each([
      ['description', { description: LONE }],
      ['subject', { subject: 'x\ud800' }],
      ['a tag', { tags: ['ok', '\udfff'] }],
      ['the requester name', { requester: { name: 'Kim \ud800' } }],
      ['the external id', { externalId: `T-\ud800-${Date.now()}` }],
    ])('400 for a lone surrogate in %s; tickets sent at the same time are stored', async (_what, fields) => {
      const good = makeTicket();
      const [bad, ok] = await Promise.all([
        suite.app
          .http()
          .post('/v1/tickets')
          .set(auth)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(makeTicket(fields))),
        suite.app.http().post('/v1/tickets').set(auth).send(good),
      ]);
      expect(bad.status).toBe(400);
      expectErrorShape(bad.body);
      expect(JSON.stringify(bad.body.error.details)).toMatch(/lone surrogate/);
      expect(ok.status).toBe(202);
      await getTicket(`api:${good.externalId}`).expect(200);
    });

    it('400 for an external id over 200 characters', async () => {
      const res = await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ externalId: 'x'.repeat(201) }));
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });
  });

  describe('GET /v1/tickets filters and cursor', () => {
    it.each(['2026-W47', '2026-02-30', '2026-13-01', '2026-123', '2026-11-16T25:00:00Z'])('400 for from/to=%s', async (value) => {
      for (const key of ['from', 'to']) {
        const res = await suite.app
          .http()
          .get('/v1/tickets')
          .query({ [key]: value })
          .set(auth);
        expect(res.status).toBe(400);
        expectErrorShape(res.body);
      }
    });

    it('real dates still filter', async () => {
      await suite.app.http().get('/v1/tickets').query({ from: '2024-02-29', to: '2026-11-16T00:00:00Z' }).set(auth).expect(200);
    });

    it('400 for a well-formed cursor with an impossible time', async () => {
      const id = '3f0c7a2e-9b1d-4c5e-8f6a-1b2c3d4e5f60';
      for (const at of ['2026-02-30 10:00:00.123456+00', '2026-11-16 99:99:99+00', '2026-13-45 00:00:00+00']) {
        const cursor = Buffer.from(JSON.stringify([at, id])).toString('base64url');
        const res = await suite.app.http().get('/v1/tickets').query({ cursor }).set(auth);
        expect(res.status).toBe(400);
        expectErrorShape(res.body);
      }
      const good = Buffer.from(JSON.stringify(['2026-11-16 10:00:00.123456+00', id])).toString('base64url');
      await suite.app.http().get('/v1/tickets').query({ cursor: good }).set(auth).expect(200);
    });
  });

  describe('webhooks', () => {
    it('Zendesk: lone surrogates become U+FFFD and the ticket is accepted', async () => {
      const id = String(7_100_000 + (Date.now() % 1e6));
      const res = await postZendesk(trigger(id, { title: 'Backup \ud800', description: `${TEXT} ${LONE}`, requester_name: 'Kim \udc00' }));
      expect(res.status).toBe(202);
      const body = (await getTicket(`zendesk:${id}`).expect(200)).body;
      expect(body.subject).toBe('Backup \ufffd');
      expect(body.description).toContain('broken \ufffd text and \ufffd too');
    });

    it('Freshdesk: lone surrogates become U+FFFD and the ticket is accepted', async () => {
      const id = String(7_200_000 + (Date.now() % 1e6));
      const res = await postFreshdesk({
        freshdesk_webhook: {
          ticket_id: id,
          ticket_subject: 'iCloud \ud83d backup',
          ticket_description: `<div>${TEXT} ${LONE}</div>`,
          ticket_status: 'Open',
          ticket_tags: 'ios',
          ticket_contact_email: 'sam@example.com',
          ticket_contact_name: 'Sam \ud800',
          triggered_event: '{ticket_action:created}',
        },
      });
      expect(res.status).toBe(202);
      const body = (await getTicket(`freshdesk:${id}`).expect(200)).body;
      expect(body.subject).toBe('iCloud \ufffd backup');
      expect(body.description).toContain('broken \ufffd text');
    });

    it.each(['.', '..', '1/../2', '..%2F2', 'zd-17', '0', '007', '9'.repeat(21), '9'.repeat(201)])(
      'a helpdesk ticket id %j, not a positive integer, is refused with a 400 that says why, storing nothing',
      async (id) => {
        const zd = await postZendesk(trigger(id));
        expect(zd.status).toBe(400);
        expectErrorShape(zd.body);
        expect(zd.body.error.message).toMatch(/ticket id: a positive integer of up to 20 digits/);
        const fd = await postFreshdesk({
          freshdesk_webhook: { ticket_id: id, ticket_subject: 's', ticket_description: TEXT, triggered_event: '{ticket_action:created}' },
        });
        expect(fd.status).toBe(400);
        expectErrorShape(fd.body);
        expect(fd.body.error.message).toMatch(/ticket id: a positive integer of up to 20 digits/);
        expect(
          await suite.db.query('SELECT 1 FROM tickets WHERE source IN ($1, $2) AND external_id = $3', ['zendesk', 'freshdesk', id]),
        ).toEqual([]);
      },
    );

    it('an event id over 300 characters is accepted safely, once', async () => {
      const id = String(7_300_000 + (Date.now() % 1e6));
      const evt = {
        id: `evt-${'e'.repeat(400)}`,
        type: 'zen:event-type:ticket.created',
        subject: `zen:ticket:${id}`,
        time: new Date().toISOString(),
        detail: { id, subject: 'Backup stopped', description: TEXT, status: 'OPEN', requester_id: '7', tags: [] },
      };
      expect((await postZendesk(evt)).status).toBe(202);
      expect((await postZendesk(evt)).status).toBe(200);
      await getTicket(`zendesk:${id}`).expect(200);
    });
  });

  describe('text over 64 KiB from a webhook is cut, never refused', () => {
    /** 65,535 letters, then an emoji whose surrogate pair straddles the limit, then more. */
    const LONG = `${'a'.repeat(65_535)}\u{1F600} and the rest of a pasted log`;
    const inboxPayloads = (source: string, id: string) =>
      suite.db.query(
        `SELECT i.kind, i.payload FROM inbox_events i JOIN tickets t ON t.id = i.ticket_id
         WHERE t.source = $1 AND t.external_id = $2 ORDER BY i.received_at`,
        [source, id],
      ) as Promise<{ kind: string; payload: { description: string; truncated?: boolean } }[]>;

    it('Zendesk: the description is cut to 65,536 characters on a code point boundary, marked truncated', async () => {
      const id = String(7_500_000 + (Date.now() % 1e6));
      const res = await postZendesk(trigger(id, { description: LONG }));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ status: 'queued', event: 'ticket', truncated: true });
      const body = (await getTicket(`zendesk:${id}`).expect(200)).body;
      expect(body.description).toBe('a'.repeat(65_535));
      expect(body.truncated).toBe(true);
      const [inbox] = await inboxPayloads('zendesk', id);
      expect(inbox.payload).toMatchObject({ description: 'a'.repeat(65_535), truncated: true });
      await waitFor(
        async () => (await getTicket(`zendesk:${id}`)).body,
        (b) => b.triage?.state === 'done',
      );
    });

    it('Freshdesk: the description is cut and marked, the ticket triaged', async () => {
      const id = String(7_600_000 + (Date.now() % 1e6));
      const res = await postFreshdesk({
        freshdesk_webhook: {
          ticket_id: id,
          ticket_subject: 's',
          ticket_description: `${TEXT} ${'b'.repeat(70_000)}`,
          ticket_status: 'Open',
        },
      });
      expect(res.status).toBe(202);
      expect(res.body.truncated).toBe(true);
      const [inbox] = await inboxPayloads('freshdesk', id);
      expect(inbox.payload.description).toHaveLength(65_536);
      expect(inbox.payload.truncated).toBe(true);
      await waitFor(
        async () => (await getTicket(`freshdesk:${id}`)).body,
        (b) => b.triage?.state === 'done',
      );
    });

    it('a customer comment over 64 KiB is cut and marked in the conversation; text within the limit is not marked', async () => {
      const id = String(7_700_000 + (Date.now() % 1e6));
      const evt = (type: string, extra: object) => ({
        id: `evt-${type}-${id}`,
        type: `zen:event-type:${type}`,
        subject: `zen:ticket:${id}`,
        time: new Date().toISOString(),
        detail: { id, subject: 'Backup stopped', description: TEXT, status: 'OPEN', requester_id: '7', tags: [] },
        ...extra,
      });
      const created = await postZendesk(evt('ticket.created', {}));
      expect(created.status).toBe(202);
      expect(created.body).not.toHaveProperty('truncated');
      const comment = {
        comment: { id: `c-${id}`, body: `Still failing. ${'c'.repeat(70_000)}`, is_public: true, author: { id: '7', is_staff: false } },
      };
      const res = await postZendesk(evt('ticket.comment_added', { event: comment }));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ event: 'comment', truncated: true });
      const body = (await getTicket(`zendesk:${id}`).expect(200)).body;
      expect(body.conversation).toEqual([expect.objectContaining({ truncated: true })]);
      expect(body.conversation[0].body).toHaveLength(65_536);
      const payloads = await inboxPayloads('zendesk', id);
      expect(payloads.map((p) => [p.kind, p.payload.truncated ?? false])).toEqual([
        ['ticket', false],
        ['comment', true],
      ]);
    });
  });

  describe('dates ahead of the server clock', () => {
    const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

    it.each([
      ['updatedAt in the year 9999', { updatedAt: '9999-12-31T23:59:59Z' }, 'updatedAt'],
      ['updatedAt two hours ahead', { updatedAt: hours(2) }, 'updatedAt'],
      ['createdAt two hours ahead', { createdAt: hours(2) }, 'createdAt'],
    ])('POST /v1/tickets: 400 for %s, storing nothing', async (_what, fields, field) => {
      const ticket = makeTicket(fields);
      const res = await suite.app.http().post('/v1/tickets').set(auth).send(ticket);
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
      expect(res.body.error.message).toContain(`${field} must not be more than 60 minutes ahead`);
      await getTicket(`api:${ticket.externalId}`).expect(404);
    });

    it('POST /v1/tickets: a clock a few minutes ahead is fine', async () => {
      await suite.app
        .http()
        .post('/v1/tickets')
        .set(auth)
        .send(makeTicket({ updatedAt: hours(0.5), createdAt: hours(0.5) }))
        .expect(202);
    });

    it('webhooks: a year-9999 updated_at becomes now, so a later normal update still replaces the content and re-triages', async () => {
      const id = String(7_800_000 + (Date.now() % 1e6));
      await postZendesk(trigger(id, { updated_at: '9999-12-31T23:59:59Z' })).expect(202);
      const first = await waitFor(
        async () => (await getTicket(`zendesk:${id}`)).body,
        (b) => b.triage?.state === 'done',
      );
      expect(first.triage.cause.id).toBe('storage_full');
      expect(new Date(first.updatedAt).getFullYear()).toBeLessThan(9999);

      const greyedOut = 'The iCloud Backup switch is greyed out. This iPhone is managed by my employer (MDM profile).';
      const later = new Date(Date.now() + 60_000).toISOString();
      await postZendesk(trigger(id, { description: greyedOut, updated_at: later })).expect(202);
      const second = await waitFor(
        async () => (await getTicket(`zendesk:${id}`)).body,
        (b) => b.history?.length === 2 && b.triage?.state === 'done',
      );
      expect(second.description).toBe(greyedOut);
      expect(second.triage.cause.id).toBe('restricted');
    });
  });

  describe('applied-fix tags', () => {
    async function triagedZendeskTicket(): Promise<string> {
      const id = String(7_400_000 + Math.floor(Math.random() * 1e6));
      await postZendesk(trigger(id)).expect(202);
      await waitFor(
        async () => (await getTicket(`zendesk:${id}`)).body,
        (b) => b.triage?.state === 'done',
      );
      return id;
    }
    const unknownCount = async () => (await suite.app.app.get(MetricsService).unknownMacroTags.get()).values[0]?.value ?? 0;

    it('a tag naming no macro of the pack is ignored and counted, never stored as a fix', async () => {
      const id = await triagedZendeskTicket();
      const before = await unknownCount();
      const phantom = `phantom_fix_${Date.now()}`;
      await postZendesk(
        trigger(id, { status: 'solved', tags: `ios triage_applied_${phantom}`, updated_at: '2026-11-23T10:00:00Z' }),
      ).expect(202);
      expect(await unknownCount()).toBe(before + 1);
      const body = (await getTicket(`zendesk:${id}`).expect(200)).body;
      expect(body.status).toBe('solved');
      expect(body.outcomes.map((o: { macroId: string }) => o.macroId)).not.toContain(phantom);
      expect(await suite.db.query('SELECT 1 FROM outcomes WHERE macro_id = $1', [phantom])).toEqual([]);
      expect(await suite.db.query('SELECT 1 FROM fix_stats WHERE macro_id = $1', [phantom])).toEqual([]);
      expect(await suite.db.query('SELECT 1 FROM outcome_signals WHERE macro_id = $1', [phantom])).toEqual([]);
    });

    it('a suffix over 100 characters does not lose the solved event', async () => {
      const id = await triagedZendeskTicket();
      const res = await postZendesk(
        trigger(id, { status: 'solved', tags: `ios triage_applied_${'m'.repeat(150)}`, updated_at: '2026-11-23T10:00:00Z' }),
      );
      expect(res.status).toBe(202);
      const [signal] = await suite.db.query(
        `SELECT s.status, s.resolved FROM outcome_signals s JOIN tickets t ON t.id = s.ticket_id WHERE t.external_id = $1`,
        [id],
      );
      expect(signal).toEqual({ status: 'solved', resolved: true });
      expect((await getTicket(`zendesk:${id}`)).body.status).toBe('solved');
    });

    it('an alias of a macro is credited to that macro', async () => {
      const id = await triagedZendeskTicket();
      await postZendesk(
        trigger(id, { status: 'solved', tags: 'ios triage_applied_check_wifi', updated_at: '2026-11-23T10:00:00Z' }),
      ).expect(202);
      const body = (await getTicket(`zendesk:${id}`)).body;
      expect(body.outcomes).toEqual([expect.objectContaining({ macroId: 'connect_stable_wifi', attribution: 'applied', resolved: true })]);
    });
  });
});
