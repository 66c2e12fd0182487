import { randomUUID } from 'node:crypto';
import { HotQueries } from '../platform/database/hot-queries';
import { isDataError } from '../platform/errors/error-mapping';
import { MicroBatcher } from '../platform/database/micro-batcher';
import { dedupeKeyOf, TicketEvent } from '../tickets/ticket-event';

export interface InboxWrite {
  /** Null when the event was accepted before (same dedupe key). */
  inbox_id: string | null;
  ticket_id: string;
  /** The ticket row was written (a duplicate that raced past the check did so). */
  touched: boolean;
  /** The ticket was stored before this statement, and its status then (null: none given). */
  known: boolean;
  previous_status: string | null;
  /** Settles when the statement's new events have been handed on (see BatchStored); never rejects. */
  handedOn: Promise<unknown>;
}

/** Events written by one statement at most; more wait for the next turn. */
const MAX_BATCH = 100;

/** The event is not older than what the ticket holds (no updatedAt on either side counts as newer). */
const NEWER = '(tk.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL OR EXCLUDED.source_updated_at >= tk.source_updated_at)';

/** The event named tags (absent tags keep the ticket's); read from the input CTE, in scope of ON CONFLICT. */
const HAS_TAGS = '(SELECT f.tags IS NOT NULL FROM fresh f WHERE f.source = EXCLUDED.source AND f.external_id = EXCLUDED.external_id)';

const WRITE_BATCH = `
  WITH input AS (
    SELECT x.*,
           jsonb_build_object('subject', x.subject, 'description', x.description, 'requester', x.requester,
                              'tags', COALESCE(to_jsonb(x.tags), '[]'::jsonb), 'status', x.status)
             || CASE WHEN x.truncated THEN '{"truncated": true}'::jsonb ELSE '{}'::jsonb END AS payload
    FROM jsonb_to_recordset($1::jsonb)
      AS x(ord int, ticket_id uuid, source varchar, external_id varchar, dedupe_key varchar, subject text,
           description text, status varchar, requester jsonb, tags text[], created_at timestamptz,
           updated_at timestamptz, inbox_id uuid, truncated boolean)),
  seen AS (
    SELECT x.ord, i.ticket_id FROM input x
    CROSS JOIN LATERAL (SELECT ticket_id FROM inbox_events WHERE dedupe_key = x.dedupe_key LIMIT 1) i),
  fresh AS (SELECT x.* FROM input x WHERE NOT EXISTS (SELECT 1 FROM seen s WHERE s.ord = x.ord)),
  prev AS (
    SELECT x.ord, p.status FROM input x
    CROSS JOIN LATERAL (SELECT status FROM tickets WHERE source = x.source AND external_id = x.external_id LIMIT 1) p),
  t AS (
    INSERT INTO tickets AS tk (id, source, external_id, subject, description, status, requester, tags,
                               source_created_at, source_updated_at, triage_state)
    SELECT ticket_id, source, external_id, subject, description, status, requester,
           COALESCE(tags, '{}'), created_at, updated_at, 'queued'
    FROM fresh
    ON CONFLICT (source, external_id) DO UPDATE SET
      subject = CASE WHEN ${NEWER} THEN EXCLUDED.subject ELSE tk.subject END,
      description = CASE WHEN ${NEWER} THEN EXCLUDED.description ELSE tk.description END,
      status = CASE WHEN ${NEWER} THEN COALESCE(EXCLUDED.status, tk.status) ELSE tk.status END,
      requester = CASE WHEN ${NEWER} THEN COALESCE(EXCLUDED.requester, tk.requester) ELSE tk.requester END,
      tags = CASE WHEN ${NEWER} AND ${HAS_TAGS} THEN EXCLUDED.tags ELSE tk.tags END,
      source_created_at = COALESCE(tk.source_created_at, EXCLUDED.source_created_at),
      source_updated_at = GREATEST(tk.source_updated_at, EXCLUDED.source_updated_at),
      triage_state = 'queued',
      updated_at = now()
    RETURNING id, source, external_id),
  i AS (
    INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at, batch_job_id)
    SELECT f.inbox_id, t.id, f.source, f.dedupe_key, 'ticket', f.payload, COALESCE(f.updated_at, now()), $2::varchar
    FROM fresh f JOIN t ON t.source = f.source AND t.external_id = f.external_id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, ticket_id, dedupe_key)
  SELECT x.ord, i.id AS inbox_id, COALESCE(i.ticket_id, s.ticket_id, t.id) AS ticket_id, t.id IS NOT NULL AS touched,
         p.ord IS NOT NULL AS known, p.status AS previous_status
  FROM input x
  LEFT JOIN i ON i.dedupe_key = x.dedupe_key
  LEFT JOIN seen s ON s.ord = x.ord
  LEFT JOIN t ON t.source = x.source AND t.external_id = x.external_id
  LEFT JOIN prev p ON p.ord = x.ord`;

