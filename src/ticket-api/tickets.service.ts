import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriageDecision } from '../engine';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService, TriageOutput } from '../triage/engine.service';
import { TICKET_SOURCES, TicketSource } from '../tickets/ticket.entity';
import { isRealDate } from './tickets.dto';

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

interface OverrideRow {
  cause_id: string | null;
  macro_id: string | null;
  reason: string;
  actor: string;
  created_at: string;
  original: { causeId: string; macroId: string };
}

export interface ListFilters {
  cause?: string;
  symptom?: string;
  status?: string;
  source?: string;
  from?: string;
  to?: string;
  overridden?: boolean;
  decision?: TriageDecision;
  /** Tickets with an outcome crediting this macro (an alias is read as its macro). */
  macro?: string;
  /** With `macro`: outcomes of that macro with this resolved value; alone: any outcome with it. */
  resolved?: boolean;
  limit: number;
  cursor?: string;
}

/** Characters of the description a list item carries; GET /v1/tickets/:id has the whole text. */
export const LIST_DESCRIPTION_CHARS = 500;

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

@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  /** `ref` is the service's UUID or `source:externalId`. */
  async get(ref: string) {
    const row = await this.findRow(ref);
    return this.toView(row);
  }

  async resolveId(ref: string): Promise<string> {
    return (await this.resolve(ref)).id;
  }

  /** The ticket's id, refused with 409 when its personal data was erased: there is no text left to triage. */
  async resolveHeldText(ref: string): Promise<string> {
    const { id, erasedAt } = await this.resolve(ref);
    if (erasedAt)
      throw new DomainError('TICKET.ERASED', `Ticket ${ref} was erased at ${erasedAt.toISOString()}; its text is no longer held`, [
        `erasedAt: ${erasedAt.toISOString()}`,
      ]);
    return id;
  }

  /**
   * The ticket's id and its pack, in which an agent's outcome names its macro: the pack of its latest triage, else
   * the one routing chooses for it (EngineService.packOfTicket).
   */
  async resolveWithPack(ref: string): Promise<{ id: string; packId: string }> {
    const where = parseRef(ref);
    const rows: { id: string; source: string; tags: string[] | null; pack_id: string | null }[] = await this.db.query(
      `SELECT t.id, t.source, t.tags, r.pack_id FROM tickets t LEFT JOIN triage_results r ON r.id = t.latest_triage_id WHERE ${where.sql}`,
      where.params,
    );
    if (rows.length === 0) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    const [row] = rows;
    return { id: row.id, packId: this.engine.packOfTicket({ packId: row.pack_id, source: row.source, tags: row.tags }) };
  }

  private async resolve(ref: string): Promise<{ id: string; erasedAt: Date | null }> {
    const where = parseRef(ref);
    const rows: { id: string; erased_at: Date | null }[] = await this.db.query(
      `SELECT t.id, t.erased_at FROM tickets t WHERE ${where.sql}`,
      where.params,
    );
    if (rows.length === 0) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return { id: rows[0].id, erasedAt: rows[0].erased_at };
  }

  /** The ticket with its triage history, overrides, outcomes and write-backs. */
  async detail(ref: string) {
    const row = await this.findRow(ref);
    const [history, overrides, outcomes, writebacks, [content]] = await Promise.all([
      this.db.query(
        `SELECT id, cause_id AS "causeId", confidence, macro_id AS "macroId", symptom_ids AS "symptomIds",
                pack_id AS "packId", pack_version AS "packVersion", result->>'modelVersion' AS "modelVersion",
                result->>'decision' AS decision, result->>'band' AS band, result->'language' AS language,
                triaged_at AS "triagedAt"
         FROM triage_results WHERE ticket_id = $1 ORDER BY triaged_at DESC`,
        [row.id],
      ),
      this.db.query(
        `SELECT cause_id AS "causeId", macro_id AS "macroId", reason, actor AS by, created_at AS at, original
         FROM triage_overrides WHERE ticket_id = $1 ORDER BY created_at DESC`,
        [row.id],
      ),
      this.db.query(
        `SELECT macro_id AS "macroId", resolved, signal, attribution, weight, note, actor, event_at AS "eventAt",
                time_to_resolution_seconds AS "timeToResolutionSeconds"
         FROM outcomes WHERE ticket_id = $1 ORDER BY event_at`,
        [row.id],
      ),
      this.db.query(
        `SELECT helpdesk, state, attempts, last_error AS error, tags_done_at AS "tagsAt", note_done_at AS "noteAt",
                triage_result_id AS "triageId", created_at AS "createdAt"
         FROM writebacks WHERE ticket_id = $1 ORDER BY created_at DESC`,
        [row.id],
      ),
      // Whether the helpdesk's text of the ticket's latest content was cut to 64 KiB at intake.
      this.db.query(
        `SELECT COALESCE((payload->>'truncated')::boolean, false) AS truncated
         FROM inbox_events WHERE ticket_id = $1 AND kind = 'ticket' ORDER BY event_at DESC LIMIT 1`,
        [row.id],
      ) as Promise<{ truncated: boolean }[]>,
    ]);
    return {
      ...this.toView(row),
      truncated: content?.truncated ?? false,
      conversation: row.conversation ?? [],
      history,
      overrides,
      outcomes,
      writebacks,
    };
  }

  /** Newest first, filtered, with an opaque cursor (created_at and id of the last item). */
  async list(f: ListFilters) {
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
      // An alias names its macro in each pack that has it; in a pack that has none the id is taken as given.
      const canonical = this.engine.list().flatMap((pack) => {
        const found = this.engine.macroOfPack(f.macro!, pack.id);
        return found ? [{ pack: pack.id, macro: found.id }] : [];
      });
      const macro = `COALESCE((SELECT m.macro FROM unnest(${p(canonical.map((c) => c.pack))}::text[], ${p(canonical.map((c) => c.macro))}::text[]) AS m(pack, macro)
                     WHERE m.pack = u.pack_id), ${p(f.macro)})`;
      const resolved = f.resolved === undefined ? '' : ` AND u.resolved = ${p(f.resolved)}`;
      where.push(`EXISTS (SELECT 1 FROM outcomes u WHERE u.ticket_id = t.id AND u.macro_id = ${macro}${resolved})`);
    } else if (f.resolved !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM outcomes u WHERE u.ticket_id = t.id AND u.resolved = ${p(f.resolved)})`);
    }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      where.push(`(t.created_at, t.id) < (${p(c.at)}::timestamptz, ${p(c.id)}::uuid)`);
    }
    // The cursor carries created_at as Postgres prints it: microseconds survive the round trip.
    const sql = `${LIST_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY t.created_at DESC, t.id DESC LIMIT ${p(f.limit + 1)}`;
    const rows: (TicketRow & { created_at_text: string })[] = await this.db.query(sql, params);
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => {
        // Postgres counts code points; so does spreading a string.
        const chars = [...r.description];
        const descriptionTruncated = chars.length > LIST_DESCRIPTION_CHARS;
        const description = descriptionTruncated ? chars.slice(0, LIST_DESCRIPTION_CHARS).join('') : r.description;
        const view = this.toView({ ...r, description });
        // The rendered macro (a page of text) is read on the ticket; a list names it.
        const macro = view.triage.macro as { id: string; title: string } | undefined;
        if (macro) view.triage.macro = { id: macro.id, title: macro.title };
        return { ...view, descriptionTruncated };
      }),
      nextCursor: rows.length > f.limit && last ? encodeCursor(last.created_at_text, last.id) : null,
    };
  }

  private async findRow(ref: string): Promise<TicketRow> {
    const where = parseRef(ref);
    const rows: TicketRow[] = await this.db.query(`${TICKET_SELECT} WHERE ${where.sql}`, where.params);
    if (rows.length === 0) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return rows[0];
  }

  /** The ticket with its effective triage: an agent's override replaces cause or macro, and says what the engine said. */
  private toView(row: TicketRow) {
    const triage: Record<string, unknown> = { state: row.triage_state };
    if (row.triage_state === 'failed' && row.triage_error) triage.error = row.triage_error;
    if (row.result) Object.assign(triage, row.result, row.result_pack_id ? { packId: row.result_pack_id } : {});
    if (row.result && row.override) {
      const o = row.override;
      if (o.cause_id) triage.cause = { id: o.cause_id, confidence: 1 };
      if (o.macro_id) {
        // The overriding macro is rendered from the pack that triaged the ticket (the stored macro if it is gone).
        const input = { subject: row.subject, description: row.description, requester: row.requester ?? undefined };
        const packId = row.result_pack_id ?? this.engine.defaultPackId;
        const rendered = this.engine.hasPack(packId) ? this.engine.renderMacro(o.macro_id, input, row.result.entities, packId) : null;
        triage.macro = rendered ?? row.result.macro;
      }
      triage.override = { by: o.actor, at: new Date(o.created_at).toISOString(), reason: o.reason, original: o.original };
    }
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
      erasedAt: row.erased_at ? row.erased_at.toISOString() : null,
      triage,
    };
  }
}

function parseRef(ref: string): { sql: string; params: unknown[] } {
  if (ref.includes('\u0000')) throw new DomainError('TICKET.NOT_FOUND', 'No such ticket');
  if (UUID.test(ref)) return { sql: 't.id = $1', params: [ref] };
  const colon = ref.indexOf(':');
  const source = ref.slice(0, colon);
  if (colon > 0 && (TICKET_SOURCES as readonly string[]).includes(source)) {
    return { sql: 't.source = $1 AND t.external_id = $2', params: [source, ref.slice(colon + 1)] };
  }
  throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}: use the ticket id or source:externalId`);
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at !== 'string' || !isRealDate(at) || !UUID.test(id)) {
      throw new Error('bad cursor');
    }
    return { at, id };
  } catch {
    throw new DomainError('REQUEST.INVALID', 'The cursor is not one this API returned', ['cursor is invalid']);
  }
}
