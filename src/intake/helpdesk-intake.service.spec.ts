import { Logger } from '@nestjs/common';
import type { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import type { HelpdeskEvent } from '../helpdesk/webhooks/webhook-event';
import { fakeConfig, fakeOutcomes } from '../outcomes/testing/fake-outcomes-store';
import type { PipelineService } from '../pipeline/pipeline.service';
import { fakeTransactions } from '../platform/database/testing/fake-transactions';
import type { Helpdesk } from '../platform/queue/helpdesks';
import { dedupeKeyOf, type TicketEvent } from '../tickets/ticket-event';
import type { TicketStatus } from '../tickets/ticket.entity';
import type { EngineService } from '../triage/engine.service';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import type { IntakeRepository, LockedTicket } from './intake.repository';
import type { AcceptResult, IntakeService } from './intake.service';
import { FakeIntakeStore } from './testing/fake-intake-store';

const PACK = 'icloud-backup';
const MACROS = ['storage_manage', 'icloud_signin'];

/**
 * HelpdeskIntakeService over in-memory stores: one row per ticket, read by both the intake's and the outcomes'
 * fakes as the two repositories read the tickets table. Ticket content goes through a fake IntakeService that
 * dedupes by the event's key and, like the inbox statement, answers the status the ticket had before.
 */
function setup() {
  const store = new FakeIntakeStore();
  const config = fakeConfig();
  const outcomes = fakeOutcomes(config);
  const seen = new Set<string>();
  const intake = {
    accept(e: TicketEvent): Promise<AcceptResult> {
      const ticket = store.tickets.get(`${e.source}:${e.externalId}`)!;
      const previousStatus = ticket.status;
      const key = dedupeKeyOf(e);
      if (seen.has(key)) return Promise.resolve({ ticketId: ticket.id, accepted: false, previousStatus });
      seen.add(key);
      ticket.status = e.status ?? ticket.status;
      return Promise.resolve({ ticketId: ticket.id, accepted: true, inboxId: `inbox-${key}`, previousStatus });
    },
  } as unknown as IntakeService;
  const handedOn: string[] = [];
  const pipeline = { eventAccepted: (id: string) => Promise.resolve(void handedOn.push(id)) } as unknown as PipelineService;
  const engine = {
    packOfTicket: (t: { packId?: string | null }) => t.packId || PACK,
    macroOfPack: (id: string, packId: string) => (packId === PACK && MACROS.includes(id) ? { id } : undefined),
  } as unknown as EngineService;
  const service = new HelpdeskIntakeService(
    store as unknown as IntakeRepository,
    fakeTransactions(),
    intake,
    pipeline,
    config,
    outcomes.capture,
    engine,
    {} as HelpdeskRegistry,
  );
  /** A ticket the service has seen, triaged with storage_manage suggested. */
  const addTicket = (source: Helpdesk, externalId: string, status: TicketStatus = 'open'): LockedTicket => {
    const ticket = store.addTicket(source, externalId, { status });
    outcomes.store.tickets.set(ticket.id, Object.assign(ticket, { ...outcomes.store.addTicket(ticket.id), status, tags: ticket.tags }));
    return ticket;
  };
  return { service, store, outcomes: outcomes.store, handedOn, addTicket };
}

function solved(externalId: string, at: string, dedupeKey: string, tags: string[] = []): HelpdeskEvent {
  return { kind: 'status', source: 'zendesk', externalId, status: 'solved', tags, at: new Date(at), dedupeKey };
}

/** A content webhook whose status is open: a reopen when the ticket was solved. */
function reopened(source: Helpdesk, externalId: string, updatedAt: Date | null, dedupeKey: string): HelpdeskEvent {
  const event: TicketEvent = {
    source,
    externalId,
    subject: 'iCloud backup fails',
    description: 'Still not enough storage',
    status: 'open',
    tags: [],
    updatedAt,
    dedupeKey,
  };
  return { kind: 'ticket', event };
}

describe('HelpdeskIntakeService', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.useRealTimers());

  it('answers a solve after an applied-fix tag as a new status event, its outcome resolved for that macro', async () => {
    const { service, store, outcomes, addTicket } = setup();
    const ticket = addTicket('zendesk', '1');
    const answer = await service.accept(solved('1', '2026-12-05T10:00:00Z', 'zendesk:evt:1', ['triage_applied_icloud_signin']));

    expect(answer).toEqual({ kind: 'status', ticketId: ticket.id, accepted: true, inboxId: expect.any(String) });
    expect(store.inbox).toEqual([expect.objectContaining({ kind: 'status', state: 'processed', dedupeKey: 'zendesk:evt:1' })]);
    expect(outcomes.outcomeOf(ticket.id, 'icloud_signin')).toMatchObject({ resolved: true, attribution: 'applied' });
  });

  it('ignores an event for a ticket the service has not seen, saying so, and stores nothing', async () => {
    const { service, store, outcomes } = setup();
    const answer = await service.accept(solved('404', '2026-12-05T10:00:00Z', 'zendesk:evt:9'));
    expect(answer).toEqual({ kind: 'ignored', reason: 'unknown ticket zendesk:404', accepted: false });
    expect(store.inbox).toEqual([]);
    expect(outcomes.signals).toEqual([]);
  });

  it('answers a signal delivered again as a duplicate and changes nothing', async () => {
    const { service, store, outcomes, addTicket } = setup();
    const ticket = addTicket('zendesk', '1');
    await service.accept(solved('1', '2026-12-05T10:00:00Z', 'zendesk:evt:1'));
    const before = { outcomes: structuredClone(outcomes.outcomes), cells: structuredClone(outcomes.cells) };

    const again = await service.accept(solved('1', '2026-12-05T10:00:00Z', 'zendesk:evt:1'));
    expect(again).toEqual({ kind: 'status', ticketId: ticket.id, accepted: false });
    expect(outcomes.outcomes).toEqual(before.outcomes);
    expect(outcomes.cells).toEqual(before.cells);
    expect(store.inbox).toHaveLength(1);
    expect(outcomes.signals).toHaveLength(1);
  });

  it('appends a new comment and hands it on for triage; the same comment again is a duplicate', async () => {
    const { service, store, handedOn, addTicket } = setup();
    const ticket = addTicket('zendesk', '1');
    const comment: HelpdeskEvent = {
      kind: 'comment',
      source: 'zendesk',
      externalId: '1',
      commentId: 'c1',
      body: 'It says 5 GB free',
      at: new Date('2026-12-05T10:00:00Z'),
      dedupeKey: 'zendesk:evt:c1',
    };
    expect(await service.accept(comment)).toMatchObject({ kind: 'comment', accepted: true });
    expect(await service.accept(comment)).toEqual({ kind: 'comment', ticketId: ticket.id, accepted: false });
    expect(handedOn).toEqual([store.inbox[0].id]);
    expect(store.inbox[0].payload.description).toBe('Not enough storage to back up my iPhone\n\nIt says 5 GB free');
    expect(ticket.conversation).toEqual([{ id: 'c1', body: 'It says 5 GB free', at: '2026-12-05T10:00:00.000Z' }]);
  });

  it('keys a reopen by the date the helpdesk sent, as before', async () => {
    const { service, outcomes, addTicket } = setup();
    addTicket('zendesk', '1', 'solved');
    await service.accept(reopened('zendesk', '1', new Date('2026-12-05T09:59:00Z'), 'zendesk:trg:1:a'));
    expect(outcomes.signals.map((s) => s.dedupeKey)).toEqual(['zendesk:1:reopen:2026-12-05T09:59:00.000Z']);
  });

  // A reopen whose date is far ahead is stored at the time it arrived; a redelivery arrives at another time, but
  // it is the same reopen and must not count again, even when the ticket was solved again in between.
  it.each([
    ['a date far ahead (stored as now)', 'zendesk' as const, new Date('9999-12-31T00:00:00Z')],
    ['no date (keyed by the event)', 'freshdesk' as const, null],
  ])('counts a redelivered reopen with %s once', async (_, source, updatedAt) => {
    jest.useFakeTimers({ now: new Date('2026-12-05T09:00:00Z'), doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    const { service, outcomes, addTicket } = setup();
    const ticket = addTicket(source, '1');
    const solve = (at: string, key: string): HelpdeskEvent => ({ ...solved('1', at, key), source }) as HelpdeskEvent;
    await service.accept(solve('2026-12-05T09:00:00Z', 'solve-1'));

    jest.setSystemTime(new Date('2026-12-05T10:00:00Z'));
    const reopen = reopened(source, '1', updatedAt, `${source}:1:content`);
    await service.accept(reopen);
    expect(outcomes.outcomeOf(ticket.id, 'storage_manage')).toMatchObject({ resolved: false });

    jest.setSystemTime(new Date('2026-12-05T10:30:00Z'));
    await service.accept(solve('2026-12-05T10:30:00Z', 'solve-2'));
    expect(outcomes.outcomeOf(ticket.id, 'storage_manage')).toMatchObject({ resolved: true });

    jest.setSystemTime(new Date('2026-12-05T11:00:00Z'));
    await service.accept(reopen);
    expect(outcomes.outcomeOf(ticket.id, 'storage_manage')).toMatchObject({ resolved: true });
    expect(outcomes.signals.filter((s) => s.previousStatus === 'solved' && s.status === 'open')).toHaveLength(1);
  });
});
