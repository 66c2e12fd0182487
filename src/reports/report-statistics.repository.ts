import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions';

/** A count or figure as Postgres answers it (bigint and numeric as text). */
export type Num = string | number | null;

/** The pack parameter of a report without a scope: every pack's rows. */
export const ALL_PACKS = '*';

/** What the statistics of one report read: two weeks' spans and the pack. */
export interface ReportWindow {
  /** $1 previous week's start, $2 this week's start, $3 end of this week's data, $4 end of the previous week's span. */
  readonly bounds: Date[];
  /** $5: the pack whose rows count (`*`: every pack). */
  readonly pack: string;
  /** $6: the default pack, which a ticket belongs to before its first triage (`*` without a scope). */
  readonly defaultPack: string;
}

/** Rows counted in this week (`cur`) and in the previous week's span (`prev`), by a key; `cur` in the other rows: this week's. */
export type WeekCounts<K = string> = { id: K; cur: Num; prev: Num };
export type MacroCounts = { macro_id: string; cur: Num; prev: Num };
export type MacroOutcomes = { macro_id: string; cur: boolean; outcomes: Num; resolved: Num; applied: Num; median_ttr: Num };
export type SymptomFixOutcomes = { symptom_id: string; macro_id: string; cur: boolean; outcomes: Num; resolved: Num };
export type CauseQuality = { cause_id: string; cur: boolean; tickets: Num; overridden: Num; review: Num };
export type MacroRatings = { macro_id: string | null; cur: boolean; good: Num; bad: Num };
export type PhraseRow = { phrase: string; words: number; tickets: Num };

/** $5 the pack (`*`: every pack), $6 the default pack: the ticket `alias` belongs to the pack. */
const ticketInPack = (alias: string) =>
  `($5::varchar = '*' OR COALESCE((SELECT r.pack_id FROM triage_results r WHERE r.id = ${alias}.latest_triage_id), $6::varchar) = $5::varchar)`;
/** The same for a row naming its ticket by `ticket_id`. */
const ticketOfRowInPack = (alias: string) =>
  `($5::varchar = '*' OR COALESCE((SELECT r.pack_id FROM tickets k JOIN triage_results r ON r.id = k.latest_triage_id WHERE k.id = ${alias}.ticket_id), $6::varchar) = $5::varchar)`;
/** $5 the pack (`*`: every pack): a row with its own pack_id belongs to it. */
const rowInPack = (alias: string) => `($5::varchar = '*' OR ${alias}.pack_id = $5::varchar)`;

/**
 * The weekly report's statistics: every figure is aggregated in Postgres over the two weeks' rows (both weeks
 * in one scan), within one snapshot.
 */
