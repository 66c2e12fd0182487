import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../platform/errors/domain-error';
import type { TriageOutput } from '../triage/engine.service';
import { TICKET_SOURCES, TicketSource } from './ticket.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TicketRow {
  id: string;
  source: TicketSource;
  external_id: string;
  subject: string;
  description: string;
  status: string | null;
  requester: Record<string, string> | null;
  tags: string[];
  source_created_at: Date | null;
  source_updated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  triage_state: 'queued' | 'done' | 'failed';
  triage_error: string | null;
  result: TriageOutput | null;
}

export type TicketView = ReturnType<typeof toView>;

@Injectable()
export class TicketsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `ref` is the service's UUID or `source:externalId`. */
  async get(ref: string): Promise<TicketView> {
    const where = parseRef(ref);
    const rows: TicketRow[] = await this.db.query(
      `SELECT t.*, r.result FROM tickets t LEFT JOIN triage_results r ON r.id = t.latest_triage_id
       WHERE ${where.sql}`,
      where.params,
    );
    if (rows.length === 0) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return toView(rows[0]);
  }
}

function parseRef(ref: string): { sql: string; params: unknown[] } {
  if (UUID.test(ref)) return { sql: 't.id = $1', params: [ref] };
  const colon = ref.indexOf(':');
  const source = ref.slice(0, colon);
  if (colon > 0 && (TICKET_SOURCES as readonly string[]).includes(source)) {
    return { sql: 't.source = $1 AND t.external_id = $2', params: [source, ref.slice(colon + 1)] };
  }
  throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}: use the ticket id or source:externalId`);
}

function toView(row: TicketRow) {
  const triage: Record<string, unknown> = { state: row.triage_state };
  if (row.triage_state === 'failed' && row.triage_error) triage.error = row.triage_error;
  if (row.result) Object.assign(triage, row.result);
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    subject: row.subject,
    description: row.description,
    status: row.status,
    requester: row.requester,
    tags: row.tags,
    createdAt: (row.source_created_at ?? row.created_at).toISOString(),
    updatedAt: (row.source_updated_at ?? row.updated_at).toISOString(),
    triage,
  };
}
