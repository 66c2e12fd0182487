import type { JobQueue } from '../../platform/queue/job-queue';
import type { ErasureRepository, LockedTicket, TextColumn, TicketCondition } from '../erasure.repository';
import type { RequesterFields } from '../personal-text';

export interface FakeTicket {
  id: string;
  requester: RequesterFields | null;
  subject: string;
  /** Days since the ticket was created. */
  ageDays: number;
  erased: boolean;
  /** Ids of the queue jobs that worked on the ticket. */
  jobIds: string[];
}

/** A text column of a table keyed by ticket, as the fake holds it: one row per note. */
export interface FakeNote {
  id: string;
  ticketId: string;
  value: string;
}

const NOTES: TextColumn = { table: 'triage_overrides', column: 'reason', ticketKey: 'ticket_id', json: false };

/**
 * The erasure's tables in memory, for unit tests: tickets (matched by the two conditions the service builds),
 * one text column of notes, the phrases of stored reports, and what each step erased.
 */
export class FakeErasureStore {
  readonly tickets: FakeTicket[] = [];
  readonly notes: FakeNote[] = [];
  /** Phrases of the stored weekly reports. */
  phrases: string[] = [];
  /** Stored reports of weeks that ended before the retention horizon and still quote phrases. */
  oldReportsWithPhrases = 0;
  /** Triage results stored after their ticket's erasure, still holding text. */
  lateResults = 0;
  readonly erasedTriages = new Set<string>();
  readonly erasedPayloads = new Set<string>();

  ticket(over: Partial<FakeTicket> & { id: string }): FakeTicket {
    const t: FakeTicket = { requester: null, subject: 'My backup fails', ageDays: 1, erased: false, jobIds: [], ...over };
    this.tickets.push(t);
    return t;
  }

  requesterCondition(address: string): TicketCondition {
    return { sql: 'requester', params: [address] };
  }

  olderThanCondition(days: number): TicketCondition {
    return { sql: 'older', params: [days] };
  }

  lockTickets(_tx: unknown, condition: TicketCondition, limit: number): Promise<LockedTicket[]> {
    const [param] = condition.params;
    const matches = (t: FakeTicket) =>
      condition.sql === 'requester' ? t.requester?.email?.toLowerCase() === param : !t.erased && t.ageDays > (param as number);
    const rows = this.tickets
      .filter(matches)
      .sort((a, b) => a.id.localeCompare(b.id))
      .slice(0, limit);
    return Promise.resolve(rows.map((t) => ({ id: t.id, requester: t.requester })));
  }

  eraseTicketText(_tx: unknown, ids: string[]): Promise<void> {
    for (const t of this.tickets) if (ids.includes(t.id)) Object.assign(t, { subject: '', requester: null, erased: true });
    return Promise.resolve();
  }

  eraseInboxPayloads(_tx: unknown, ids: string[]): Promise<void> {
    for (const id of ids) this.erasedPayloads.add(id);
    return Promise.resolve();
  }

  eraseTriageTexts(_tx: unknown, ids: string[]): Promise<void> {
    for (const id of ids) this.erasedTriages.add(id);
    return Promise.resolve();
  }

  eraseLateTriageTexts(): Promise<number> {
    const erased = this.lateResults;
    this.lateResults = 0;
    return Promise.resolve(erased);
  }

  eraseReportPhrasesHolding(_tx: unknown, words: string[]): Promise<void> {
    this.phrases = this.phrases.filter((p) => !p.split(' ').some((w) => words.includes(w)));
    return Promise.resolve();
  }

  clearReportPhrasesOlderThan(): Promise<number> {
    const cleared = this.oldReportsWithPhrases;
    this.oldReportsWithPhrases = 0;
    return Promise.resolve(cleared);
  }

  textColumns(): Promise<TextColumn[]> {
    return Promise.resolve([NOTES]);
  }

  columnValues(_tx: unknown, _c: TextColumn, ids: string[]): Promise<{ id: string; value: unknown }[]> {
    return Promise.resolve(this.notes.filter((n) => ids.includes(n.ticketId)).map((n) => ({ id: n.id, value: n.value })));
  }

  updateColumnValue(_tx: unknown, _c: TextColumn, id: string, value: unknown): Promise<void> {
    this.notes.find((n) => n.id === id)!.value = value as string;
    return Promise.resolve();
  }

  jobIdsOf(_tx: unknown, ids: string[]): Promise<string[]> {
    return Promise.resolve(this.tickets.filter((t) => ids.includes(t.id)).flatMap((t) => t.jobIds));
  }

  asRepository(): ErasureRepository {
    return this as unknown as ErasureRepository;
  }
}

/** Queued jobs in memory, by queue and id; `removed` lists the ones the erasure took off their queue. */
export function fakeJobQueue(jobs: { queue: string; id: string; data: unknown }[]): JobQueue & { removed: string[] } {
  const removed: string[] = [];
  const fake = {
    removed,
    getJob(queue: string, id: string) {
      const job = jobs.find((j) => j.queue === queue && j.id === id && !removed.includes(`${queue}/${id}`));
      if (!job) return Promise.resolve(undefined);
      return Promise.resolve({
        data: job.data,
        returnvalue: null,
        failedReason: undefined,
        stacktrace: [],
        remove: () => {
          removed.push(`${queue}/${id}`);
          return Promise.resolve();
        },
      });
    },
  };
  return fake as unknown as JobQueue & { removed: string[] };
}