/**
 * Called once per written batch with its new events (never empty); its writers await it before they answer,
 * while the next statements already run. It must not reject.
 */
export type BatchStored = (batchJobId: string, inboxIds: string[]) => Promise<unknown>;

/**
 * Writes accepted events to the inbox, the events of one event-loop turn in one statement: under load, one
 * round trip and one WAL flush serve many requests; alone, an event is written at once. Two events of one
 * ticket never share a statement nor run in two at once; the second waits for the first. The new events of a
 * statement are handed on together (one queue job triages them), under an id written on their rows.
 */
export class InboxWriter {
  private readonly batcher: MicroBatcher<TicketEvent, InboxWrite>;

  constructor(
    private readonly hot: HotQueries,
    private readonly stored: BatchStored,
    /** Statements allowed in flight at once; further events wait and join larger batches. */
    maxInFlight = 4,
  ) {
    this.batcher = new MicroBatcher((events) => this.writeBatch(events), {
      maxBatch: MAX_BATCH,
      maxInFlight,
      keyOf: (event) => `${event.source}\u0000${event.externalId}`,
      itemError: isDataError,
    });
  }

  write(event: TicketEvent): Promise<InboxWrite> {
    return this.batcher.submit(event);
  }

  private async writeBatch(events: TicketEvent[]): Promise<(InboxWrite | Error)[]> {
    const batchJobId = `b-${randomUUID()}`;
    const rows = await this.hot.run<InboxWrite & { ord: number }>('inbox_write_batch', WRITE_BATCH, [
      JSON.stringify(events.map(inputRow)),
      batchJobId,
    ]);
    const fresh = rows.flatMap((r) => (r.inbox_id ? [r.inbox_id] : []));
    const handedOn = fresh.length > 0 ? this.stored(batchJobId, fresh) : Promise.resolve();
    const byOrd = new Map(rows.map((r) => [r.ord, r]));
    return events.map((_, ord) => {
      const row = byOrd.get(ord);
      if (!row) return new Error('inbox write returned no row for an event');
      return {
        inbox_id: row.inbox_id,
        ticket_id: row.ticket_id,
        touched: row.touched,
        known: row.known,
        previous_status: row.previous_status,
        handedOn,
      };
    });
  }
}

/**
 * An event as a row of the statement's input: the batch goes as one JSON document (jsonb_to_recordset), which
 * costs less on both sides than one escaped text array per column. The stored payload (InboxPayload: subject,
 * description, requester, tags, status, truncated) is built by the statement from the same fields.
 */
function inputRow(event: TicketEvent, ord: number) {
  return {
    ord,
    ticket_id: randomUUID(),
    source: event.source,
    external_id: event.externalId,
    dedupe_key: dedupeKeyOf(event),
    subject: event.subject,
    description: event.description,
    status: event.status ?? null,
    requester: event.requester ?? null,
    tags: event.tags ?? null,
    created_at: event.createdAt ?? null,
    updated_at: event.updatedAt ?? null,
    inbox_id: randomUUID(),
    truncated: event.truncated === true,
  };
}
