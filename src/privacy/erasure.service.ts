import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, addressHash } from '../audit/audit.service';
import { identifierPattern, identifiersOf, identifierWords, scrub, type RequesterFields } from './personal-text';
import { JobQueue } from '../platform/queue/job-queue';
import { QueueName, WRITEBACK_QUEUE } from '../platform/queue/queues';

/** Which tickets to erase: a condition on `tickets t` with its parameters ($1 ...). */
export interface TicketCondition {
  sql: string;
  params: unknown[];
}

/** Tickets erased per transaction. */
const BATCH = 200;

/**
 * Evidence, symptom and word spans keep their symptom ids and offsets, their text goes; entities (device,
 * quoted messages) and the rendered macro body (it greets the customer) go; causes, scores and ids stay.
 */
const ERASE_RESULT = `
  result || jsonb_build_object(
    'symptoms', COALESCE((SELECT jsonb_agg(s || '{"text": ""}' ORDER BY i)
                          FROM jsonb_array_elements(COALESCE(result->'symptoms', '[]')) WITH ORDINALITY x(s, i)), '[]'),
    'causes', COALESCE((SELECT jsonb_agg(c
                 || jsonb_build_object('evidence', COALESCE((SELECT jsonb_agg(e || '{"text": ""}' ORDER BY j)
                      FROM jsonb_array_elements(COALESCE(c->'evidence', '[]')) WITH ORDINALITY y(e, j)), '[]'))
                 || CASE WHEN c ? 'words' THEN jsonb_build_object('words', COALESCE((SELECT jsonb_agg(w || '{"text": ""}' ORDER BY k)
                      FROM jsonb_array_elements(c->'words') WITH ORDINALITY z(w, k)), '[]')) ELSE '{}' END
                 ORDER BY i)
               FROM jsonb_array_elements(COALESCE(result->'causes', '[]')) WITH ORDINALITY x(c, i)), '[]'),
    'entities', '{}'::jsonb,
    'macro', COALESCE(result->'macro', '{}') || '{"body": ""}')`;

/** Keys of an inbox payload that hold no one's words. */
const PAYLOAD_KEPT = ['tags', 'status'];

interface TextColumn {
  table: string;
  column: string;
  /** `id` for tickets, else `ticket_id`. */
  ticketKey: string;
  json: boolean;
}

export interface ErasureResult {
  tickets: number;
}

