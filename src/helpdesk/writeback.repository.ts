import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriageResult } from '../engine';
import type { Helpdesk } from '../platform/queue/helpdesks';

/** A write-back with what it writes: its ticket's id at the helpdesk and the triage it reports. */
export interface WritebackRow {
  id: string;
  helpdesk: Helpdesk;
  state: 'pending' | 'done' | 'failed';
  tags_done_at: Date | null;
  note_done_at: Date | null;
  triage_result_id: string;
  ticket_id: string;
  external_id: string;
  result: TriageResult;
  cause_id: string;
  macro_id: string;
}

/** The triage behind the last note written on a ticket: its cause, macro, and the result's decision and band. */
export interface LastNote {
  cause_id: string;
  macro_id: string;
  result: TriageResult;
}

/** The `writebacks` table: each write-back's steps as they are done, its attempts and its outcome. */
@Injectable()
export class WritebackRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async find(writebackId: string): Promise<WritebackRow | undefined> {
    const [row]: WritebackRow[] = await this.db.query(
      `SELECT w.id, w.helpdesk, w.state, w.tags_done_at, w.note_done_at, w.triage_result_id, w.ticket_id,
              t.external_id, r.result, r.cause_id, r.macro_id
       FROM writebacks w JOIN tickets t ON t.id = w.ticket_id JOIN triage_results r ON r.id = w.triage_result_id
       WHERE w.id = $1`,
      [writebackId],
    );
    return row;
  }

  async markTagsDone(writebackId: string): Promise<void> {
    await this.db.query('UPDATE writebacks SET tags_done_at = now(), updated_at = now() WHERE id = $1', [writebackId]);
  }

  async markNoteDone(writebackId: string): Promise<void> {
    await this.db.query('UPDATE writebacks SET note_done_at = now(), updated_at = now() WHERE id = $1', [writebackId]);
  }

  /** The write-back succeeded: the attempt counts, and an earlier attempt's error is cleared. */
  async markDone(writebackId: string): Promise<void> {
    await this.db.query(
      `UPDATE writebacks SET state = 'done', attempts = attempts + 1, last_error = NULL, updated_at = now() WHERE id = $1`,
      [writebackId],
    );
  }

  /** A failed attempt of a pending write-back; `final`: none is left, the write-back has failed. */
  async recordFailure(writebackId: string, error: string, final: boolean): Promise<void> {
    await this.db.query(
      `UPDATE writebacks SET attempts = attempts + 1, last_error = $2,
              state = CASE WHEN $3 THEN 'failed' ELSE state END, updated_at = now()
       WHERE id = $1 AND state = 'pending'`,
      [writebackId, error, final],
    );
  }

  /** The last note written on the ticket by a write-back other than this one, if any. */
  /**
   * Whether the result is still its ticket's latest triage (a newer event's triage replaces it), and whether an
   * earlier write-back of the ticket already wrote tags (only then can the helpdesk hold stale service tags).
   */
  async tagState(ticketId: string, triageResultId: string): Promise<{ latest: boolean; earlierTags: boolean }> {
    const [row]: { latest: boolean; earlier_tags: boolean }[] = await this.db.query(
      `SELECT t.latest_triage_id = $2 AS latest,
              EXISTS (SELECT 1 FROM writebacks w
                      WHERE w.ticket_id = $1 AND w.triage_result_id <> $2 AND w.tags_done_at IS NOT NULL) AS earlier_tags
       FROM tickets t WHERE t.id = $1`,
      [ticketId, triageResultId],
    );
    return { latest: row?.latest === true, earlierTags: row?.earlier_tags === true };
  }

  async lastNoteBefore(ticketId: string, writebackId: string): Promise<LastNote | undefined> {
    const [previous]: LastNote[] = await this.db.query(
      `SELECT r.cause_id, r.macro_id, jsonb_build_object('decision', r.result->'decision', 'band', r.result->'band') AS result
       FROM writebacks w JOIN triage_results r ON r.id = w.triage_result_id
       WHERE w.ticket_id = $1 AND w.id <> $2 AND w.note_done_at IS NOT NULL
       ORDER BY w.note_done_at DESC LIMIT 1`,
      [ticketId, writebackId],
    );
    return previous;
  }
}
