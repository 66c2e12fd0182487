import type { Queue } from 'bullmq';
import { JobFailure, JobQueue } from './job-queue';
import { QueueName } from './queues';

const INBOX = '00000000-0000-4000-8000-000000000001';
const WRITEBACK = '00000000-0000-4000-8000-0000000000aa';

function portOverFakeQueues() {
  const queues = new Map<string, { add: jest.Mock; addBulk: jest.Mock }>();
  const port = new JobQueue((name) => {
    if (!queues.has(name)) queues.set(name, { add: jest.fn(), addBulk: jest.fn() });
    return queues.get(name) as unknown as Queue;
  });
  return { port, queue: (name: string) => queues.get(name)! };
}

describe('JobQueue', () => {
  it("adds a job on its queue under the id of its row, with the queue's attempts, backoff and retention", async () => {
    const { port, queue } = portOverFakeQueues();
    await port.enqueue({ name: 'triage', data: { inboxId: INBOX } });
    await port.enqueue({ name: 'writeback', data: { writebackId: WRITEBACK, helpdesk: 'freshdesk' } });
    expect(queue(QueueName.Triage).add).toHaveBeenCalledWith(
      'triage',
      { inboxId: INBOX },
      { jobId: INBOX, attempts: 4, backoff: { type: 'exponential', delay: 500 }, removeOnComplete: true, removeOnFail: expect.any(Object) },
    );
    expect(queue('writeback-freshdesk').add).toHaveBeenCalledWith(
      'writeback',
      { writebackId: WRITEBACK, helpdesk: 'freshdesk' },
      expect.objectContaining({ jobId: WRITEBACK, attempts: 8, backoff: { type: 'exponential', delay: 2000 } }),
    );
  });

  it('adds many jobs with one call per queue, and a given id and attempts over the defaults', async () => {
    const { port, queue } = portOverFakeQueues();
    await port.enqueueMany([
      { item: { name: 'triage-batch', data: { inboxIds: [INBOX] } }, jobId: 'batch-1' },
      { item: { name: 'triage', data: { inboxId: INBOX } }, attempts: 3 },
    ]);
    const [jobs] = queue(QueueName.Triage).addBulk.mock.calls[0];
    expect(jobs).toEqual([
      expect.objectContaining({ name: 'triage-batch', opts: expect.objectContaining({ jobId: 'batch-1', attempts: 4 }) }),
      expect.objectContaining({ name: 'triage', opts: expect.objectContaining({ jobId: INBOX, attempts: 3 }) }),
    ]);
  });

  it('refuses a payload when the job is created', async () => {
    const { port } = portOverFakeQueues();
    await expect(port.enqueue({ name: 'triage', data: { inboxId: 'not-a-uuid' } })).rejects.toThrow(/UUID/);
  });

  it('refuses to start a queue whose job names lack a handler', () => {
    const { port } = portOverFakeQueues();
    port.handle('triage', { run: async () => ({ status: 'triaged' }) });
    expect(() => port.startWorkers()).toThrow(/triage has no handler for triage-batch/);
  });

  it('makes a permanent failure an error the queue does not retry', () => {
    expect(JobFailure.isPermanent(JobFailure.permanent('gone'))).toBe(true);
    expect(JobFailure.isPermanent(JobFailure.retryLater(10))).toBe(false);
    expect(JobFailure.isPermanent(new Error('flaky'))).toBe(false);
  });
});
