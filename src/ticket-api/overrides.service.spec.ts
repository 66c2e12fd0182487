import type { FixStatsService } from '../outcomes/fix-stats.service';
import { fakeTransactions } from '../platform/database/testing/fake-transactions';
import type { NewOverride, OverridesRepository, TicketToOverride, TriageSaid } from './overrides.repository';
import { twoPacksEngine } from './testing/two-packs';
import { OverridesService, type OverrideInput } from './overrides.service';

const engine = twoPacksEngine();

type Ticket = TicketToOverride & { cause_id: string | null; macro_id: string | null };

/** Tickets with their latest triage result, and the overrides recorded. */
class FakeOverrides implements Pick<OverridesRepository, keyof OverridesRepository> {
  readonly tickets = new Map<string, Ticket>();
  readonly results = new Map<string, TriageSaid>();
  readonly recorded: NewOverride[] = [];

  /** A ticket whose latest triage (in `pack`) said storage_full / free_up_storage; `triaged: false` has none yet. */
  addTicket(id: string, { pack = 'icloud', triaged = true, tags = [] as string[] } = {}): Ticket {
    const said = { cause_id: 'storage_full', macro_id: 'free_up_storage', symptom_ids: ['not_enough_storage'] };
    if (triaged) this.results.set(`result-of-${id}`, said);
    const ticket: Ticket = {
      id,
      source: 'zendesk',
      tags,
      latest_triage_id: triaged ? `result-of-${id}` : null,
      override_id: null,
      pack_id: triaged ? pack : null,
      cause_id: triaged ? said.cause_id : null,
      macro_id: triaged ? said.macro_id : null,
    };
    this.tickets.set(id, ticket);
    return ticket;
  }

  lockTicket(_tx: unknown, ticketId: string): Promise<TicketToOverride | undefined> {
    return Promise.resolve(this.tickets.get(ticketId));
  }

  triageResult(_tx: unknown, resultId: string): Promise<TriageSaid> {
    return Promise.resolve(this.results.get(resultId)!);
  }

  insertOverride(_tx: unknown, o: NewOverride): Promise<void> {
    this.recorded.push(o);
    return Promise.resolve();
  }

  applyToTicket(_tx: unknown, ticketId: string, overrideId: string, causeId: string | null, macroId: string | null): Promise<void> {
    const ticket = this.tickets.get(ticketId)!;
    Object.assign(ticket, { override_id: overrideId, cause_id: causeId ?? ticket.cause_id, macro_id: macroId ?? ticket.macro_id });
    return Promise.resolve();
  }
}

function setup() {
  const repo = new FakeOverrides();
  const transactions = fakeTransactions();
  let invalidated = 0;
  const stats = { invalidate: () => void (invalidated += 1) } as unknown as FixStatsService;
  const service = new OverridesService(repo as unknown as OverridesRepository, transactions, engine, stats);
  return { repo, transactions, service, invalidations: () => invalidated };
}

const input = (over: Partial<OverrideInput>): OverrideInput => ({ ticketId: 't1', reason: 'Hotel Wi-Fi', actor: 'agent-7', ...over });

describe('OverridesService', () => {
  it('refuses an override naming neither a cause nor a macro, before reading the ticket', async () => {
    const { service, transactions } = setup();

    await expect(service.override(input({}))).rejects.toMatchObject({ code: 'REQUEST.INVALID' });
    expect(transactions.opened).toBe(0);
  });

  it('answers TICKET.NOT_FOUND for an unknown ticket', async () => {
    const { service } = setup();
    await expect(service.override(input({ causeId: 'wifi', ticketId: 'nope' }))).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
  });

  it("refuses a cause or macro that is not the ticket's pack's, even if another pack has it", async () => {
    const { repo, service } = setup();
    repo.addTicket('t1', { pack: 'printers' });

    await expect(service.override(input({ causeId: 'wifi' }))).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      details: ['cause: wifi is not a cause of the pack printers'],
    });
    await expect(service.override(input({ macroId: 'stable_wifi' }))).rejects.toMatchObject({
      code: 'UNPROCESSABLE',
      details: ['macroId: stable_wifi is not a macro of the pack printers'],
    });
    expect(repo.recorded).toEqual([]);
  });

  it('reads an untriaged ticket in the pack routing chooses, and refuses it with CONFLICT: there is no triage to override', async () => {
    const { repo, service } = setup();
    repo.addTicket('t1', { triaged: false, tags: ['printer'] });

    await expect(service.override(input({ causeId: 'wifi' }))).rejects.toMatchObject({ code: 'UNPROCESSABLE' });
    await expect(service.override(input({ causeId: 'paper_jam' }))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("gives a new cause named alone that cause's own macro, and records what the engine had said", async () => {
    const { repo, service, invalidations } = setup();
    repo.addTicket('t1');

    await service.override(input({ causeId: 'wifi' }));

    expect(repo.recorded).toEqual([
      expect.objectContaining({
        ticketId: 't1',
        triageResultId: 'result-of-t1',
        causeId: 'wifi',
        macroId: 'stable_wifi',
        reason: 'Hotel Wi-Fi',
        actor: 'agent-7',
        original: {
          causeId: 'storage_full',
          macroId: 'free_up_storage',
          symptomIds: ['not_enough_storage'],
          triageResultId: 'result-of-t1',
        },
      }),
    ]);
    expect(repo.tickets.get('t1')).toMatchObject({ override_id: repo.recorded[0].id, cause_id: 'wifi', macro_id: 'stable_wifi' });
    expect(invalidations()).toBe(1);
  });

  it('keeps the macro when the cause named is the one the engine found', async () => {
    const { repo, service } = setup();
    repo.addTicket('t1');

    await service.override(input({ causeId: 'storage_full' }));

    expect(repo.recorded[0]).toMatchObject({ causeId: 'storage_full', macroId: null });
    expect(repo.tickets.get('t1')).toMatchObject({ cause_id: 'storage_full', macro_id: 'free_up_storage' });
  });

  it('records a macro named by its alias under its id, and leaves the cause alone', async () => {
    const { repo, service } = setup();
    repo.addTicket('t1');
    repo.tickets.get('t1')!.macro_id = 'stable_wifi';

    await service.override(input({ macroId: 'manage_storage' }));

    expect(repo.recorded[0]).toMatchObject({ causeId: null, macroId: 'free_up_storage' });
    expect(repo.tickets.get('t1')).toMatchObject({ cause_id: 'storage_full', macro_id: 'free_up_storage' });
  });
});
