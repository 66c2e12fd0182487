/**
 * The write-back gate end to end: a triage below WRITEBACK_MIN_CONFIDENCE is `review` (needs_review and band
 * tags, no cause tag, a note with the top causes, no credit for the suggested macro on a solve), one at or above
 * it is `auto`; both show in the API, the list filter and /metrics. The model's exact confidences are not assumed:
 * the gate is set far to one side (and the texts lean the same way), and bands are checked against the bounds.
 */
import type { FakeFreshdesk } from './fakes/fake-freshdesk';
import { FakeZendesk } from './fakes/fake-zendesk';
import { startFakeHelpdesks, type FakeHelpdesks } from './support/fake-helpdesks';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';

const SECRET = 'zendesk-signing-secret-for-gate-tests';
const FD_TOKEN = 'freshdesk-webhook-token-for-gate-0123';
const admin = { Authorization: `Bearer ${ADMIN_KEY}` };
const STORAGE_TEXT =
  'My iPhone 14 backup fails every night. It says Not Enough Storage: my 5 GB iCloud plan is full and the backup needs 11 GB.';
const VAGUE_TEXT = 'My backup is not working since yesterday, it just fails.';
const RESTRICTED_TEXT =
  'The backup switch in iCloud settings is greyed out and I cannot tap Back Up Now. It is a work phone managed by my company.';

interface TriageView {
  state: string;
  cause: { id: string; confidence: number };
  causes: { id: string; score: number }[];
  symptoms: { id: string; polarity?: string }[];
  macro: { id: string };
  decision: string;
  band: string;
  language: { code: string; confidence: number };
  modelVersion: string;
}

/** The band the bounds give a confidence, for a decision already known. */
function expectedBand(decision: string, confidence: number, mediumMin: number): string {
  if (decision === 'auto') return 'high';
  return confidence >= mediumMin ? 'medium' : 'low';
}

let nextHelpdeskId = 7_000_000 + (Date.now() % 1_000_000);
const helpdeskId = () => String(nextHelpdeskId++);

