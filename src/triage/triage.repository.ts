import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { HotQueries } from '../platform/database/hot-queries';
import type { Tx } from '../platform/database/transactions';
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { InboxPayload } from '../tickets/ticket-event';
import type { TriageOutput } from './engine.service';

/** An inbox event as the triage loads it. */
export interface InboxRow {
  id: string;
  ticket_id: string;
  source: string;
  state: string;
  payload: InboxPayload;
  event_at: Date;
  /** The ticket's tags as stored: routing reads them with the event's own. */
  ticket_tags: string[] | null;
}

/** What a triage stores: the event it answers and the engine's output. */
export interface Triaged {
  row: InboxRow;
  output: TriageOutput;
  symptomIds: string[];
  helpdesk: Helpdesk | null;
}

/** What the store statement answers for one triage (`ord`: its place in the batch). */
export interface Stored {
  ord: number;
  result_id: string | null;
  writeback_id: string | null;
  /** Another event of the ticket was pending as this statement saw it. */
  still_queued: boolean | null;
}

const LOAD_BATCH = `SELECT i.id, i.ticket_id, i.source, i.state, i.payload, i.event_at, NULL::text[] AS ticket_tags
  FROM inbox_events i WHERE i.id = ANY($1::uuid[])`;

/** With each ticket's stored tags, for packs that route by tags (one more index probe per event). */
const LOAD_BATCH_WITH_TAGS = `SELECT i.id, i.ticket_id, i.source, i.state, i.payload, i.event_at,
    (SELECT t.tags FROM tickets t WHERE t.id = i.ticket_id) AS ticket_tags
  FROM inbox_events i WHERE i.id = ANY($1::uuid[])`;

/** Another event of the ticket is still pending (why it is written this way: ARCHITECTURE.md, "Planned statements"). */
const OTHER_PENDING = `EXISTS (
  SELECT 1 FROM inbox_events p
  WHERE p.ticket_id = t.id AND p.id <> x.inbox_id AND CASE WHEN p.state = 'pending' THEN true END)`;

/** This event's result becomes the ticket's latest unless a newer event's result is already there. */
const LATEST = '(r.id IS NOT NULL AND (t.latest_event_at IS NULL OR t.latest_event_at <= x.event_at))';

/**
 * One statement, atomic on its own, for the triages of one event-loop turn: each result (unique per inbox
 * event), its ticket's latest triage (unless a newer event's result is already there; an agent's override keeps
 * its cause and macro), the inbox row processed, the ticket's state, and the write-back to run. Sub-statements
 * see the rows as they were before it, hence "pending other than this event"; a ticket appears once. Every table
 * is reached by key from the input (ARCHITECTURE.md, "Planned statements").
 */
