import { Logger } from '@nestjs/common';
import type { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import type { FixStatsService } from '../outcomes/fix-stats.service';
import { fakeTransactions } from '../platform/database/testing/fake-transactions';
import { JobFailure } from '../platform/queue/job-queue';
import type { EngineService, TriageOutput } from './engine.service';
import { FakeTriageStore } from './testing/fake-triage-store';
import { TriageService } from './triage.service';

/** Two packs: tickets tagged `printer` go to `printers`, the rest to `icloud-backup`. */
const engine = {
  routesByTags: true,
  route: ({ tags }: { source: string; tags: string[] }) => (tags.includes('printer') ? 'printers' : 'icloud-backup'),
  triage: (_input: unknown, learned: { stats?: unknown }, _now: unknown, packId: string) =>
    ({
      packId,
      packVersion: `${packId}@1`,
      cause: { id: 'storage_full', confidence: 0.93 },
      macro: { id: 'free_up_storage' },
      symptoms: [{ id: 'not_enough_storage' }, { id: 'backup_failed' }, { id: 'not_enough_storage' }],
      decision: 'auto',
      triagedAt: '2026-11-20T10:00:01.000Z',
      learnedFrom: learned.stats,
    }) as unknown as TriageOutput,
} as unknown as EngineService;

const fixStats = { snapshot: (packId: string) => Promise.resolve({ stats: `statistics of ${packId}` }) } as unknown as FixStatsService;

function setup(enabledHelpdesks: string[] = ['zendesk']) {
  const store = new FakeTriageStore();
  const transactions = fakeTransactions();
  const helpdesks = { isEnabled: (h: string) => enabledHelpdesks.includes(h) } as unknown as HelpdeskRegistry;
  const service = new TriageService(store.asRepository(), transactions, engine, helpdesks, fixStats);
  return { store, transactions, service };
}

describe('TriageService', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('stores the triage of a pending event and answers its cause and decision', async () => {
    const { store, service } = setup();
    store.addEvent('e1', { ticketId: 't1' });

    const outcome = await service.processInboxEvent('e1');

    expect(outcome).toEqual({ status: 'triaged', causeId: 'storage_full', confidence: 0.93, decision: 'auto', writeback: undefined });
    expect(store.stored).toHaveLength(1);
    expect(store.stored[0].symptomIds).toEqual(['not_enough_storage', 'backup_failed']);
    expect(store.ticket('t1').triage_state).toBe('done');
    expect(store.events.get('e1')!.state).toBe('processed');
  });

  it.each([
    ['the event', { payload: { tags: ['printer'] } }],
    ['the ticket as stored', { ticketTags: ['printer'] }],
  ])('triages in the pack that the tags of %s route to, with that pack’s learned statistics', async (_what, over) => {
    const { store, service } = setup();
    store.addEvent('e1', over);

    await service.processInboxEvent('e1');

    const { output } = store.stored[0];
    expect(output.packId).toBe('printers');
    expect((output as unknown as { learnedFrom: string }).learnedFrom).toBe('statistics of printers');
  });

  it('writes a helpdesk ticket back only when its helpdesk is enabled', async () => {
    const { store, service } = setup(['zendesk']);
    store.addEvent('zd', { source: 'zendesk' });
    store.addEvent('fd', { source: 'freshdesk' });
    store.addEvent('api', { source: 'api' });

    const [zd, fd, api] = await Promise.all(['zd', 'fd', 'api'].map((id) => service.processInboxEvent(id)));

    expect(zd.writeback).toEqual({ writebackId: store.writebacks[0].id, helpdesk: 'zendesk' });
    expect(fd.writeback).toBeUndefined();
    expect(api.writeback).toBeUndefined();
    expect(store.writebacks.map((w) => w.helpdesk)).toEqual(['zendesk']);
  });

  it('fails the job for good for an inbox event that does not exist', async () => {
    const { service } = setup();
    const err = await service.processInboxEvent('gone').catch((e: unknown) => e);
    expect(JobFailure.isPermanent(err)).toBe(true);
    expect((err as Error).message).toBe('inbox event gone does not exist');
  });

  it('answers already-processed for an event stored before, stores nothing and settles its ticket', async () => {
    const { store, service } = setup();
    store.addEvent('e1', { ticketId: 't1', state: 'processed' });
    // The store committed, but the ticket was left queued (settling it failed).
    store.ticket('t1').triage_state = 'queued';

    expect(await service.processInboxEvent('e1')).toEqual({ status: 'already-processed' });
    expect(store.stored).toHaveLength(0);
    expect(store.ticket('t1').triage_state).toBe('done');
  });

  it('loads the events of jobs running together in one statement', async () => {
    const { store, service } = setup();
    for (const id of ['e1', 'e2', 'e3']) store.addEvent(id);

    await Promise.all(['e1', 'e2', 'e3'].map((id) => service.processInboxEvent(id)));

    expect(store.loads).toEqual([['e1', 'e2', 'e3']]);
  });

  it('keeps a ticket queued while another of its events is pending, and done once that one is stored', async () => {
    const { store, service } = setup();
    store.addEvent('first', { ticketId: 't1' });
    store.addEvent('second', { ticketId: 't1' });

    await service.processInboxEvent('first');
    expect(store.ticket('t1').triage_state).toBe('queued');
    await service.processInboxEvent('second');
    expect(store.ticket('t1').triage_state).toBe('done');
  });

  it('fails the job of an event the store did not answer for', async () => {
    const { store, service } = setup();
    store.addEvent('e1');
    store.answerNoRowFor.add('e1');

    await expect(service.processInboxEvent('e1')).rejects.toThrow('triage store returned no row for an event');
  });

  describe('recordFailure', () => {
    it('counts an attempt and keeps the event pending until the last one', async () => {
      const { store, service, transactions } = setup();
      store.addEvent('e1', { ticketId: 't1' });

      await service.recordFailure('e1', 'engine crashed', false);

      expect(store.events.get('e1')).toMatchObject({ state: 'pending', attempts: 1, last_error: 'engine crashed' });
      expect(store.ticket('t1').triage_state).toBe('queued');
      expect(transactions.opened).toBe(1);
    });

    it('fails the event and its ticket’s triage on the last attempt', async () => {
      const { store, service } = setup();
      store.addEvent('e1', { ticketId: 't1' });

      await service.recordFailure('e1', 'engine crashed', true);

      expect(store.events.get('e1')!.state).toBe('failed');
      expect(store.ticket('t1')).toMatchObject({ triage_state: 'failed', triage_error: 'engine crashed' });
    });

    it('leaves the ticket alone when the event was stored meanwhile', async () => {
      const { store, service } = setup();
      store.addEvent('e1', { ticketId: 't1', state: 'processed' });
      store.ticket('t1').triage_state = 'done';

      await service.recordFailure('e1', 'late failure', true);

      expect(store.ticket('t1')).toMatchObject({ triage_state: 'done', triage_error: null });
    });
  });
});
