import { FakeTickets, storedResult } from './testing/fake-tickets';
import { twoPacksEngine } from './testing/two-packs';
import type { TicketsRepository } from './tickets.repository';
import { TicketsService } from './tickets.service';

const engine = twoPacksEngine();

function setup() {
  const tickets = new FakeTickets();
  return { tickets, service: new TicketsService(tickets as unknown as TicketsRepository, engine) };
}

describe('TicketsService', () => {
  describe('finding a ticket', () => {
    it('finds a ticket by its id or by source:externalId', async () => {
      const { tickets, service } = setup();
      const row = tickets.add({ source: 'freshdesk', external_id: '77:a' });

      expect((await service.get(row.id)).id).toBe(row.id);
      expect((await service.get('freshdesk:77:a')).id).toBe(row.id);
    });

    it.each([
      ['an id no ticket has', '00000000-0000-4000-8000-999999999999'],
      ['an external id no ticket has', 'zendesk:nope'],
      ['a ref that is neither an id nor source:externalId', 'nonsense'],
      ['an unknown source', 'jira:12'],
      ['a NUL character', 'zendesk:1\u0000'],
    ])('answers TICKET.NOT_FOUND for %s', async (_what, ref) => {
      const { tickets, service } = setup();
      tickets.add();

      await expect(service.detail(ref)).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
      await expect(service.resolveId(ref)).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
      await expect(service.resolveWithPack(ref)).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
    });

    it('refuses to hand out an erased ticket for triage, saying when it was erased', async () => {
      const { tickets, service } = setup();
      const held = tickets.add();
      const erased = tickets.add({ erased_at: new Date('2026-11-21T08:00:00Z') });

      expect(await service.resolveHeldText(held.id)).toBe(held.id);
      await expect(service.resolveHeldText(erased.id)).rejects.toMatchObject({
        code: 'TICKET.ERASED',
        details: ['erasedAt: 2026-11-21T08:00:00.000Z'],
      });
    });

    it("reads a ticket's pack from its latest triage, else from its routing", async () => {
      const { tickets, service } = setup();
      const triaged = tickets.add({ tags: ['printer'], result_pack_id: 'icloud' });
      const untriaged = tickets.add({ tags: ['printer'] });

      expect(await service.resolveWithPack(triaged.id)).toEqual({ id: triaged.id, packId: 'icloud' });
      expect(await service.resolveWithPack(untriaged.id)).toEqual({ id: untriaged.id, packId: 'printers' });
    });
  });

  describe('a ticket’s view', () => {
    it('shows the state alone before the first triage, and the error of a failed one', async () => {
      const { tickets, service } = setup();
      const queued = tickets.add();
      const failed = tickets.add({ triage_state: 'failed', triage_error: 'engine crashed' });

      expect((await service.get(queued.id)).triage).toEqual({ state: 'queued' });
      expect((await service.get(failed.id)).triage).toEqual({ state: 'failed', error: 'engine crashed' });
    });

    it("applies an agent's override: its cause, its macro rendered from the ticket's pack, and what the engine had said", async () => {
      const { tickets, service } = setup();
      const row = tickets.add({
        subject: 'Printer offline',
        triage_state: 'done',
        result: storedResult({ packId: 'printers' }),
        result_pack_id: 'printers',
        override: {
          cause_id: 'paper_jam',
          macro_id: 'clear_jam',
          reason: 'Customer sent a photo',
          actor: 'agent-7',
          created_at: '2026-11-21T09:30:00+00:00',
          original: { causeId: 'storage_full', macroId: 'free_up_storage' },
        },
      });

      const { triage } = await service.get(row.id);

      expect(triage).toMatchObject({
        state: 'done',
        packId: 'printers',
        cause: { id: 'paper_jam', confidence: 1 },
        macro: { id: 'clear_jam', body: 'Clear the paper jam (printers) for: Printer offline' },
        override: {
          by: 'agent-7',
          at: '2026-11-21T09:30:00.000Z',
          reason: 'Customer sent a photo',
          original: { causeId: 'storage_full', macroId: 'free_up_storage' },
        },
      });
    });

    it('keeps the stored macro when the pack that triaged the ticket is no longer loaded', async () => {
      const { tickets, service } = setup();
      const stored = storedResult({ packId: 'retired' });
      const row = tickets.add({
        triage_state: 'done',
        result: stored,
        result_pack_id: 'retired',
        override: {
          cause_id: null,
          macro_id: 'clear_jam',
          reason: 'r',
          actor: 'a',
          created_at: '2026-11-21T09:30:00Z',
          original: stored as never,
        },
      });

      expect((await service.get(row.id)).triage.macro).toEqual(stored.macro);
    });

    it('adds the history and whether the helpdesk text was cut at intake to the detail', async () => {
      const { tickets, service } = setup();
      const row = tickets.add({ conversation: null as never });
      tickets.truncated.add(row.id);

      const detail = await service.detail(row.id);

      expect(detail).toMatchObject({
        id: row.id,
        truncated: true,
        conversation: [],
        history: [],
        overrides: [],
        outcomes: [],
        writebacks: [],
      });
    });
  });

  describe('the list', () => {
    it('pages newest first, with a cursor to the next page and none after the last', async () => {
      const { tickets, service } = setup();
      const ids = Array.from({ length: 5 }, () => tickets.add().id).reverse();

      const first = await service.list({ limit: 2 });
      const second = await service.list({ limit: 2, cursor: first.nextCursor! });
      const third = await service.list({ limit: 2, cursor: second.nextCursor! });

      expect([first, second, third].map((page) => page.items.map((i) => i.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
      expect(first.nextCursor).not.toBeNull();
      expect(third.nextCursor).toBeNull();
    });

    it('answers no next page when the last page is exactly full', async () => {
      const { tickets, service } = setup();
      tickets.add();
      tickets.add();

      expect((await service.list({ limit: 2 })).nextCursor).toBeNull();
    });

    it.each(['not-base64!', Buffer.from('["2026-11-20", "not-a-uuid"]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
      'refuses a cursor it did not give out (%s)',
      async (cursor) => {
        const { service } = setup();
        await expect(service.list({ limit: 2, cursor })).rejects.toMatchObject({ code: 'REQUEST.INVALID', details: ['cursor is invalid'] });
      },
    );

    it('cuts descriptions to 500 characters (code points) and says so', async () => {
      const { tickets, service } = setup();
      const long = tickets.add({ description: '☁️'.repeat(300) });
      const exact = tickets.add({ description: 'x'.repeat(500) });

      const { items } = await service.list({ limit: 10 });
      const item = (id: string) => items.find((i) => i.id === id)!;

      expect([...item(long.id).description]).toHaveLength(500);
      expect(item(long.id).descriptionTruncated).toBe(true);
      expect(item(exact.id)).toMatchObject({ description: 'x'.repeat(500), descriptionTruncated: false });
    });

    it('names the suggested macro of each item without its rendered body', async () => {
      const { tickets, service } = setup();
      tickets.add({ triage_state: 'done', result: storedResult() });

      const [item] = (await service.list({ limit: 10 })).items;

      expect(item.triage.macro).toEqual({ id: 'free_up_storage', title: 'Free up iCloud storage' });
    });

    it('reads a macro filter as the macro it names in each pack, alias or id', async () => {
      const { service, tickets } = setup();

      await service.list({ limit: 10, macro: 'manage_storage', resolved: true });
      await service.list({ limit: 10, macro: 'stable_wifi' });

      expect(tickets.queries.map((q) => q.macro)).toEqual([
        {
          given: 'manage_storage',
          inPacks: [
            { pack: 'icloud', macro: 'free_up_storage' },
            { pack: 'printers', macro: 'clear_jam' },
          ],
        },
        { given: 'stable_wifi', inPacks: [{ pack: 'icloud', macro: 'stable_wifi' }] },
      ]);
      expect(tickets.queries[0]).toMatchObject({ resolved: true, rows: 11 });
    });
  });
});