const STORE_BATCH = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb)
      AS x(ord int, result_id uuid, ticket_id uuid, inbox_id uuid, pack_id varchar, pack_version varchar, cause_id varchar,
           confidence float8, macro_id varchar, symptom_ids text[], decision varchar, result jsonb,
           event_at timestamptz, triaged_at timestamptz, writeback_id uuid, helpdesk varchar)),
  r AS (
    INSERT INTO triage_results (id, ticket_id, inbox_id, pack_id, pack_version, cause_id, confidence, macro_id,
                                symptom_ids, result, event_at, triaged_at)
    SELECT result_id, ticket_id, inbox_id, pack_id, pack_version, cause_id, confidence, macro_id, symptom_ids, result,
           event_at, triaged_at
    FROM input
    ON CONFLICT (inbox_id) DO NOTHING RETURNING id, inbox_id),
  tk AS (
    UPDATE tickets t SET
      latest_triage_id = CASE WHEN ${LATEST} THEN r.id ELSE t.latest_triage_id END,
      latest_event_at = CASE WHEN ${LATEST} THEN x.event_at ELSE t.latest_event_at END,
      symptom_ids = CASE WHEN ${LATEST} THEN x.symptom_ids ELSE t.symptom_ids END,
      decision = CASE WHEN ${LATEST} THEN x.decision ELSE t.decision END,
      cause_id = CASE WHEN ${LATEST}
        THEN COALESCE(CASE WHEN t.override_id IS NOT NULL THEN (SELECT o.cause_id FROM triage_overrides o WHERE o.id = t.override_id) END, x.cause_id)
        ELSE t.cause_id END,
      macro_id = CASE WHEN ${LATEST}
        THEN COALESCE(CASE WHEN t.override_id IS NOT NULL THEN (SELECT o.macro_id FROM triage_overrides o WHERE o.id = t.override_id) END, x.macro_id)
        ELSE t.macro_id END,
      triage_state = CASE WHEN ${OTHER_PENDING} THEN 'queued' ELSE 'done' END,
      triage_error = NULL
    FROM input x
    LEFT JOIN r ON r.inbox_id = x.inbox_id
    WHERE t.id = x.ticket_id AND t.id = ANY(ARRAY(SELECT ticket_id FROM input))
    RETURNING t.id, t.triage_state),
  ib AS (
    UPDATE inbox_events i SET state = 'processed', processed_at = now(), attempts = i.attempts + 1, last_error = NULL
    FROM input x WHERE i.id = x.inbox_id AND i.id = ANY(ARRAY(SELECT inbox_id FROM input))
    RETURNING i.id),
  wb AS (
    INSERT INTO writebacks (id, triage_result_id, ticket_id, helpdesk)
    SELECT x.writeback_id, r.id, x.ticket_id, x.helpdesk FROM input x JOIN r ON r.inbox_id = x.inbox_id
    WHERE x.helpdesk IS NOT NULL
    ON CONFLICT (triage_result_id) DO NOTHING RETURNING id, triage_result_id)
  SELECT x.ord, r.id AS result_id, wb.id AS writeback_id, tk.triage_state = 'queued' AS still_queued
  FROM input x LEFT JOIN r ON r.inbox_id = x.inbox_id LEFT JOIN wb ON wb.triage_result_id = r.id
  LEFT JOIN tk ON tk.id = x.ticket_id`;

/**
 * A ticket the store left `queued` because another of its events was pending, set `done` once none is. Run after
 * the store commits: two workers storing two events of one ticket at once each see the other's event pending
 * (the second waits for the first's row lock, then keeps its statement's older view), and both would leave the
 * ticket queued for good. Whichever commits last finds nothing pending here.
 */
const SETTLE_QUEUED = `
  UPDATE tickets t SET triage_state = 'done'
  WHERE t.id = ANY($1::uuid[]) AND t.triage_state = 'queued'
    AND NOT EXISTS (SELECT 1 FROM inbox_events p WHERE p.ticket_id = t.id AND CASE WHEN p.state = 'pending' THEN true END)`;

/** `last_error` and `triage_error` keep the start of a long message. */
const ERROR_CHARS = 4000;

/**
 * The triage store: the hot statements that load inbox events and store their triages run as named statements on
 * the hot-path pool (HotQueries), a batch at a time; a failed attempt is recorded in the caller's transaction.
 */
@Injectable()
export class TriageRepository {
  constructor(private readonly hot: HotQueries) {}

  /**
   * The inbox events of `ids` in the order of `ids` (null: no such event); with `ticketTags`, each with its
   * ticket's stored tags (else `ticket_tags` is null).
   */
  async loadInboxEvents(ids: string[], ticketTags: boolean): Promise<(InboxRow | null)[]> {
    const rows = ticketTags
      ? await this.hot.run<InboxRow>('triage_load_batch_tags', LOAD_BATCH_WITH_TAGS, [ids])
      : await this.hot.run<InboxRow>('triage_load_batch', LOAD_BATCH, [ids]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Stores a batch of triages in one statement (STORE_BATCH); a triage whose row it does not answer was not stored. */
  storeTriages(items: readonly Triaged[]): Promise<Stored[]> {
    // One JSON document for the whole batch: the results are JSON already, and text arrays of JSON would be
    // escaped element by element here and parsed twice by Postgres.
    const input = items.map(({ row, output, symptomIds, helpdesk }, ord) => ({
      ord,
      result_id: randomUUID(),
      ticket_id: row.ticket_id,
      inbox_id: row.id,
      pack_id: output.packId,
      pack_version: output.packVersion,
      cause_id: output.cause.id,
      confidence: output.cause.confidence,
      macro_id: output.macro.id,
      symptom_ids: symptomIds,
      // The engine's own decision, made with the configured gate: stored as it is, never recomputed.
      decision: output.decision,
      result: output,
      event_at: row.event_at,
      triaged_at: output.triagedAt,
      writeback_id: randomUUID(),
      helpdesk,
    }));
    return this.hot.run<Stored>('triage_store_batch', STORE_BATCH, [JSON.stringify(input)]);
  }

  /** See SETTLE_QUEUED. */
  async settleQueued(ticketIds: string[]): Promise<void> {
    await this.hot.run('triage_settle_queued', SETTLE_QUEUED, [ticketIds]);
  }

  /**
   * Counts a failed attempt of a pending inbox event and keeps its error; `final` fails the event. Answers its
   * ticket's id, or null when the event is not pending (stored meanwhile, or unknown).
   */
  async recordAttemptFailure(tx: Tx, inboxId: string, error: string, final: boolean): Promise<string | null> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [{ ticket_id: string }[], number] = await tx.query(
      `UPDATE inbox_events SET attempts = attempts + 1, last_error = $2,
                state = CASE WHEN $3 THEN 'failed' ELSE state END
         WHERE id = $1 AND state = 'pending' RETURNING ticket_id`,
      [inboxId, error.slice(0, ERROR_CHARS), final],
    );
    return rows[0]?.ticket_id ?? null;
  }

  /** The ticket's triage ends `failed`, with the error. */
  async failTicketTriage(tx: Tx, ticketId: string, error: string): Promise<void> {
    await tx.query(`UPDATE tickets SET triage_state = 'failed', triage_error = $2 WHERE id = $1`, [ticketId, error.slice(0, ERROR_CHARS)]);
  }
}
