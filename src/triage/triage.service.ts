import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { InboxPayload } from '../intake/inbox-event.entity';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { HotQueries } from '../platform/database/hot-queries';
import { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import type { Helpdesk } from '../platform/queue/queues';
import { EngineService } from './engine.service';

interface InboxRow {
  id: string;
  ticket_id: string;
  source: string;
  state: string;
  payload: InboxPayload;
  event_at: Date;
}

/** This event's result becomes the ticket's latest unless a newer event's result is already there. */
const LATEST = '((SELECT id FROM r) IS NOT NULL AND (t.latest_event_at IS NULL OR t.latest_event_at <= $10))';

export interface ProcessOutcome {
  status: 'triaged' | 'already-processed';
  causeId?: string;
  /** The write-back to run next, when the ticket came from a helpdesk with write-back on. */
  writeback?: { writebackId: string; helpdesk: Helpdesk };
}

@Injectable()
export class TriageService {
  private readonly logger = new Logger(TriageService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineService,
    private readonly helpdesks: HelpdeskRegistry,
    private readonly fixStats: FixStatsService,
    private readonly hot: HotQueries,
  ) {}

  /** Triages one inbox event. Running it twice stores one result: the inbox id is the result's unique key. */
  async processInboxEvent(inboxId: string): Promise<ProcessOutcome> {
    const [row] = await this.hot.run<InboxRow>(
      'triage_load',
      'SELECT id, ticket_id, source, state, payload, event_at FROM inbox_events WHERE id = $1',
      [inboxId],
    );
    if (!row) throw new UnrecoverableError(`inbox event ${inboxId} does not exist`);
    if (row.state === 'processed') return { status: 'already-processed' };

    const { payload } = row;
    const learned = await this.fixStats.snapshot();
    const output = this.engine.triage(
      { subject: payload.subject, description: payload.description, requester: payload.requester ?? undefined },
      learned,
    );
    const symptomIds = [...new Set(output.symptoms.map((s) => s.id))];

    const helpdesk = isHelpdesk(row.source) && this.helpdesks.isEnabled(row.source) ? row.source : null;
    const writebackId = randomUUID();
    // One statement, atomic on its own: the result (unique per inbox event), the ticket's latest triage (unless
    // a newer event's result is already there; an agent's override keeps its cause and macro), the inbox row
    // processed, the ticket's state, and the write-back to run. Sub-statements see the rows as they were
    // before it, hence "pending other than this event".
    const [stored] = await this.hot.run<{ result_id: string | null; writeback_id: string | null }>(
      'triage_store',
      `WITH r AS (
         INSERT INTO triage_results (id, ticket_id, inbox_id, pack_version, cause_id, confidence, macro_id,
                                     symptom_ids, result, event_at, triaged_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (inbox_id) DO NOTHING RETURNING id),
       tk AS (
         UPDATE tickets t SET
           latest_triage_id = CASE WHEN ${LATEST} THEN (SELECT id FROM r) ELSE t.latest_triage_id END,
           latest_event_at = CASE WHEN ${LATEST} THEN $10 ELSE t.latest_event_at END,
           symptom_ids = CASE WHEN ${LATEST} THEN $8 ELSE t.symptom_ids END,
           cause_id = CASE WHEN ${LATEST} THEN COALESCE(o.cause_id, $5) ELSE t.cause_id END,
           macro_id = CASE WHEN ${LATEST} THEN COALESCE(o.macro_id, $7) ELSE t.macro_id END,
           triage_state = CASE WHEN EXISTS (
               SELECT 1 FROM inbox_events p WHERE p.ticket_id = t.id AND p.state = 'pending' AND p.id <> $3)
             THEN 'queued' ELSE 'done' END,
           triage_error = NULL
         FROM tickets t0 LEFT JOIN triage_overrides o ON o.id = t0.override_id
         WHERE t.id = $2 AND t0.id = t.id
         RETURNING t.id),
       ib AS (
         UPDATE inbox_events SET state = 'processed', processed_at = now(), attempts = attempts + 1, last_error = NULL
         WHERE id = $3 RETURNING id),
       wb AS (
         INSERT INTO writebacks (id, triage_result_id, ticket_id, helpdesk)
         SELECT $12, r.id, $2, $13 FROM r WHERE $13::varchar IS NOT NULL
         ON CONFLICT (triage_result_id) DO NOTHING RETURNING id)
       SELECT (SELECT id FROM r) AS result_id, (SELECT id FROM wb) AS writeback_id,
              (SELECT count(*) FROM tk) + (SELECT count(*) FROM ib) AS touched`,
      [
        randomUUID(),
        row.ticket_id,
        row.id,
        output.packVersion,
        output.cause.id,
        output.cause.confidence,
        output.macro.id,
        symptomIds,
        output,
        row.event_at,
        output.triagedAt,
        writebackId,
        helpdesk,
      ],
    );
    const writeback = stored.writeback_id && helpdesk ? { writebackId: stored.writeback_id, helpdesk } : undefined;
    return { status: 'triaged', causeId: output.cause.id, writeback };
  }

  /** Records a failed attempt; on the last one the event and the ticket's triage end `failed`. */
  async recordFailure(inboxId: string, error: string, final: boolean): Promise<void> {
    await this.db.transaction(async (tx) => {
      // TypeORM answers an UPDATE with [rows, count].
      const [rows]: [{ ticket_id: string }[], number] = await tx.query(
        `UPDATE inbox_events SET attempts = attempts + 1, last_error = $2,
                state = CASE WHEN $3 THEN 'failed' ELSE state END
         WHERE id = $1 AND state = 'pending' RETURNING ticket_id`,
        [inboxId, error.slice(0, 4000), final],
      );
      if (final && rows[0]) {
        await tx.query(`UPDATE tickets SET triage_state = 'failed', triage_error = $2 WHERE id = $1`, [
          rows[0].ticket_id,
          error.slice(0, 4000),
        ]);
      }
    });
    if (final) this.logger.error({ inboxId, error }, 'triage failed for good');
  }

}

function isHelpdesk(source: string): source is Helpdesk {
  return source === 'zendesk' || source === 'freshdesk';
}
