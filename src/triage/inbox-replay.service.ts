import { Injectable } from '@nestjs/common';
import { PipelineService } from '../pipeline/pipeline.service';
import { InboxReplayRepository } from './inbox-replay.repository';

/** Failed inbox events go back to pending and on the queue (an admin's replay, e.g. after a fix). */
@Injectable()
export class InboxReplayService {
  constructor(
    private readonly events: InboxReplayRepository,
    private readonly pipeline: PipelineService,
  ) {}

  async replayFailed(limit: number): Promise<number> {
    const rows = await this.events.resetFailedEvents(limit);
    if (rows.length === 0) return 0;
    await this.events.markTicketsQueued(rows.map((r) => r.ticket_id));
    for (const { id } of rows) await this.pipeline.replayTriage(id);
    return rows.length;
  }
}
