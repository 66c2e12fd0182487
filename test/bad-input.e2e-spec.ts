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
    suite.app.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FRESHDESK_TOKEN).set('Content-Type', 'application/json').send(JSON.stringify(body));
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
  const getTicket = (ref: string) => suite.app.http().get(`/v1/tickets/${encodeURIComponent(ref)}`).set(auth);

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
        suite.app.http().post('/v1/tickets').set(auth).set('Content-Type', 'application/json').send(JSON.stringify(makeTicket(fields))),
        suite.app.http().post('/v1/tickets').set(auth).send(good),
      ]);
      expect(bad.status).toBe(400);
      expectErrorShape(bad.body);
      expect(JSON.stringify(bad.body.error.details)).toMatch(/lone surrogate/);
      expect(ok.status).toBe(202);
      await getTicket(`api:${good.externalId}`).expect(200);
    });

    it('400 for an external id over 200 characters', async () => {
      const res = await suite.app.http().post('/v1/tickets').set(auth).send(makeTicket({ externalId: 'x'.repeat(201) }));
      expect(res.status).toBe(400);
      expectErrorShape(res.body);
    });
  });

  describe('GET /v1/tickets filters and cursor', () => {
    it.each(['2026-W47', '2026-02-30', '2026-13-01', '2026-123', '2026-11-16T25:00:00Z'])('400 for from/to=%s', async (value) => {
      for (const key of ['from', 'to']) {
        const res = await suite.app.http().get('/v1/tickets').query({ [key]: value }).set(auth);
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

    it('a helpdesk ticket id over 200 characters is refused with a 400 that says why', async () => {
      const zd = await postZendesk(trigger('9'.repeat(201)));
      expect(zd.status).toBe(400);
      expect(zd.body.error.message).toMatch(/ticket id .*200/);
      const fd = await postFreshdesk({ freshdesk_webhook: { ticket_id: '8'.repeat(250), ticket_subject: 's', ticket_description: TEXT, triggered_event: '{ticket_action:created}' } });
      expect(fd.status).toBe(400);
      expect(fd.body.error.message).toMatch(/ticket id .*200/);
    });

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
      await postZendesk(trigger(id, { status: 'solved', tags: `ios triage_applied_${phantom}`, updated_at: '2026-11-23T10:00:00Z' })).expect(202);
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
      const res = await postZendesk(trigger(id, { status: 'solved', tags: `ios triage_applied_${'m'.repeat(150)}`, updated_at: '2026-11-23T10:00:00Z' }));
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
      await postZendesk(trigger(id, { status: 'solved', tags: 'ios triage_applied_check_wifi', updated_at: '2026-11-23T10:00:00Z' })).expect(202);
      const body = (await getTicket(`zendesk:${id}`)).body;
      expect(body.outcomes).toEqual([expect.objectContaining({ macroId: 'connect_stable_wifi', attribution: 'applied', resolved: true })]);
    });
  });
});
