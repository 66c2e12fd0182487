import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriageDecision } from '../engine';
import type { TicketSource } from '../tickets/ticket.entity';
import type { TriageOutput } from '../triage/engine.service';

/** A ticket named by the service's id or by its helpdesk's (`source:externalId`). */
export type TicketRef = { id: string } | { source: TicketSource; externalId: string };

export interface TicketRow {
  id: string;
  source: TicketSource;
  external_id: string;
  subject: string;
  description: string;
  status: string | null;
  requester: Record<string, string> | null;
  tags: string[];
  conversation: { id: string; body: string; at: string }[];
  source_created_at: Date | null;
  source_updated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
  triage_state: 'queued' | 'done' | 'failed';
  triage_error: string | null;
  result: TriageOutput | null;
  /** The pack of the latest triage (its column: results stored before packs did not name it in their JSON). */
  result_pack_id: string | null;
  override: OverrideRow | null;
}

export interface OverrideRow {
  cause_id: string | null;
  macro_id: string | null;
  reason: string;
  actor: string;
  created_at: string;
  original: { causeId: string; macroId: string };
}

/** A list item: the ticket without its conversation, its description cut (one character past the excerpt). */
export type TicketListRow = Omit<TicketRow, 'conversation'> & { created_at_text: string };

/** Characters of the description a list item carries; GET /v1/tickets/:id has the whole text. */
export const LIST_DESCRIPTION_CHARS = 500;

/** What the list reads: each filter present narrows it (a ticket must match them all). */
export interface TicketListQuery {
  cause?: string;
  symptom?: string;
  status?: string;
  source?: string;
  from?: string;
  to?: string;
  overridden?: boolean;
  decision?: TriageDecision;
  /**
   * Tickets with an outcome crediting this macro: in each pack listed its id there (an alias resolved), in any
   * other pack `given` as it is.
   */
  macro?: { given: string; inPacks: { pack: string; macro: string }[] };
  /** With `macro`: outcomes of that macro with this resolved value; alone: any outcome with it. */
  resolved?: boolean;
  /** Tickets created before this one (created_at as Postgres prints it, and id), newest first. */
  before?: { at: string; id: string };
  rows: number;
}

/** The ticket's triages, newest first, as the detail shows them. */
export interface TriageHistoryRow {
  id: string;
  causeId: string;
  confidence: number;
  macroId: string;
  symptomIds: string[];
  packId: string | null;
  packVersion: string;
  modelVersion: string | null;
  decision: string | null;
  band: string | null;
  language: unknown;
  triagedAt: Date;
}

export interface OverrideHistoryRow {
  causeId: string | null;
  macroId: string | null;
  reason: string;
  by: string;
  at: Date;
  original: Record<string, unknown>;
}

export interface OutcomeHistoryRow {
  macroId: string;
  resolved: boolean;
  signal: string;
  attribution: string;
  weight: number;
  note: string | null;
  actor: string | null;
  eventAt: Date;
  timeToResolutionSeconds: number | null;
}

export interface WritebackHistoryRow {
  helpdesk: string;
  state: string;
  attempts: number;
  error: string | null;
  tagsAt: Date | null;
  noteAt: Date | null;
  triageId: string;
  createdAt: Date;
}

const EFFECTIVE_TRIAGE = `r.result, r.pack_id AS result_pack_id,
         CASE WHEN o.id IS NULL THEN NULL ELSE json_build_object(
           'cause_id', o.cause_id, 'macro_id', o.macro_id, 'reason', o.reason, 'actor', o.actor,
           'created_at', o.created_at, 'original', o.original) END AS override`;

const TRIAGE_JOINS = `
  LEFT JOIN triage_results r ON r.id = t.latest_triage_id
  LEFT JOIN triage_overrides o ON o.id = t.override_id`;

const TICKET_SELECT = `SELECT t.*, ${EFFECTIVE_TRIAGE} FROM tickets t ${TRIAGE_JOINS}`;

/**
 * A list reads one character past the excerpt (to tell that it was cut), never the whole description, and no
 * conversation: a page of long tickets stays small in Postgres' answer and in ours.
 */
const LIST_SELECT = `
  SELECT t.id, t.source, t.external_id, t.subject, left(t.description, ${LIST_DESCRIPTION_CHARS + 1}) AS description,
         t.status, t.requester, t.tags, t.source_created_at, t.source_updated_at, t.created_at, t.updated_at,
         t.erased_at, t.triage_state, t.triage_error, t.created_at::text AS created_at_text, ${EFFECTIVE_TRIAGE}
  FROM tickets t ${TRIAGE_JOINS}`;