@Injectable()
export class ReportStatisticsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Runs `work` in one REPEATABLE READ transaction: the figures agree with each other even while outcomes stream in. */
  snapshot<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction('REPEATABLE READ', (tx) => work(tx as Tx));
  }

  /** Tickets received, by cause (null: not triaged yet). */
  ticketsByCause(tx: Tx, w: ReportWindow): Promise<WeekCounts<string | null>[]> {
    return tx.query(
      `SELECT cause_id AS id, count(*) FILTER (WHERE created_at >= $2) AS cur, count(*) FILTER (WHERE created_at < $2) AS prev
       FROM tickets t WHERE created_at >= $1 AND created_at < $3 AND (created_at >= $2 OR created_at < $4) AND ${ticketInPack('t')}
       GROUP BY cause_id`,
      withPacks(w),
    );
  }

  /** Tickets received, by symptom (a ticket counts once per symptom). */
  ticketsBySymptom(tx: Tx, w: ReportWindow): Promise<WeekCounts[]> {
    return tx.query(
      `SELECT s.id, count(*) FILTER (WHERE t.created_at >= $2) AS cur, count(*) FILTER (WHERE t.created_at < $2) AS prev
       FROM tickets t CROSS JOIN LATERAL (SELECT DISTINCT unnest(t.symptom_ids)) AS s(id)
       WHERE t.created_at >= $1 AND t.created_at < $3 AND (t.created_at >= $2 OR t.created_at < $4) AND ${ticketInPack('t')} GROUP BY s.id`,
      withPacks(w),
    );
  }

  /** Tickets received in each span between consecutive `edges` (bucket 1: the first span). */
  ticketsPerSpan(tx: Tx, edges: Date[], w: ReportWindow): Promise<{ bucket: number; tickets: Num }[]> {
    return tx.query(
      `SELECT width_bucket(created_at, $1::timestamptz[]) AS bucket, count(*) AS tickets
       FROM tickets t WHERE created_at >= $2 AND created_at < $3
         AND ($4::varchar = '*' OR COALESCE((SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id), $5::varchar) = $4::varchar)
       GROUP BY 1`,
      [edges, edges[0], edges[edges.length - 1], w.pack, w.defaultPack],
    );
  }

  /** Triages, by the macro they suggested. */
  suggestionsByMacro(tx: Tx, w: ReportWindow): Promise<MacroCounts[]> {
    return tx.query(
      `SELECT macro_id, count(*) FILTER (WHERE triaged_at >= $2) AS cur, count(*) FILTER (WHERE triaged_at < $2) AS prev
       FROM triage_results x WHERE triaged_at >= $1 AND triaged_at < $3 AND (triaged_at >= $2 OR triaged_at < $4) AND ${rowInPack('x')}
       GROUP BY macro_id`,
      withPack(w),
    );
  }

  /** Outcomes by the macro credited: resolved, applied by an agent, and the median time to resolution. */
  outcomesByMacro(tx: Tx, w: ReportWindow): Promise<MacroOutcomes[]> {
    return tx.query(
      `SELECT macro_id, event_at >= $2 AS cur, count(*) AS outcomes, count(*) FILTER (WHERE resolved) AS resolved,
              count(*) FILTER (WHERE attribution IN ('agent', 'applied')) AS applied,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_resolution_seconds)
                FILTER (WHERE resolved AND time_to_resolution_seconds IS NOT NULL) AS median_ttr
       FROM outcomes x WHERE event_at >= $1 AND event_at < $3 AND (event_at >= $2 OR event_at < $4) AND ${rowInPack('x')}
       GROUP BY macro_id, cur`,
      withPack(w),
    );
  }

  /** Agents' overrides, by the macro they chose. */
  overridesByMacro(tx: Tx, w: ReportWindow): Promise<MacroCounts[]> {
    return tx.query(
      `SELECT macro_id, count(*) FILTER (WHERE created_at >= $2) AS cur, count(*) FILTER (WHERE created_at < $2) AS prev
       FROM triage_overrides x WHERE created_at >= $1 AND created_at < $3 AND (created_at >= $2 OR created_at < $4) AND macro_id IS NOT NULL
         AND ${ticketOfRowInPack('x')}
       GROUP BY macro_id`,
      withPacks(w),
    );
  }

  /** Outcomes by symptom of the ticket and macro credited. */
  outcomesBySymptomAndMacro(tx: Tx, w: ReportWindow): Promise<SymptomFixOutcomes[]> {
    return tx.query(
      `SELECT s.id AS symptom_id, o.macro_id, o.event_at >= $2 AS cur, count(*) AS outcomes, count(*) FILTER (WHERE o.resolved) AS resolved
       FROM outcomes o CROSS JOIN LATERAL (SELECT DISTINCT unnest(o.symptom_ids)) AS s(id)
       WHERE o.event_at >= $1 AND o.event_at < $3 AND (o.event_at >= $2 OR o.event_at < $4) AND ${rowInPack('o')} GROUP BY 1, 2, 3`,
      withPack(w),
    );
  }

  /** Triaged tickets received in each week, by the engine's cause, with how many an agent overrode and how many needed review. */
  triagedByCause(tx: Tx, w: ReportWindow): Promise<CauseQuality[]> {
    return tx.query(
      `SELECT tr.cause_id, t.created_at >= $2 AS cur, count(*) AS tickets, count(t.override_id) AS overridden,
              count(*) FILTER (WHERE t.decision = 'review') AS review
       FROM tickets t JOIN triage_results tr ON tr.id = t.latest_triage_id
       WHERE t.created_at >= $1 AND t.created_at < $3 AND (t.created_at >= $2 OR t.created_at < $4) AND ${rowInPack('tr')} GROUP BY 1, 2`,
      withPack(w),
    );
  }

  /**
   * Satisfaction ratings, as the helpdesks' webhooks stored them: each ticket's last rating in the week, credited
   * to the fix its outcome names (none when no fix could be credited).
   */
  ratingsByMacro(tx: Tx, w: ReportWindow): Promise<MacroRatings[]> {
    return tx.query(
      `SELECT macro_id, cur, count(*) FILTER (WHERE kind = 'csat_good') AS good, count(*) FILTER (WHERE kind = 'csat_bad') AS bad
       FROM (SELECT DISTINCT ON (ticket_id, event_at >= $2) macro_id, kind, event_at >= $2 AS cur
             FROM outcome_signals x
             WHERE event_at >= $1 AND event_at < $3 AND (event_at >= $2 OR event_at < $4) AND kind IN ('csat_good', 'csat_bad')
               AND ${ticketOfRowInPack('x')}
             ORDER BY ticket_id, event_at >= $2, event_at DESC) last_rating
       GROUP BY 1, 2`,
      withPacks(w),
    );
  }

  /**
   * 2- and 3-word phrases of this week's `other` tickets (subject and description) found in two tickets or more,
   * counted once per ticket, most frequent first (at most 200); phrases holding one of `stopWords`, a number or a
   * single letter are left out.
   */
  otherPhrases(tx: Tx, w: ReportWindow, stopWords: string[]): Promise<PhraseRow[]> {
    return tx.query(
      `WITH docs AS (
         SELECT t.id, regexp_split_to_array(lower(t.subject || ' ' || t.description), '[^[:alnum:]]+') AS words
         FROM tickets t JOIN triage_results tr ON tr.id = t.latest_triage_id
         WHERE t.created_at >= $1 AND t.created_at < $2 AND tr.cause_id = 'other' AND ($4::varchar = '*' OR tr.pack_id = $4::varchar)
       ), tokens AS (
         SELECT d.id, w.word, w.i, (length(w.word) < 2 OR w.word ~ '^[0-9]+$' OR w.word = ANY($3)) AS stop
         FROM docs d CROSS JOIN LATERAL unnest(d.words) WITH ORDINALITY AS w(word, i) WHERE w.word <> ''
       ), grams AS (
         SELECT id, word, stop,
                lead(word, 1) OVER win AS w2, lead(stop, 1) OVER win AS s2,
                lead(word, 2) OVER win AS w3, lead(stop, 2) OVER win AS s3
         FROM tokens WINDOW win AS (PARTITION BY id ORDER BY i)
       ), phrases AS (
         SELECT id, word || ' ' || w2 AS phrase, 2 AS words FROM grams WHERE NOT stop AND NOT s2
         UNION ALL
         SELECT id, word || ' ' || w2 || ' ' || w3, 3 FROM grams WHERE NOT stop AND NOT s2 AND NOT s3
       )
       SELECT phrase, words, count(DISTINCT id) AS tickets FROM phrases GROUP BY phrase, words
       HAVING count(DISTINCT id) >= 2 ORDER BY tickets DESC, words DESC, phrase LIMIT 200`,
      [w.bounds[1], w.bounds[2], stopWords, w.pack],
    );
  }
}

/** The week bounds and $5, the pack. */
function withPack(w: ReportWindow): unknown[] {
  return [...w.bounds, w.pack];
}

/** The week bounds, $5 the pack and $6 the default pack, for conditions on a ticket's pack. */
function withPacks(w: ReportWindow): unknown[] {
  return [...withPack(w), w.defaultPack];
}
