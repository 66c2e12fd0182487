import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Helpdesk } from '../platform/queue/helpdesks';

/** Where the next page starts: the last row's time, as Postgres wrote it (microseconds kept), and id. */
export interface PageStart {
  at: string;
  id: string;
}

/** A pending inbox event: `batch_job_id` names the job of the events accepted with it. */
export interface StaleInboxEvent {
  id: string;
  batch_job_id: string | null;
  at: string;
}

export interface StaleWriteback {
  id: string;
  helpdesk: Helpdesk;
  at: string;
}

/** The tables whose pending rows the sweeper puts back on their queue. */
export type SweptTable = 'inbox_events' | 'writebacks';

/** The sweeper's reads: rows pending longer than a while, oldest first, a page at a time, and which are still pending. */
@Injectable()
export class InboxSweeperRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Inbox events received more than `olderThanSeconds` ago and still pending, after `after`. */
  staleInboxEvents(olderThanSeconds: number, limit: number, after: PageStart | null): Promise<StaleInboxEvent[]> {
    return this.db.query(
      `SELECT id, batch_job_id, received_at::text AS at FROM inbox_events
           WHERE state = 'pending' AND received_at < now() - make_interval(secs => $1)
             AND ($3::timestamptz IS NULL OR (received_at, id) > ($3, $4::uuid))
           ORDER BY received_at, id LIMIT $2`,
      [olderThanSeconds, limit, after?.at ?? null, after?.id ?? null],
    );
  }

  /** Write-backs created more than `olderThanSeconds` ago and still pending, after `after`. */
  staleWritebacks(olderThanSeconds: number, limit: number, after: PageStart | null): Promise<StaleWriteback[]> {
    return this.db.query(
      `SELECT id, helpdesk, created_at::text AS at FROM writebacks
           WHERE state = 'pending' AND created_at < now() - make_interval(secs => $1)
             AND ($3::timestamptz IS NULL OR (created_at, id) > ($3, $4::uuid))
           ORDER BY created_at, id LIMIT $2`,
      [olderThanSeconds, limit, after?.at ?? null, after?.id ?? null],
    );
  }

  /** Which of these rows of `table` are pending now. */
  async stillPending(table: SweptTable, ids: string[]): Promise<Set<string>> {
    const pending: { id: string }[] = await this.db.query(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[]) AND state = 'pending'`, [
      ids,
    ]);
    return new Set(pending.map((r) => r.id));
  }
}
