import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { UnknownHelpdeskError } from '../platform/queue/helpdesks';
import { JobFailure } from '../platform/queue/job-queue';
import { HelpdeskHttpError } from './helpdesk-client';
import { HelpdeskRegistry, RateBudgetSpent } from './helpdesk-registry.service';
import { isServiceTag, NOTE_MARKER_PREFIX, renderNote, triageTags, writebackGate } from './note-renderer';
import { WritebackRepository, type WritebackRow } from './writeback.repository';

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
 * Writes a triage back to its helpdesk: the service's tags (replacing those of earlier triages), then one private note. Each step is recorded when done, and the
 * note carries a marker that is looked for before writing, so retries and crashes never write it twice.
 */
@Injectable()
export class WritebackService {
  private readonly logger = new Logger(WritebackService.name);

  constructor(
    private readonly writebacks: WritebackRepository,
    private readonly registry: HelpdeskRegistry,
    private readonly config: AppConfig,
  ) {}

  async run(writebackId: string): Promise<WritebackRun> {
    const row = await this.writebacks.find(writebackId);
    if (!row) throw JobFailure.permanent(`write-back ${writebackId} does not exist`);
    if (row.state === 'done') return 'already-done';
    const adapter = this.adapterOf(row);
    const client = this.registry.client(adapter.id);
    if (!client) throw JobFailure.permanent(`write-back to ${row.helpdesk} is off (no credentials)`);

    try {
      if (!row.tags_done_at) {
        // The service's tags follow the latest triage: a re-triage's stale cause, verdict, band and symptoms go
        // (read from the helpdesk, one more call, only when an earlier write-back of the ticket wrote tags). The
        // write-back of an older triage that runs after a newer one's (a retry) leaves the newer tags alone.
        const prefix = this.config.get('HELPDESK_TAG_PREFIX');
        const tags = triageTags(row.result, prefix);
        const { latest, earlierTags } = await this.writebacks.tagState(row.ticket_id, row.triage_result_id);
        if (latest && earlierTags) await client.setServiceTags(row.external_id, tags, (tag) => isServiceTag(tag, prefix));
        else if (latest) await client.addTags(row.external_id, tags);
        await this.writebacks.markTagsDone(row.id);
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
        await this.writebacks.markNoteDone(row.id);
      }
    } catch (err) {
      throw this.classify(err);
    }
    await this.writebacks.markDone(row.id);
    return this.config.get('WRITEBACK_DRY_RUN') ? 'dry-run' : 'done';
  }

  async recordFailure(writebackId: string, error: string, final: boolean): Promise<void> {
    await this.writebacks.recordFailure(writebackId, error.slice(0, 4000), final);
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
    const previous = await this.writebacks.lastNoteBefore(row.ticket_id, row.id);
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