/**
 * Erases the personal data of the tickets a condition selects, wherever the service keeps it: ticket text,
 * conversation and requester, inbox payloads, the text inside stored triages, write-back records, report
 * phrases and queued jobs. Ids, causes, outcomes and statistics stay. Runs in batches, each in a transaction;
 * running it again finds nothing left to do.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  private textColumns?: Promise<TextColumn[]>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
  ) {}

  /** DELETE /v1/requesters/:email: every ticket whose requester has this address, in any case. */
  async eraseRequester(email: string, actor: string): Promise<ErasureResult> {
    const address = email.trim().toLowerCase();
    const result = await this.eraseWhere({ sql: `lower(t.requester->>'email') = $1`, params: [address] }, [email]);
    await this.audit.record({ actor, action: 'requester.erase', target: addressHash(address), details: { tickets: result.tickets } });
    return result;
  }

  /** RETENTION_DAYS: tickets created more than `days` days ago, not erased yet. */
  async eraseOlderThan(days: number, actor = 'retention'): Promise<ErasureResult> {
    const result = await this.eraseWhere({
      sql: `t.erased_at IS NULL AND COALESCE(t.source_created_at, t.created_at) < now() - make_interval(days => $1::int)`,
      params: [days],
    });
    // Reports of weeks that ended before the horizon quote only tickets older than it.
    const [, cleared] = await this.db.query(
      `UPDATE weekly_reports SET report = jsonb_set(report, '{quality,phrases}', '[]')
       WHERE week_end <= now() - make_interval(days => $1::int) AND jsonb_array_length(COALESCE(report->'quality'->'phrases', '[]')) > 0`,
      [days],
    );
    if (result.tickets > 0 || cleared > 0) {
      await this.audit.record({
        actor,
        action: 'retention.erase',
        details: { tickets: result.tickets, olderThanDays: days, reports: cleared },
      });
    }
    return result;
  }

  /** The shared core: batches of matching tickets, each erased in one transaction; `extra`: identifiers to scrub too. */
  async eraseWhere(condition: TicketCondition, extra: string[] = []): Promise<ErasureResult> {
    const done = new Set<string>();
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        const rows: { id: string; requester: RequesterFields | null }[] = await tx.query(
          `SELECT t.id, t.requester FROM tickets t WHERE ${condition.sql} ORDER BY t.id LIMIT ${BATCH} FOR UPDATE OF t`,
          condition.params,
        );
        const fresh = rows.filter((r) => !done.has(r.id));
        if (fresh.length === 0) return null;
        const identifiers = identifiersOf([...fresh.map((r) => r.requester), ...extra.map((email) => ({ email }))]);
        const ids = fresh.map((r) => r.id);
        const jobIds = await this.eraseTickets(tx, ids, identifiers);
        return { ids, identifiers, jobIds };
      });
      if (!batch) break;
      for (const id of batch.ids) done.add(id);
      await this.scrubJobs(batch.jobIds, batch.identifiers);
    }
    if (done.size > 0) await this.eraseLateResults();
    return { tickets: done.size };
  }

  /**
   * A triage that read an event before its ticket was erased stores its result afterwards (it waits for the
   * ticket's lock, then commits). Results of erased tickets stored in the last two days that still hold text
   * are erased too; the daily run catches those committed after an erasure returned.
   */
  async eraseLateResults(): Promise<number> {
    const [, erased] = await this.db.query(
      `UPDATE triage_results r SET result = ${ERASE_RESULT}
       FROM tickets t
       WHERE t.id = r.ticket_id AND t.erased_at IS NOT NULL AND r.triaged_at >= now() - interval '2 days'
         AND COALESCE(r.result->'macro'->>'body', '') <> ''`,
    );
    return erased;
  }

  /** Returns the queue job ids that may hold these tickets' data. */
  private async eraseTickets(tx: EntityManager, ids: string[], identifiers: string[]): Promise<string[]> {
    await tx.query(
      `UPDATE tickets SET subject = '', description = '', requester = NULL, conversation = '[]',
              erased_at = COALESCE(erased_at, now()), updated_at = now()
       WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    await tx.query(
      `UPDATE inbox_events SET payload = jsonb_build_object('subject', '', 'description', '', 'requester', NULL)
                                         || (SELECT COALESCE(jsonb_object_agg(k, v), '{}') FROM jsonb_each(payload) p(k, v) WHERE k = ANY($2))
       WHERE ticket_id = ANY($1::uuid[])`,
      [ids, PAYLOAD_KEPT],
    );
    await tx.query(`UPDATE triage_results SET result = ${ERASE_RESULT} WHERE ticket_id = ANY($1::uuid[])`, [ids]);
    await this.eraseReportPhrases(tx, identifiers);
    await this.scrubTextColumns(tx, ids, identifiers);
    const jobs: { id: string }[] = await tx.query(
      `SELECT id::text FROM inbox_events WHERE ticket_id = ANY($1::uuid[])
       UNION SELECT batch_job_id FROM inbox_events WHERE ticket_id = ANY($1::uuid[]) AND batch_job_id IS NOT NULL
       UNION SELECT id::text FROM writebacks WHERE ticket_id = ANY($1::uuid[])`,
      [ids],
    );
    return jobs.map((j) => j.id);
  }

  /** Phrases of stored weekly reports that hold a word of the person's address or name. */
  private async eraseReportPhrases(tx: EntityManager, identifiers: string[]): Promise<void> {
    const words = identifierWords(identifiers);
    if (words.length === 0) return;
    const holds = `regexp_split_to_array(p->>'phrase', ' ') && $1::text[]`;
    await tx.query(
      `UPDATE weekly_reports SET report = jsonb_set(report, '{quality,phrases}', COALESCE(
         (SELECT jsonb_agg(p ORDER BY i) FROM jsonb_array_elements(report->'quality'->'phrases') WITH ORDINALITY x(p, i) WHERE NOT (${holds})), '[]'))
       WHERE jsonb_typeof(report->'quality'->'phrases') = 'array'
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(report->'quality'->'phrases') p WHERE ${holds})`,
      [words],
    );
  }

  /**
   * Every other text or JSON column of the tickets' rows (override reasons, outcome notes, errors, write-back
   * notes and shadow records, columns added later) loses the person's address and name.
   */
  private async scrubTextColumns(tx: EntityManager, ids: string[], identifiers: string[]): Promise<void> {
    const pattern = identifierPattern(identifiers);
    if (!pattern) return;
    for (const c of await this.discoverTextColumns()) {
      const rows: { id: string; value: unknown }[] = await tx.query(
        `SELECT id, "${c.column}" AS value FROM "${c.table}" WHERE "${c.ticketKey}" = ANY($1::uuid[]) AND "${c.column}" IS NOT NULL`,
        [ids],
      );
      for (const row of rows) {
        const { value, changed } = scrub(row.value, pattern);
        if (!changed) continue;
        await tx.query(`UPDATE "${c.table}" SET "${c.column}" = $2 WHERE id = $1`, [row.id, c.json ? JSON.stringify(value) : value]);
      }
    }
  }

  /** Text and JSON columns of the tickets table and of every table keyed by ticket_id (and with an id). */
  private discoverTextColumns(): Promise<TextColumn[]> {
    this.textColumns ??= this.db
      .query(
        `SELECT c.table_name AS "table", c.column_name AS "column",
                CASE WHEN c.table_name = 'tickets' THEN 'id' ELSE 'ticket_id' END AS "ticketKey",
                c.data_type <> 'text' AS json
         FROM information_schema.columns c
         WHERE c.table_schema = current_schema() AND c.data_type IN ('text', 'json', 'jsonb')
           AND EXISTS (SELECT 1 FROM information_schema.columns k
                       WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = 'id')
           AND (c.table_name = 'tickets' OR EXISTS (SELECT 1 FROM information_schema.columns k
                       WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = 'ticket_id'))
         ORDER BY 1, 2`,
      )
      .catch((err: unknown) => {
        this.textColumns = undefined;
        throw err;
      });
    return this.textColumns!;
  }

  /** Queue jobs of the tickets whose data, result or error still holds the person's address or name are removed. */
  private async scrubJobs(jobIds: string[], identifiers: string[]): Promise<void> {
    const pattern = identifierPattern(identifiers);
    if (!pattern || jobIds.length === 0) return;
    for (const queue of [QueueName.Triage, ...Object.values(WRITEBACK_QUEUE)]) {
      for (const id of jobIds) {
        const job = await this.jobs.getJob(queue, id);
        if (!job) continue;
        const held = JSON.stringify([job.data, job.returnvalue, job.failedReason, job.stacktrace]);
        if (held.replace(pattern, '') === held) continue;
        // A job being processed is locked; its record in Postgres is already erased.
        await job
          .remove()
          .catch((err: unknown) => this.logger.warn({ err, queue, jobId: id }, 'could not remove a job holding erased data'));
      }
    }
  }
}
