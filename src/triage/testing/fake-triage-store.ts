import type { Tx } from '../../platform/database/transactions';
import type { InboxPayload } from '../../tickets/ticket-event';
import type { InboxRow, Stored, Triaged, TriageRepository } from '../triage.repository';

interface FakeEvent extends InboxRow {
  attempts: number;
  last_error: string | null;
}

interface FakeTicket {
  tags: string[] | null;
  triage_state: 'queued' | 'done' | 'failed';
  triage_error: string | null;
}

/**
 * The triage store in memory, for unit tests of TriageService: inbox events and their tickets, the triages stored
 * (one per event, as the unique inbox id makes it) and the write-backs they create. `loads` lists the ids each
 * load statement read; `answerNoRowFor` makes the store statement leave an event out of its answer.
 */
export class FakeTriageStore implements Pick<TriageRepository, keyof TriageRepository> {
  readonly events = new Map<string, FakeEvent>();
  readonly tickets = new Map<string, FakeTicket>();
  readonly stored: Triaged[] = [];
  readonly writebacks: { id: string; ticketId: string; helpdesk: string }[] = [];
  readonly loads: string[][] = [];
  readonly answerNoRowFor = new Set<string>();
  private seq = 0;

  /** A pending event of `ticketId` (the ticket is created with `ticketTags` if new). */
  addEvent(
    id: string,
    over: { ticketId?: string; source?: string; payload?: Partial<InboxPayload>; ticketTags?: string[]; state?: string } = {},
  ): FakeEvent {
    const ticketId = over.ticketId ?? `ticket-of-${id}`;
    if (!this.tickets.has(ticketId))
      this.tickets.set(ticketId, { tags: over.ticketTags ?? null, triage_state: 'queued', triage_error: null });
    const event: FakeEvent = {
      id,
      ticket_id: ticketId,
      source: over.source ?? 'api',
      state: over.state ?? 'pending',
      payload: { subject: 'Backup fails', description: 'iCloud says storage is full', tags: [], ...over.payload },
      event_at: new Date('2026-11-20T10:00:00Z'),
      ticket_tags: null,
      attempts: 0,
      last_error: null,
    };
    this.events.set(id, event);
    return event;
  }

  ticket(id: string): FakeTicket {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new Error(`no ticket ${id} in the fake store`);
    return ticket;
  }

  asRepository(): TriageRepository {
    return this as unknown as TriageRepository;
  }

  loadInboxEvents(ids: string[], ticketTags: boolean): Promise<(InboxRow | null)[]> {
    this.loads.push([...ids]);
    return Promise.resolve(
      ids.map((id) => {
        const event = this.events.get(id);
        return event ? { ...event, ticket_tags: ticketTags ? (this.tickets.get(event.ticket_id)?.tags ?? null) : null } : null;
      }),
    );
  }

  storeTriages(items: readonly Triaged[]): Promise<Stored[]> {
    const answered: Stored[] = [];
    for (const [ord, item] of items.entries()) {
      const event = this.events.get(item.row.id)!;
      const first = event.state !== 'processed';
      let resultId: string | null = null;
      let writebackId: string | null = null;
      if (first) {
        this.stored.push(item);
        resultId = `result-${++this.seq}`;
        if (item.helpdesk) {
          writebackId = `writeback-${this.seq}`;
          this.writebacks.push({ id: writebackId, ticketId: event.ticket_id, helpdesk: item.helpdesk });
        }
      }
      const otherPending = [...this.events.values()].some(
        (e) => e.ticket_id === event.ticket_id && e.id !== event.id && e.state === 'pending',
      );
      this.ticket(event.ticket_id).triage_state = otherPending ? 'queued' : 'done';
      event.state = 'processed';
      if (!this.answerNoRowFor.has(event.id)) {
        answered.push({ ord, result_id: resultId, writeback_id: writebackId, still_queued: otherPending });
      }
    }
    return Promise.resolve(answered);
  }

  settleQueued(ticketIds: string[]): Promise<void> {
    for (const id of ticketIds) {
      const ticket = this.ticket(id);
      const pending = [...this.events.values()].some((e) => e.ticket_id === id && e.state === 'pending');
      if (ticket.triage_state === 'queued' && !pending) ticket.triage_state = 'done';
    }
    return Promise.resolve();
  }

  recordAttemptFailure(_tx: Tx, inboxId: string, error: string, final: boolean): Promise<string | null> {
    const event = this.events.get(inboxId);
    if (!event || event.state !== 'pending') return Promise.resolve(null);
    event.attempts += 1;
    event.last_error = error;
    if (final) event.state = 'failed';
    return Promise.resolve(event.ticket_id);
  }

  failTicketTriage(_tx: Tx, ticketId: string, error: string): Promise<void> {
    Object.assign(this.ticket(ticketId), { triage_state: 'failed', triage_error: error });
    return Promise.resolve();
  }
}
