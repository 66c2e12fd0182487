import type { PipelineService } from '../pipeline/pipeline.service';
import type { InboxReplayRepository, ReplayedEvent } from './inbox-replay.repository';
import { InboxReplayService } from './inbox-replay.service';

/** Failed inbox events (oldest first) and the tickets set queued again. */
class FakeFailedEvents implements Pick<InboxReplayRepository, keyof InboxReplayRepository> {
  failed: ReplayedEvent[] = [];
  readonly queuedTickets: string[] = [];

  resetFailedEvents(limit: number): Promise<ReplayedEvent[]> {
    const reset = this.failed.slice(0, limit);
    this.failed = this.failed.slice(limit);
    return Promise.resolve(reset);
  }

  markTicketsQueued(ticketIds: string[]): Promise<void> {
    this.queuedTickets.push(...ticketIds);
    return Promise.resolve();
  }
}

function setup() {
  const events = new FakeFailedEvents();
  const replayed: string[] = [];
  const pipeline = { replayTriage: (id: string) => Promise.resolve(void replayed.push(id)) } as unknown as PipelineService;
  return { events, replayed, service: new InboxReplayService(events as unknown as InboxReplayRepository, pipeline) };
}

describe('InboxReplayService', () => {
  it('puts up to `limit` failed events back on the queue and their tickets back to queued', async () => {
    const { events, replayed, service } = setup();
    events.failed = [
      { id: 'e1', ticket_id: 't1' },
      { id: 'e2', ticket_id: 't2' },
      { id: 'e3', ticket_id: 't3' },
    ];

    expect(await service.replayFailed(2)).toBe(2);
    expect(replayed).toEqual(['e1', 'e2']);
    expect(events.queuedTickets).toEqual(['t1', 't2']);
    expect(events.failed).toEqual([{ id: 'e3', ticket_id: 't3' }]);
  });

  it('answers 0 and queues nothing when no event failed', async () => {
    const { events, replayed, service } = setup();

    expect(await service.replayFailed(100)).toBe(0);
    expect(replayed).toEqual([]);
    expect(events.queuedTickets).toEqual([]);
  });
});
