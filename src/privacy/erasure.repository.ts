import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions';
import type { RequesterFields } from './personal-text';

/** Which tickets to erase: a condition on `tickets t` with its parameters ($1 ...). */
export interface TicketCondition {
  sql: string;
  params: unknown[];
}

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

/** A text or JSON column of a table holding tickets' data. */
export interface TextColumn {
  table: string;
  column: string;
  /** `id` for tickets, else `ticket_id`. */
  ticketKey: string;
  json: boolean;
}

/** A ticket chosen for erasure, locked until its transaction ends. */
export interface LockedTicket {
  id: string;
  requester: RequesterFields | null;
}

/**
 * Where the service keeps personal data: ticket text, conversation and requester, inbox payloads, the text inside
 * stored triages, report phrases, and every other text or JSON column of a table keyed by ticket.
 */
@Injectable()
export class ErasureRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Tickets whose requester has this address (lowercased), in any case. */
  requesterCondition(address: string): TicketCondition {
    return { sql: `lower(t.requester->>'email') = $1`, params: [address] };
  }

  /** Tickets created (at the helpdesk, else here) more than `days` days ago, not erased yet. */
  olderThanCondition(days: number): TicketCondition {
    return {
      sql: `t.erased_at IS NULL AND COALESCE(t.source_created_at, t.created_at) < now() - make_interval(days => $1::int)`,
      params: [days],
    };
  }

  /** Up to `limit` tickets matching the condition, in id order, locked for the transaction. */
  lockTickets(tx: Tx, condition: TicketCondition, limit: number): Promise<LockedTicket[]> {
    return tx.query(
      `SELECT t.id, t.requester FROM tickets t WHERE ${condition.sql} ORDER BY t.id LIMIT ${limit} FOR UPDATE OF t`,
      condition.params,
    );
  }

  /** The tickets' subject, description, requester and conversation go; the ticket is marked erased. */
  async eraseTicketText(tx: Tx, ids: string[]): Promise<void> {
    await tx.query(
      `UPDATE tickets SET subject = '', description = '', requester = NULL, conversation = '[]',
              erased_at = COALESCE(erased_at, now()), updated_at = now()
       WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** The tickets' inbox payloads keep only the keys that hold no one's words. */
  async eraseInboxPayloads(tx: Tx, ids: string[]): Promise<void> {
    await tx.query(
      `UPDATE inbox_events SET payload = jsonb_build_object('subject', '', 'description', '', 'requester', NULL)
                                         || (SELECT COALESCE(jsonb_object_agg(k, v), '{}') FROM jsonb_each(payload) p(k, v) WHERE k = ANY($2))
       WHERE ticket_id = ANY($1::uuid[])`,
      [ids, PAYLOAD_KEPT],
    );
  }

  /** The text inside the tickets' stored triages. */
  async eraseTriageTexts(tx: Tx, ids: string[]): Promise<void> {
    await tx.query(`UPDATE triage_results SET result = ${ERASE_RESULT} WHERE ticket_id = ANY($1::uuid[])`, [ids]);
  }

  /**
   * Results of erased tickets stored in the last two days that still hold text (a triage that committed after
   * its ticket's erasure). Returns how many were erased.
   */
  async eraseLateTriageTexts(): Promise<number> {
    const [, erased] = await this.db.query(
      `UPDATE triage_results r SET result = ${ERASE_RESULT}
       FROM tickets t
       WHERE t.id = r.ticket_id AND t.erased_at IS NOT NULL AND r.triaged_at >= now() - interval '2 days'
         AND COALESCE(r.result->'macro'->>'body', '') <> ''`,
    );
    return erased;
  }

  /** Stored weekly reports lose the phrases holding one of these words. */
  async eraseReportPhrasesHolding(tx: Tx, words: string[]): Promise<void> {
    const holds = `regexp_split_to_array(p->>'phrase', ' ') && $1::text[]`;
    await tx.query(
      `UPDATE weekly_reports SET report = jsonb_set(report, '{quality,phrases}', COALESCE(
         (SELECT jsonb_agg(p ORDER BY i) FROM jsonb_array_elements(report->'quality'->'phrases') WITH ORDINALITY x(p, i) WHERE NOT (${holds})), '[]'))
       WHERE jsonb_typeof(report->'quality'->'phrases') = 'array'
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(report->'quality'->'phrases') p WHERE ${holds})`,
      [words],
    );
  }

  /** Reports of weeks that ended more than `days` days ago lose their phrases; returns how many did. */
  async clearReportPhrasesOlderThan(days: number): Promise<number> {
    const [, cleared] = await this.db.query(
      `UPDATE weekly_reports SET report = jsonb_set(report, '{quality,phrases}', '[]')
       WHERE week_end <= now() - make_interval(days => $1::int) AND jsonb_array_length(COALESCE(report->'quality'->'phrases', '[]')) > 0`,
      [days],
    );
    return cleared;
  }

  /** Text and JSON columns of the tickets table and of every table keyed by ticket_id (and with an id). */
  textColumns(): Promise<TextColumn[]> {
    return this.db.query(
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
    );
  }

  /** The column's values (not null) in the tickets' rows, by row id. */
  columnValues(tx: Tx, c: TextColumn, ids: string[]): Promise<{ id: string; value: unknown }[]> {
    return tx.query(
      `SELECT id, "${c.column}" AS value FROM "${c.table}" WHERE "${c.ticketKey}" = ANY($1::uuid[]) AND "${c.column}" IS NOT NULL`,
      [ids],
    );
  }

  async updateColumnValue(tx: Tx, c: TextColumn, id: string, value: unknown): Promise<void> {
    await tx.query(`UPDATE "${c.table}" SET "${c.column}" = $2 WHERE id = $1`, [id, c.json ? JSON.stringify(value) : value]);
  }

  /** Ids of the queue jobs that may hold the tickets' data: their inbox events, batch jobs and write-backs. */
  async jobIdsOf(tx: Tx, ids: string[]): Promise<string[]> {
    const jobs: { id: string }[] = await tx.query(
      `SELECT id::text FROM inbox_events WHERE ticket_id = ANY($1::uuid[])
       UNION SELECT batch_job_id FROM inbox_events WHERE ticket_id = ANY($1::uuid[]) AND batch_job_id IS NOT NULL
       UNION SELECT id::text FROM writebacks WHERE ticket_id = ANY($1::uuid[])`,
      [ids],
    );
    return jobs.map((j) => j.id);
  }
}
