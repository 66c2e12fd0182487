import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TriageResult } from '../engine';
import { AppConfig } from '../platform/config/app-config.service';
import { type Helpdesk, UnknownHelpdeskError } from '../platform/queue/helpdesks';
import { JobFailure } from '../platform/queue/job-queue';
import { HelpdeskHttpError } from './helpdesk-client';
import { HelpdeskRegistry, RateBudgetSpent } from './helpdesk-registry.service';
import { NOTE_MARKER_PREFIX, renderNote, triageTags, writebackGate } from './note-renderer';

interface WritebackRow {
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

/**
 * A retry the helpdesk asked for (429, `rate_limited`) or the shared budget imposes (`throttled`): wait, without
 * counting an attempt.
 */
export class WaitBeforeRetry extends Error {
  constructor(
    readonly waitMs: number,
    readonly reason: 'rate_limited' | 'throttled',
  ) {
    super(reason === 'rate_limited' ? `helpdesk asks to wait ${waitMs} ms` : `helpdesk API budget spent; waiting ${waitMs} ms`);
  }
}

/** What a write-back run did: wrote, found it written already, or only logged the calls (WRITEBACK_DRY_RUN). */
export type WritebackRun = 'done' | 'already-done' | 'dry-run';

/**
 * Writes a triage back to its helpdesk: tags, then one private note. Each step is recorded when done, and the
 * note carries a marker that is looked for before writing, so retries and crashes never write it twice.
 */
@Injectable()
export class WritebackService {
  private readonly logger = new Logger(WritebackService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: HelpdeskRegistry,
    private readonly config: AppConfig,
  ) {}

  async run(writebackId: string): Promise<WritebackRun> {
    const [row]: WritebackRow[] = await this.db.query(
      `SELECT w.id, w.helpdesk, w.state, w.tags_done_at, w.note_done_at, w.triage_result_id, w.ticket_id,
              t.external_id, r.result, r.cause_id, r.macro_id
       FROM writebacks w JOIN tickets t ON t.id = w.ticket_id JOIN triage_results r ON r.id = w.triage_result_id
       WHERE w.id = $1`,
      [writebackId],
    );
    if (!row) throw JobFailure.permanent(`write-back ${writebackId} does not exist`);
    if (row.state === 'done') return 'already-done';
    const adapter = this.adapterOf(row);
    const client = this.registry.client(adapter.id);
    if (!client) throw JobFailure.permanent(`write-back to ${row.helpdesk} is off (no credentials)`);

    try {
      if (!row.tags_done_at) {
        await client.addTags(row.external_id, triageTags(row.result, this.config.get('HELPDESK_TAG_PREFIX')));
        await this.db.query('UPDATE writebacks SET tags_done_at = now(), updated_at = now() WHERE id = $1', [row.id]);
      }
      if (!row.note_done_at) {
        if (await this.sameAsLastNote(row)) {
          this.logger.debug({ writebackId }, 'diagnosis unchanged since the last note; no new note');
        } else {
          const marker = `${NOTE_MARKER_PREFIX}${row.triage_result_id}`;
          if (!(await client.hasNoteWithMarker(row.external_id, marker))) {
            await client.addPrivateNote(row.external_id, renderNote(row.result, { marker, format: adapter.noteFormat }));
          }
        }
        await this.db.query('UPDATE writebacks SET note_done_at = now(), updated_at = now() WHERE id = $1', [row.id]);
      }
    } catch (err) {
      throw this.classify(err);
    }
    await this.db.query(
      `UPDATE writebacks SET state = 'done', attempts = attempts + 1, last_error = NULL, updated_at = now() WHERE id = $1`,
      [row.id],
    );
    return this.config.get('WRITEBACK_DRY_RUN') ? 'dry-run' : 'done';
  }

  async recordFailure(writebackId: string, error: string, final: boolean): Promise<void> {
    await this.db.query(
      `UPDATE writebacks SET attempts = attempts + 1, last_error = $2,
              state = CASE WHEN $3 THEN 'failed' ELSE state END, updated_at = now()
       WHERE id = $1 AND state = 'pending'`,
      [writebackId, error.slice(0, 4000), final],
    );
  }

  /** A row naming no helpdesk of HELPDESKS cannot be written back by another attempt. */
  private adapterOf(row: WritebackRow) {
    try {
      return this.registry.adapter(row.helpdesk);
    } catch (err) {
      if (err instanceof UnknownHelpdeskError) throw JobFailure.permanent(`write-back ${row.id}: ${err.message}`);
      throw err;
    }
  }

  /** A re-triage that reached the same cause, macro and decision as the last note written adds tags only. */
  private async sameAsLastNote(row: WritebackRow): Promise<boolean> {
    const [previous]: { cause_id: string; macro_id: string; result: TriageResult }[] = await this.db.query(
      `SELECT r.cause_id, r.macro_id, jsonb_build_object('decision', r.result->'decision', 'band', r.result->'band') AS result
       FROM writebacks w JOIN triage_results r ON r.id = w.triage_result_id
       WHERE w.ticket_id = $1 AND w.id <> $2 AND w.note_done_at IS NOT NULL
       ORDER BY w.note_done_at DESC LIMIT 1`,
      [row.ticket_id, row.id],
    );
    return Boolean(
      previous &&
      previous.cause_id === row.cause_id &&
      previous.macro_id === row.macro_id &&
      writebackGate(previous.result).decision === writebackGate(row.result).decision,
    );
  }

  /** 429 and a spent budget wait; 5xx, 409 and timeouts retry with backoff; other 4xx give up. */
  private classify(err: unknown): Error {
    const budget = err instanceof RateBudgetSpent ? err : (err as { cause?: unknown })?.cause;
    if (budget instanceof RateBudgetSpent) return new WaitBeforeRetry(budget.waitMs, 'throttled');
    if (err instanceof HelpdeskHttpError) {
      if (err.status === 429) return new WaitBeforeRetry(Math.max(1, err.retryAfterSeconds ?? 60) * 1000, 'rate_limited');
      if (!err.retryable) return JobFailure.permanent(err.message);
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}
