import { Injectable, Logger } from '@nestjs/common';
import { AuditService, addressHash } from '../audit/audit.service';
import { Transactions, type Tx } from '../platform/database/transactions';
import { JobQueue } from '../platform/queue/job-queue';
import { QueueName, WRITEBACK_QUEUE } from '../platform/queue/queues';
import { ErasureRepository, type TextColumn, type TicketCondition } from './erasure.repository';
import { identifierPattern, identifiersOf, identifierWords, scrub } from './personal-text';

/** Tickets erased per transaction. */
const BATCH = 200;

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
    private readonly store: ErasureRepository,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly jobs: JobQueue,
  ) {}

  /** DELETE /v1/requesters/:email: every ticket whose requester has this address, in any case. */
  async eraseRequester(email: string, actor: string): Promise<ErasureResult> {
    const address = email.trim().toLowerCase();
    const result = await this.eraseWhere(this.store.requesterCondition(address), [email]);
    await this.audit.record({ actor, action: 'requester.erase', target: addressHash(address), details: { tickets: result.tickets } });
    return result;
  }

  /** RETENTION_DAYS: tickets created more than `days` days ago, not erased yet. */
  async eraseOlderThan(days: number, actor = 'retention'): Promise<ErasureResult> {
    const result = await this.eraseWhere(this.store.olderThanCondition(days));
    // Reports of weeks that ended before the horizon quote only tickets older than it.
    const cleared = await this.store.clearReportPhrasesOlderThan(days);
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
      const batch = await this.transactions.run(async (tx) => {
        const rows = await this.store.lockTickets(tx, condition, BATCH);
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
  eraseLateResults(): Promise<number> {
    return this.store.eraseLateTriageTexts();
  }

  /** Returns the queue job ids that may hold these tickets' data. */
  private async eraseTickets(tx: Tx, ids: string[], identifiers: string[]): Promise<string[]> {
    await this.store.eraseTicketText(tx, ids);
    await this.store.eraseInboxPayloads(tx, ids);
    await this.store.eraseTriageTexts(tx, ids);
    await this.eraseReportPhrases(tx, identifiers);
    await this.scrubTextColumns(tx, ids, identifiers);
    return this.store.jobIdsOf(tx, ids);
  }

  /** Phrases of stored weekly reports that hold a word of the person's address or name. */
  private async eraseReportPhrases(tx: Tx, identifiers: string[]): Promise<void> {
    const words = identifierWords(identifiers);
    if (words.length === 0) return;
    await this.store.eraseReportPhrasesHolding(tx, words);
  }

  /**
   * Every other text or JSON column of the tickets' rows (override reasons, outcome notes, errors, write-back
   * notes and shadow records, columns added later) loses the person's address and name.
   */
  private async scrubTextColumns(tx: Tx, ids: string[], identifiers: string[]): Promise<void> {
    const pattern = identifierPattern(identifiers);
    if (!pattern) return;
    for (const c of await this.discoverTextColumns()) {
      for (const row of await this.store.columnValues(tx, c, ids)) {
        const { value, changed } = scrub(row.value, pattern);
        if (!changed) continue;
        await this.store.updateColumnValue(tx, c, row.id, value);
      }
    }
  }

  /** Text and JSON columns of the tickets table and of every table keyed by ticket_id (and with an id). */
  private discoverTextColumns(): Promise<TextColumn[]> {
    this.textColumns ??= this.store.textColumns().catch((err: unknown) => {
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