/** The agent ticket API's reads: a ticket with its effective triage, its history, and lists of tickets. */
@Injectable()
export class TicketsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The ticket with its latest triage and the override in force. */
  async findTicket(ref: TicketRef): Promise<TicketRow | undefined> {
    const where = whereRef(ref);
    const rows: TicketRow[] = await this.db.query(`${TICKET_SELECT} WHERE ${where.sql}`, where.params);
    return rows[0];
  }

  /** The ticket's id and when its personal data was erased (null while its text is held). */
  async findErasure(ref: TicketRef): Promise<{ id: string; erased_at: Date | null } | undefined> {
    const where = whereRef(ref);
    const rows: { id: string; erased_at: Date | null }[] = await this.db.query(
      `SELECT t.id, t.erased_at FROM tickets t WHERE ${where.sql}`,
      where.params,
    );
    return rows[0];
  }

  /** What routes the ticket to a pack: its source and tags, and the pack of its latest triage (null before one). */
  async findRouting(ref: TicketRef): Promise<{ id: string; source: string; tags: string[] | null; pack_id: string | null } | undefined> {
    const where = whereRef(ref);
    const rows: { id: string; source: string; tags: string[] | null; pack_id: string | null }[] = await this.db.query(
      `SELECT t.id, t.source, t.tags, r.pack_id FROM tickets t LEFT JOIN triage_results r ON r.id = t.latest_triage_id WHERE ${where.sql}`,
      where.params,
    );
    return rows[0];
  }

  triageHistory(ticketId: string): Promise<TriageHistoryRow[]> {
    return this.db.query(
      `SELECT id, cause_id AS "causeId", confidence, macro_id AS "macroId", symptom_ids AS "symptomIds",
                pack_id AS "packId", pack_version AS "packVersion", result->>'modelVersion' AS "modelVersion",
                result->>'decision' AS decision, result->>'band' AS band, result->'language' AS language,
                triaged_at AS "triagedAt"
         FROM triage_results WHERE ticket_id = $1 ORDER BY triaged_at DESC`,
      [ticketId],
    );
  }

  overrides(ticketId: string): Promise<OverrideHistoryRow[]> {
    return this.db.query(
      `SELECT cause_id AS "causeId", macro_id AS "macroId", reason, actor AS by, created_at AS at, original
         FROM triage_overrides WHERE ticket_id = $1 ORDER BY created_at DESC`,
      [ticketId],
    );
  }

  outcomes(ticketId: string): Promise<OutcomeHistoryRow[]> {
    return this.db.query(
      `SELECT macro_id AS "macroId", resolved, signal, attribution, weight, note, actor, event_at AS "eventAt",
                time_to_resolution_seconds AS "timeToResolutionSeconds"
         FROM outcomes WHERE ticket_id = $1 ORDER BY event_at`,
      [ticketId],
    );
  }

  writebacks(ticketId: string): Promise<WritebackHistoryRow[]> {
    return this.db.query(
      `SELECT helpdesk, state, attempts, last_error AS error, tags_done_at AS "tagsAt", note_done_at AS "noteAt",
                triage_result_id AS "triageId", created_at AS "createdAt"
         FROM writebacks WHERE ticket_id = $1 ORDER BY created_at DESC`,
      [ticketId],
    );
  }

  /** Whether the helpdesk's text of the ticket's latest content was cut to 64 KiB at intake. */
  async contentTruncated(ticketId: string): Promise<boolean> {
    const [content]: { truncated: boolean }[] = await this.db.query(
      `SELECT COALESCE((payload->>'truncated')::boolean, false) AS truncated
         FROM inbox_events WHERE ticket_id = $1 AND kind = 'ticket' ORDER BY event_at DESC LIMIT 1`,
      [ticketId],
    );
    return content?.truncated ?? false;
  }

  /** Newest first (created_at, then id), at most `rows` tickets matching every filter of `f`. */
  listTickets(f: TicketListQuery): Promise<TicketListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.cause) where.push(`t.cause_id = ${p(f.cause)}`);
    if (f.symptom) where.push(`t.symptom_ids @> ARRAY[${p(f.symptom)}]::text[]`);
    if (f.status) where.push(`t.status = ${p(f.status)}`);
    if (f.source) where.push(`t.source = ${p(f.source)}`);
    if (f.from) where.push(`t.created_at >= ${p(new Date(f.from))}`);
    if (f.to) where.push(`t.created_at < ${p(new Date(f.to))}`);
    if (f.overridden !== undefined) where.push(f.overridden ? 't.override_id IS NOT NULL' : 't.override_id IS NULL');
    if (f.decision) where.push(`t.decision = ${p(f.decision)}`);
    if (f.macro !== undefined) {
      const canonical = f.macro.inPacks;
      const macro = `COALESCE((SELECT m.macro FROM unnest(${p(canonical.map((c) => c.pack))}::text[], ${p(canonical.map((c) => c.macro))}::text[]) AS m(pack, macro)
                     WHERE m.pack = u.pack_id), ${p(f.macro.given)})`;
      const resolved = f.resolved === undefined ? '' : ` AND u.resolved = ${p(f.resolved)}`;
      where.push(`EXISTS (SELECT 1 FROM outcomes u WHERE u.ticket_id = t.id AND u.macro_id = ${macro}${resolved})`);
    } else if (f.resolved !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM outcomes u WHERE u.ticket_id = t.id AND u.resolved = ${p(f.resolved)})`);
    }
    if (f.before) {
      const c = f.before;
      where.push(`(t.created_at, t.id) < (${p(c.at)}::timestamptz, ${p(c.id)}::uuid)`);
    }
    // The cursor carries created_at as Postgres prints it: microseconds survive the round trip.
    const sql = `${LIST_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY t.created_at DESC, t.id DESC LIMIT ${p(f.rows)}`;
    return this.db.query(sql, params);
  }
}

function whereRef(ref: TicketRef): { sql: string; params: unknown[] } {
  if ('id' in ref) return { sql: 't.id = $1', params: [ref.id] };
  return { sql: 't.source = $1 AND t.external_id = $2', params: [ref.source, ref.externalId] };
}
