import type { TriageOutput } from '../../triage/engine.service';
import {
  LIST_DESCRIPTION_CHARS,
  type OutcomeHistoryRow,
  type OverrideHistoryRow,
  type TicketListQuery,
  type TicketListRow,
  type TicketRef,
  type TicketRow,
  type TicketsRepository,
  type TriageHistoryRow,
  type WritebackHistoryRow,
} from '../tickets.repository';

let seq = 0;

/** A stored ticket, triaged (`result`) or not, created a minute after the one made before it. */
export function ticketRow(over: Partial<TicketRow> = {}): TicketRow {
  seq += 1;
  const createdAt = new Date(Date.UTC(2026, 10, 20, 10, seq));
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    source: 'zendesk',
    external_id: `ZD-${seq}`,
    subject: 'Backup fails',
    description: 'iCloud says the storage is full',
    status: 'open',
    requester: null,
    tags: [],
    conversation: [],
    source_created_at: null,
    source_updated_at: null,
    created_at: createdAt,
    updated_at: createdAt,
    erased_at: null,
    triage_state: 'queued',
    triage_error: null,
    result: null,
    result_pack_id: null,
    override: null,
    ...over,
  };
}

/** An engine's triage as stored in a ticket's latest result. */
export function storedResult(over: Partial<TriageOutput> = {}): TriageOutput {
  return {
    cause: { id: 'storage_full', confidence: 0.9 },
    macro: { id: 'free_up_storage', title: 'Free up iCloud storage', body: 'Open Settings.' },
    entities: {},
    packId: 'icloud',
    ...over,
  } as TriageOutput;
}

/**
 * The tickets in memory, for unit tests of TicketsService: found by id or `source:externalId`, listed newest
 * first from the `before` position, `rows` at most (the filters are SQL: the fake keeps the queries it was asked).
 */
export class FakeTickets implements Pick<TicketsRepository, keyof TicketsRepository> {
  readonly rows: TicketRow[] = [];
  readonly queries: TicketListQuery[] = [];
  readonly history = new Map<string, TriageHistoryRow[]>();
  readonly truncated = new Set<string>();

  add(over: Partial<TicketRow> = {}): TicketRow {
    const row = ticketRow(over);
    this.rows.push(row);
    return row;
  }

  private find(ref: TicketRef): TicketRow | undefined {
    return this.rows.find((r) => ('id' in ref ? r.id === ref.id : r.source === ref.source && r.external_id === ref.externalId));
  }

  findTicket(ref: TicketRef): Promise<TicketRow | undefined> {
    return Promise.resolve(this.find(ref));
  }

  findErasure(ref: TicketRef): Promise<{ id: string; erased_at: Date | null } | undefined> {
    const row = this.find(ref);
    return Promise.resolve(row && { id: row.id, erased_at: row.erased_at });
  }

  findRouting(ref: TicketRef): Promise<{ id: string; source: string; tags: string[] | null; pack_id: string | null } | undefined> {
    const row = this.find(ref);
    return Promise.resolve(row && { id: row.id, source: row.source, tags: row.tags, pack_id: row.result_pack_id });
  }

  triageHistory(ticketId: string): Promise<TriageHistoryRow[]> {
    return Promise.resolve(this.history.get(ticketId) ?? []);
  }

  overrides(): Promise<OverrideHistoryRow[]> {
    return Promise.resolve([]);
  }

  outcomes(): Promise<OutcomeHistoryRow[]> {
    return Promise.resolve([]);
  }

  writebacks(): Promise<WritebackHistoryRow[]> {
    return Promise.resolve([]);
  }

  contentTruncated(ticketId: string): Promise<boolean> {
    return Promise.resolve(this.truncated.has(ticketId));
  }

  listTickets(query: TicketListQuery): Promise<TicketListRow[]> {
    this.queries.push(query);
    const at = (r: { created_at: Date }) => r.created_at.toISOString();
    const newestFirst = [...this.rows].sort((a, b) => at(b).localeCompare(at(a)) || b.id.localeCompare(a.id));
    const { before } = query;
    const after = before ? newestFirst.filter((r) => at(r) < before.at || (at(r) === before.at && r.id < before.id)) : newestFirst;
    // As Postgres' left(): one code point past the excerpt.
    const excerpt = (text: string) => [...text].slice(0, LIST_DESCRIPTION_CHARS + 1).join('');
    return Promise.resolve(
      after
        .slice(0, query.rows)
        .map(({ conversation: _, ...r }) => ({ ...r, description: excerpt(r.description), created_at_text: at(r) })),
    );
  }
}
