import { Injectable, Logger } from '@nestjs/common';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { isDataError } from '../platform/errors/error-mapping';
import { MicroBatcher } from '../platform/database/micro-batcher';
import { Transactions } from '../platform/database/transactions';
import { HelpdeskRegistry } from '../helpdesk/helpdesk-registry.service';
import { isHelpdesk } from '../platform/queue/helpdesks';
import { JobFailure } from '../platform/queue/job-queue';
import type { TriageOutcome } from '../platform/queue/queues';
import { EngineService } from './engine.service';
import { InboxRow, Stored, Triaged, TriageRepository } from './triage.repository';

/** Triages loaded or stored by one statement at most. */
const MAX_BATCH = 64;
/** Triage is background work: waiting up to 5 ms for more jobs' loads and stores buys fewer, larger statements. */
const LINGER_MS = 5;

/** What a triage did; its write-back is the job the pipeline enqueues next. */
export type ProcessOutcome = TriageOutcome;

@Injectable()
export class TriageService {
  private readonly logger = new Logger(TriageService.name);

  constructor(
    private readonly store: TriageRepository,
    private readonly transactions: Transactions,
    private readonly engine: EngineService,
    private readonly helpdesks: HelpdeskRegistry,
    private readonly fixStats: FixStatsService,
  ) {}

  private readonly loads = new MicroBatcher<string, InboxRow | null>((ids) => this.store.loadInboxEvents(ids, this.engine.routesByTags), {
    maxBatch: MAX_BATCH,
    maxInFlight: 4,
    lingerMs: LINGER_MS,
  });

  private readonly stores = new MicroBatcher<Triaged, Stored>((items) => this.storeBatch(items), {
    maxBatch: MAX_BATCH,
    maxInFlight: 4,
    lingerMs: LINGER_MS,
    keyOf: (item) => item.row.ticket_id,
    itemError: isDataError,
  });

  /**
   * Triages one inbox event. Running it twice stores one result: the inbox id is the result's unique key.
   * The loads and stores of jobs running at the same time share statements (see TriageRepository.storeTriages).
   */
  async processInboxEvent(inboxId: string): Promise<ProcessOutcome> {
    const row = await this.loads.submit(inboxId);
    if (!row) throw JobFailure.permanent(`inbox event ${inboxId} does not exist`);
    if (row.state === 'processed') {
      // A retry after the store committed but its ticket could not be settled (see storeBatch).
      await this.store.settleQueued([row.ticket_id]);
      return { status: 'already-processed' };
    }

    const { payload } = row;
    const packId = this.engine.route({ source: row.source, tags: [...(row.ticket_tags ?? []), ...(payload.tags ?? [])] });
    const learned = await this.fixStats.snapshot(packId);
    const output = this.engine.triage(
      { subject: payload.subject, description: payload.description, requester: payload.requester ?? undefined },
      learned,
      undefined,
      packId,
    );
    const symptomIds = [...new Set(output.symptoms.map((s) => s.id))];
    const helpdesk = isHelpdesk(row.source) && this.helpdesks.isEnabled(row.source) ? row.source : null;
    const stored = await this.stores.submit({ row, output, symptomIds, helpdesk });
    const writeback = stored.writeback_id && helpdesk ? { writebackId: stored.writeback_id, helpdesk } : undefined;
    return { status: 'triaged', causeId: output.cause.id, confidence: output.cause.confidence, decision: output.decision, writeback };
  }

  private async storeBatch(items: Triaged[]): Promise<(Stored | Error)[]> {
    const rows = await this.store.storeTriages(items);
    const queued = rows.flatMap((r) => (r.still_queued ? [items[r.ord].row.ticket_id] : []));
    // Settled after the store committed (TriageRepository.settleQueued). Its failure fails the jobs of the stored
    // events: their results are kept, and the retries find the events processed and settle the ticket then (a job
    // that waits out a database outage, too).
    if (queued.length > 0) await this.store.settleQueued(queued);
    const byOrd = new Map(rows.map((r) => [r.ord, r]));
    return items.map((_, ord) => byOrd.get(ord) ?? new Error('triage store returned no row for an event'));
  }

  /** Records a failed attempt; on the last one the event and the ticket's triage end `failed`. */
  async recordFailure(inboxId: string, error: string, final: boolean): Promise<void> {
    await this.transactions.run(async (tx) => {
      const ticketId = await this.store.recordAttemptFailure(tx, inboxId, error, final);
      if (final && ticketId) await this.store.failTicketTriage(tx, ticketId, error);
    });
    if (final) this.logger.error({ inboxId, error }, 'triage failed for good');
  }
}