describe('write-back gate: decision, band, language and model, from triage to helpdesk and outcomes', () => {
  let fakes: FakeHelpdesks;
  let zendesk: FakeZendesk;
  let freshdesk: FakeFreshdesk;
  const savedEnv = { ...process.env };
  /** Tickets each phase stored, with the decision it expects. */
  const stored: { id: string; decision: 'auto' | 'review' }[] = [];

  beforeAll(async () => {
    fakes = await startFakeHelpdesks({ zendeskSecret: SECRET, freshdeskToken: FD_TOKEN });
    ({ zendesk, freshdesk } = fakes);
  });
  afterAll(async () => {
    await fakes.stop();
    process.env = savedEnv;
  });

  /** One running service with the gate given, for the tests of a describe block. */
  function serviceWithGate(gate: { WRITEBACK_MIN_CONFIDENCE: string; BAND_MEDIUM_MIN: string }) {
    const ctx = {} as { t: TestApp };
    beforeAll(async () => {
      Object.assign(process.env, gate);
      ctx.t = await createTestApp();
    });
    afterAll(async () => {
      await ctx.t?.close();
      delete process.env.WRITEBACK_MIN_CONFIDENCE;
      delete process.env.BAND_MEDIUM_MIN;
    });
    const ticket = (ref: string) =>
      ctx.t
        .http()
        .get(`/v1/tickets/${ref}`)
        .set(admin)
        .then((r) => r.body);
    const triaged = (ref: string) =>
      waitFor(
        () => ticket(ref),
        (b) => b.triage?.state === 'done',
      );
    const writebackDone = (ref: string) =>
      waitFor(
        () => ticket(ref),
        (b) => b.triage?.state === 'done' && b.writebacks?.length > 0 && b.writebacks.every((w: { state: string }) => w.state === 'done'),
        { timeoutMs: 15_000 },
      );
    const postZendesk = (body: object) => postSignedZendesk(ctx.t.http, SECRET, JSON.stringify(body));
    const postFreshdesk = (body: object) => ctx.t.http().post('/webhooks/freshdesk').set('X-Webhook-Token', FD_TOKEN).send(body);
    const intake = async (description: string) => {
      const res = await ctx.t
        .http()
        .post('/v1/tickets')
        .set(admin)
        .send({ externalId: uniqueId('gate'), subject: '', description })
        .expect(202);
      return res.body.id as string;
    };
    /** A new Zendesk (or Freshdesk) ticket with this text, once triaged and written back. */
    const roundTrip = async (helpdesk: 'zendesk' | 'freshdesk', text: string, decision: 'auto' | 'review') => {
      const id = helpdeskId();
      if (helpdesk === 'zendesk') {
        zendesk.seedTicket(id, { tags: ['vip'] });
        await postZendesk(zendeskTrigger(id, text)).expect(202);
      } else {
        freshdesk.seedTicket(id, { tags: ['billing-team'] });
        await postFreshdesk(freshdeskBody(id, text)).expect(202);
      }
      const body = await writebackDone(`${helpdesk}:${id}`);
      stored.push({ id: body.id, decision });
      return { id, body, triage: body.triage as TriageView };
    };
    const metric = async (decision: string) => {
      const text = (await ctx.t.http().get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith(`ticket_triage_triage_decisions_total{decision="${decision}"}`));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    return { ctx, ticket, triaged, postZendesk, intake, roundTrip, metric };
  }

  const zendeskTrigger = (id: string, description: string, overrides: Record<string, string> = {}) => ({
    ticket: {
      id,
      title: 'Backup problem',
      description,
      status: 'open',
      tags: 'vip',
      requester_first_name: 'Kim',
      created_at: '2026-12-01T09:00:00Z',
      updated_at: '2026-12-01T09:15:00Z',
      ...overrides,
    },
    current_user: { id: '42', email: 'agent@example.com' },
  });
  const freshdeskBody = (id: string, description: string) => ({
    freshdesk_webhook: {
      ticket_id: id,
      ticket_subject: 'iCloud backup',
      ticket_description: `<div>${description}</div>`,
      ticket_status: 'Open',
      ticket_tags: 'billing-team',
      triggered_event: '{ticket_action:created}',
    },
  });
  const privateNotes = (fake: FakeZendesk | FakeFreshdesk, id: string) =>
    fake instanceof FakeZendesk
      ? fake.tickets
          .get(id)!
          .comments.filter((c) => !c.public)
          .map((c) => c.body)
      : fake.tickets
          .get(id)!
          .conversations.filter((c) => c.private)
          .map((c) => c.body_text);

  describe('gate above every answer (WRITEBACK_MIN_CONFIDENCE=1): review', () => {
    const s = serviceWithGate({ WRITEBACK_MIN_CONFIDENCE: '1', BAND_MEDIUM_MIN: '0.5' });

    it('GET /v1/tickets/:id shows decision review, a band below high that follows BAND_MEDIUM_MIN, the language and model', async () => {
      const id = await s.intake(VAGUE_TEXT);
      stored.push({ id, decision: 'review' });
      const { triage } = (await s.triaged(id)) as { triage: TriageView };
      expect(triage.decision).toBe('review');
      expect(triage.band).toBe(expectedBand('review', triage.cause.confidence, 0.5));
      expect(triage.language).toEqual({ code: expect.stringMatching(/^[a-z]{2}$/), confidence: expect.any(Number) });
      expect(triage.language.confidence).toBeGreaterThanOrEqual(0);
      expect(triage.language.confidence).toBeLessThanOrEqual(1);
      expect(triage.modelVersion).toEqual(expect.any(String));
      expect(triage.macro.id).toEqual(expect.any(String)); // a review answer still names the fix of its best guess
    });

    it('applies the configured gate to a clear ticket too (the engine gets WRITEBACK_MIN_CONFIDENCE)', async () => {
      const id = await s.intake(STORAGE_TEXT);
      const { triage } = (await s.triaged(id)) as { triage: TriageView };
      expect(triage.cause.confidence).toBeLessThan(1);
      expect({ decision: triage.decision, band: triage.band }).toEqual({
        decision: 'review',
        band: expectedBand('review', triage.cause.confidence, 0.5),
      });
    });

    it('POST /v1/triage/preview answers with the same fields', async () => {
      const res = await s.ctx.t.http().post('/v1/triage/preview').set(admin).send({ subject: '', description: VAGUE_TEXT }).expect(200);
      const preview = res.body as TriageView;
      expect(preview.decision).toBe('review');
      expect(preview.band).toBe(expectedBand('review', preview.cause.confidence, 0.5));
      expect(preview.language).toEqual({ code: expect.any(String), confidence: expect.any(Number) });
      expect(preview.modelVersion).toEqual(expect.any(String));
    });

    it('Zendesk: needs_review, the band and the symptom tags, no cause tag, and a note with the top three causes', async () => {
      const { id, triage } = await s.roundTrip('zendesk', VAGUE_TEXT, 'review');
      expect(triage.decision).toBe('review');

      const tags = zendesk.tickets.get(id)!.tags;
      expect(tags).toEqual(expect.arrayContaining(['vip', 'triage_needs_review', `triage_confidence_${triage.band}`]));
      expect(tags).not.toContain('triage_confidence_high');
      expect(tags.filter((t) => t.startsWith('triage_cause_'))).toEqual([]);
      for (const symptom of triage.symptoms.filter((x) => !x.polarity || x.polarity === 'present')) {
        expect(tags).toContain(`triage_symptom_${symptom.id}`);
      }

      const notes = privateNotes(zendesk, id);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('Needs review');
      expect(notes[0]).toContain(`Decision: review · confidence band ${triage.band}`);
      expect(notes[0]).toContain('Top causes:');
      const top3 = [...triage.causes].sort((a, b) => b.score - a.score).slice(0, 3);
      for (const cause of top3) expect(notes[0]).toMatch(new RegExp(`^- ${cause.id} \\(\\d+%\\)$`, 'm'));
      expect(notes[0].match(/^- \w+ \(\d+%\)$/gm)).toHaveLength(3);
      expect(notes[0]).toContain(`model ${triage.modelVersion}`);
    });

    it('Freshdesk: the same tags merged with the ticket’s own, no cause tag, and the review note', async () => {
      const { id, triage } = await s.roundTrip('freshdesk', VAGUE_TEXT, 'review');
      const tags = freshdesk.tickets.get(id)!.tags;
      expect(tags[0]).toBe('billing-team');
      expect(tags).toEqual(expect.arrayContaining(['triage_needs_review', `triage_confidence_${triage.band}`]));
      expect(tags.filter((t) => t.startsWith('triage_cause_'))).toEqual([]);
      const notes = privateNotes(freshdesk, id);
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('Needs review');
      expect(notes[0]).toContain('Top causes');
    });

    it('a solve of a review ticket credits no suggested macro; an applied tag is still credited', async () => {
      const {
        id,
        body: { id: ticketId },
      } = await s.roundTrip('zendesk', VAGUE_TEXT, 'review');
      await s.postZendesk(zendeskTrigger(id, VAGUE_TEXT, { status: 'solved', updated_at: '2026-12-01T10:00:00Z' })).expect(202);
      expect((await s.ticket(ticketId)).outcomes).toEqual([]);

      const applied = zendeskTrigger(id, VAGUE_TEXT, {
        status: 'solved',
        tags: 'vip triage_applied_restart_device',
        updated_at: '2026-12-01T11:00:00Z',
      });
      await s.postZendesk(applied).expect(202);
      expect((await s.ticket(ticketId)).outcomes).toEqual([
        expect.objectContaining({ macroId: 'restart_device', resolved: true, attribution: 'applied' }),
      ]);
    });

    it('/metrics counts the review decisions stored', async () => {
      expect(await s.metric('review')).toBeGreaterThanOrEqual(stored.filter((x) => x.decision === 'review').length);
      expect(await s.metric('auto')).toEqual(expect.any(Number));
    });
  });

  describe('gate below every answer (WRITEBACK_MIN_CONFIDENCE=0.05): auto', () => {
    const s = serviceWithGate({ WRITEBACK_MIN_CONFIDENCE: '0.05', BAND_MEDIUM_MIN: '0.01' });

    it('a clear ticket is auto, band high; Zendesk gets the cause tag and confidence_high, no needs_review', async () => {
      const { id, triage } = await s.roundTrip('zendesk', STORAGE_TEXT, 'auto');
      expect({ decision: triage.decision, band: triage.band }).toEqual({ decision: 'auto', band: 'high' });
      const tags = zendesk.tickets.get(id)!.tags;
      expect(tags).toEqual(expect.arrayContaining([`triage_cause_${triage.cause.id}`, 'triage_confidence_high']));
      expect(tags).not.toContain('triage_needs_review');
      const [note] = privateNotes(zendesk, id);
      expect(note).toContain(`Likely cause: ${triage.cause.id}`);
      expect(note).toContain('Decision: auto · confidence band high');
      expect(note).not.toContain('Top causes');
    });

    it('Freshdesk: the cause tag and confidence_high', async () => {
      const { id, triage } = await s.roundTrip('freshdesk', STORAGE_TEXT, 'auto');
      expect(freshdesk.tickets.get(id)!.tags).toEqual(
        expect.arrayContaining([`triage_cause_${triage.cause.id}`, 'triage_confidence_high']),
      );
    });

    it('a re-triage to another cause (the customer rewrote the description) leaves only the new cause tag on Zendesk', async () => {
      const { id, body, triage } = await s.roundTrip('zendesk', STORAGE_TEXT, 'auto');
      // An agent's label and applied macro, set in the helpdesk: the service never removes them.
      zendesk.tickets.get(id)!.tags.push('triage_cause_is_storage_full', 'triage_applied_restart_device');
      await s.postZendesk(zendeskTrigger(id, RESTRICTED_TEXT, { updated_at: '2026-12-01T10:00:00Z' })).expect(202);
      const after = await waitFor(
        () => s.ticket(body.id),
        (b) => b.writebacks?.length === 2 && b.writebacks.every((w: { state: string }) => w.state === 'done'),
        { timeoutMs: 15_000 },
      );
      expect(after.triage.decision).toBe('auto');
      expect(after.triage.cause.id).not.toBe(triage.cause.id);
      const tags = zendesk.tickets.get(id)!.tags;
      const causeTags = tags.filter((t) => t.startsWith('triage_cause_') && !t.startsWith('triage_cause_is_'));
      expect(causeTags).toEqual([`triage_cause_${after.triage.cause.id}`]);
      expect(tags).toEqual(
        expect.arrayContaining(['vip', 'triage_cause_is_storage_full', 'triage_applied_restart_device', 'triage_confidence_high']),
      );
      const stale = triage.symptoms.filter((x) => !after.triage.symptoms.some((y: { id: string }) => y.id === x.id));
      for (const symptom of stale) expect(tags).not.toContain(`triage_symptom_${symptom.id}`);
    });

    it('a solve of an auto ticket credits the suggested macro', async () => {
      const { id, body } = await s.roundTrip('zendesk', STORAGE_TEXT, 'auto');
      expect(body.triage.decision).toBe('auto');
      await s.postZendesk(zendeskTrigger(id, STORAGE_TEXT, { status: 'solved', updated_at: '2026-12-01T10:00:00Z' })).expect(202);
      expect((await s.ticket(body.id)).outcomes).toEqual([
        expect.objectContaining({ macroId: body.triage.macro.id, resolved: true, attribution: 'suggested' }),
      ]);
    });

    it('GET /v1/tickets?decision= lists each decision’s tickets only, and refuses other values with 400', async () => {
      const list = async (decision: string) => {
        const res = await s.ctx.t.http().get(`/v1/tickets?decision=${decision}&limit=200`).set(admin).expect(200);
        return res.body.items as { id: string; triage: TriageView }[];
      };
      const [review, auto] = await Promise.all([list('review'), list('auto')]);
      expect(review.every((i) => i.triage.decision === 'review')).toBe(true);
      expect(auto.every((i) => i.triage.decision === 'auto')).toBe(true);
      for (const { id, decision } of stored) {
        expect({ id, listed: (decision === 'review' ? review : auto).some((i) => i.id === id) }).toEqual({ id, listed: true });
      }
      const items = [...review, ...auto];
      expect(items.every((i) => typeof i.triage.modelVersion === 'string' && typeof i.triage.language?.code === 'string')).toBe(true);

      const bad = await s.ctx.t.http().get('/v1/tickets?decision=maybe').set(admin).expect(400);
      expect(bad.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect(JSON.stringify(bad.body.error.details)).toContain('decision');
    });

    it('/metrics counts the auto decisions stored', async () => {
      expect(await s.metric('auto')).toBeGreaterThanOrEqual(3);
      expect(await s.metric('review')).toBe(0);
    });

    it('describes decision, band, language and modelVersion in the OpenAPI document', async () => {
      const { body } = await s.ctx.t.http().get('/docs/json').expect(200);
      const result = body.components.schemas.TriageResultDto;
      expect(result.required).toEqual(expect.arrayContaining(['decision', 'band', 'language', 'modelVersion']));
      expect(result.properties.decision.enum).toEqual(['auto', 'review']);
      expect(result.properties.band.enum).toEqual(['high', 'medium', 'low']);
      const list = body.paths['/v1/tickets'].get;
      expect(list.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'decision', in: 'query' })]));
      expect(JSON.stringify(body.paths['/v1/triage/preview'].post.responses['200'])).toContain('TriageResultDto');
    });
  });
});
