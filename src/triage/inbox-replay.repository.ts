import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** An inbox event put back to pending, and its ticket. */
export interface ReplayedEvent {
  id: string;
  ticket_id: string;
}

/** The statements of an admin's replay of failed inbox events. */
@Injectable()
export class InboxReplayRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The `limit` oldest failed inbox events go back to pending with no attempts spent. */
  async resetFailedEvents(limit: number): Promise<ReplayedEvent[]> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [ReplayedEvent[], number] = await this.db.query(
      `UPDATE inbox_events SET state = 'pending', attempts = 0, last_error = NULL
       WHERE id IN (SELECT id FROM inbox_events WHERE state = 'failed' ORDER BY received_at LIMIT $1)
       RETURNING id, ticket_id`,
      [limit],
    );
    return rows;
  }

  /** The tickets' triage is queued again, its error cleared. */
  async markTicketsQueued(ticketIds: string[]): Promise<void> {
    await this.db.query(`UPDATE tickets SET triage_state = 'queued', triage_error = NULL WHERE id = ANY($1)`, [ticketIds]);
  }
}
