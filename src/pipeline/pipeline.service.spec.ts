import type { EnqueueRequest, JobQueue } from '../platform/queue/job-queue';
import { PipelineService } from './pipeline.service';

const INBOX = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const WRITEBACK = '00000000-0000-4000-8000-0000000000aa';

function pipelineWithFakeQueue() {
  const batches: EnqueueRequest[][] = [];
  const jobs = {
    enqueueMany: jest.fn(async (requests: EnqueueRequest[]) => void batches.push([...requests])),
    enqueue: jest.fn(async () => undefined),
    retryFailed: jest.fn(async () => false),
  };
  return { pipeline: new PipelineService(jobs as unknown as JobQueue), jobs, batches };
}

describe('PipelineService', () => {
  it('adds the triage jobs of events accepted in one turn together', async () => {
    const { pipeline, batches } = pipelineWithFakeQueue();
    expect(await Promise.all(INBOX.map((id) => pipeline.eventAccepted(id)))).toEqual([true, true]);
    expect(batches).toEqual([INBOX.map((inboxId) => ({ item: { name: 'triage', data: { inboxId } } }))]);
  });

  it('chains a write-back from a triage that stored one, and nothing from one that did not', async () => {
    const { pipeline, batches } = pipelineWithFakeQueue();
    const writeback = { writebackId: WRITEBACK, helpdesk: 'zendesk' as const };
    await pipeline.next({ name: 'triage', data: { inboxId: INBOX[0] }, outcome: { status: 'triaged', writeback } });
    await pipeline.next({ name: 'triage', data: { inboxId: INBOX[1] }, outcome: { status: 'already-processed' } });
    expect(batches).toEqual([[{ item: { name: 'writeback', data: writeback } }], []]);
  });

  it("gives a batch's failed event a triage job of its own, with one attempt fewer", async () => {
    const { pipeline, batches } = pipelineWithFakeQueue();
    await pipeline.next({
      name: 'triage-batch',
      data: { inboxIds: INBOX },
      outcome: { triaged: [{ status: 'triaged' }], retryAlone: [INBOX[1]] },
    });
    expect(batches).toEqual([[{ item: { name: 'triage', data: { inboxId: INBOX[1] } }, attempts: 3 }]]);
  });

  it('replays a failed job kept in Redis rather than adding another', async () => {
    const { pipeline, jobs } = pipelineWithFakeQueue();
    jobs.retryFailed.mockResolvedValueOnce(true);
    await pipeline.replayTriage(INBOX[0]);
    expect(jobs.enqueue).not.toHaveBeenCalled();
    await pipeline.replayTriage(INBOX[1]);
    expect(jobs.enqueue).toHaveBeenCalledWith({ name: 'triage', data: { inboxId: INBOX[1] } });
  });
});
