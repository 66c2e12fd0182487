import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PipelineService } from '../pipeline/pipeline.service';

/** Failed inbox events go back to pending and on the queue (an admin's replay, e.g. after a fix). */
@Injectable()
export class InboxReplayService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly pipeline: PipelineService,
  ) {}

  async replayFailed(limit: number): Promise<number> {
    const [rows]: [{ id: string; ticket_id: string }[], number] = await this.db.query(
      `UPDATE inbox_events SET state = 'pending', attempts = 0, last_error = NULL
       WHERE id IN (SELECT id FROM inbox_events WHERE state = 'failed' ORDER BY received_at LIMIT $1)
       RETURNING id, ticket_id`,
      [limit],
    );
    if (rows.length === 0) return 0;
    await this.db.query(`UPDATE tickets SET triage_state = 'queued', triage_error = NULL WHERE id = ANY($1)`, [
      rows.map((r) => r.ticket_id),
    ]);
    for (const { id } of rows) await this.pipeline.replayTriage(id);
    return rows.length;
  }
}
