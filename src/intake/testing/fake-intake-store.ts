import type { Tx } from '../../platform/database/transactions';
import type { Helpdesk } from '../../platform/queue/helpdesks';
import type { ConversationEntry, InboxEventWrite, IntakeRepository, LockedTicket } from '../intake.repository';

/**
 * The helpdesks' tickets and the inbox in memory, for unit tests of the intake: `inbox` holds the events stored
 * (one per dedupe key, as the unique key makes it), `refreshed` the tickets whose triage state was mended.
 */
export class FakeIntakeStore implements Pick<IntakeRepository, keyof IntakeRepository> {
  readonly tickets = new Map<string, LockedTicket & { source: Helpdesk; externalId: string; triageState?: string }>();
  readonly inbox: (InboxEventWrite & { id: string })[] = [];
  readonly refreshed: string[] = [];
  private seq = 0;

  /** A known ticket of `source` (id `ticket-<externalId>` unless given). */
  addTicket(source: Helpdesk, externalId: string, over: Partial<LockedTicket> = {}): LockedTicket {
    const ticket = {
      id: `ticket-${externalId}`,
      subject: 'iCloud backup fails',
      description: 'Not enough storage to back up my iPhone',
      status: 'open' as const,
      requester: null,
      tags: [],
      conversation: null,
      latest_triage_id: `triage-of-${externalId}`,
      pack_id: null,
      ...over,
      source,
      externalId,
    };
    this.tickets.set(`${source}:${externalId}`, ticket);
    return ticket;
  }

  lockTicketByExternalId(_tx: Tx, source: Helpdesk, externalId: string): Promise<LockedTicket | null> {
    return Promise.resolve(this.tickets.get(`${source}:${externalId}`) ?? null);
  }

  insertInboxEvent(_tx: Tx, e: InboxEventWrite): Promise<string | null> {
    if (this.inbox.some((x) => x.dedupeKey === e.dedupeKey)) return Promise.resolve(null);
    const id = `inbox-${++this.seq}`;
    this.inbox.push({ ...e, id });
    return Promise.resolve(id);
  }

  storeConversation(_tx: Tx, ticketId: string, conversation: readonly ConversationEntry[]): Promise<void> {
    for (const t of this.tickets.values())
      if (t.id === ticketId) Object.assign(t, { conversation: [...conversation], triageState: 'queued' });
    return Promise.resolve();
  }

  refreshTriageState(ticketId: string): Promise<void> {
    this.refreshed.push(ticketId);
    return Promise.resolve();
  }
}
