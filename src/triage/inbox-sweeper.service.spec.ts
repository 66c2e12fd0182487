import { Logger } from '@nestjs/common';
import type { WritebackService } from '../helpdesk/writeback.service';
import type { PipelineService } from '../pipeline/pipeline.service';
import type { AppConfig } from '../platform/config/app-config.service';
import type { JobQueue } from '../platform/queue/job-queue';
import { QueueName, WRITEBACK_QUEUE, type Helpdesk } from '../platform/queue/queues';
import type { InboxSweeperRepository, PageStart, StaleInboxEvent, StaleWriteback, SweptTable } from './inbox-sweeper.repository';
import { InboxSweeperService } from './inbox-sweeper.service';
import type { TriageService } from './triage.service';

/** The stale pending rows, read oldest first after the page start, as the repository pages them. */
class FakeStaleRows implements Pick<InboxSweeperRepository, keyof InboxSweeperRepository> {
  readonly inbox: StaleInboxEvent[] = [];
  readonly writebacks: StaleWriteback[] = [];
  /** Rows no longer pending by the time the sweeper reads them again. */
  readonly settled = new Set<string>();
  readonly pagesRead: (PageStart | null)[] = [];

  addEvent(id: string, batchJobId: string | null = null): void {
    this.inbox.push({ id, batch_job_id: batchJobId, at: `2026-11-20 10:00:${String(this.inbox.length).padStart(6, '0')}+00` });
  }

  addWriteback(id: string, helpdesk: Helpdesk): void {
    this.writebacks.push({ id, helpdesk, at: `2026-11-20 10:00:${String(this.writebacks.length).padStart(6, '0')}+00` });
  }

  staleInboxEvents(_olderThanSeconds: number, limit: number, after: PageStart | null): Promise<StaleInboxEvent[]> {
    this.pagesRead.push(after);
    return Promise.resolve(this.page(this.inbox, limit, after));
  }

  staleWritebacks(_olderThanSeconds: number, limit: number, after: PageStart | null): Promise<StaleWriteback[]> {
    return Promise.resolve(this.page(this.writebacks, limit, after));
  }

  stillPending(_table: SweptTable, ids: string[]): Promise<Set<string>> {
    return Promise.resolve(new Set(ids.filter((id) => !this.settled.has(id))));
  }

  private page<R extends { id: string; at: string }>(rows: R[], limit: number, after: PageStart | null): R[] {
    const later = after ? rows.filter((r) => r.at > after.at || (r.at === after.at && r.id > after.id)) : rows;
    return later.filter((r) => !this.settled.has(r.id)).slice(0, limit);
  }
}

/** What Redis holds: a job per `queue:id`, failed for good or not. */
class FakeJobs {
  readonly jobs = new Map<string, { failedReason?: string }>();

  add(queue: QueueName, id: string, failedReason?: string): void {
    this.jobs.set(`${queue}:${id}`, { failedReason });
  }

  getJob(queue: QueueName, id: string) {
    const job = this.jobs.get(`${queue}:${id}`);
    return Promise.resolve(job && { failedReason: job.failedReason, isFailed: () => Promise.resolve(job.failedReason !== undefined) });
  }
}

function setup() {
  const rows = new FakeStaleRows();
  const jobs = new FakeJobs();
  const enqueued: string[] = [];
  const failures: string[] = [];
  const pipeline = {
    enqueueTriage: (id: string) => Promise.resolve(void enqueued.push(`triage ${id}`)),
    enqueueWriteback: (id: string, helpdesk: Helpdesk) => Promise.resolve(void enqueued.push(`writeback ${id} ${helpdesk}`)),
  } as unknown as PipelineService;
  const triage = {
    recordFailure: (id: string, reason: string, final: boolean) =>
      Promise.resolve(void failures.push(`event ${id}: ${reason} (final: ${final})`)),
  } as unknown as TriageService;
  const writebacks = {
    recordFailure: (id: string, reason: string, final: boolean) =>
      Promise.resolve(void failures.push(`writeback ${id}: ${reason} (final: ${final})`)),
  } as unknown as WritebackService;
  const config = { get: (key: string) => ({ INBOX_SWEEP_SECONDS: 60 })[key] } as unknown as AppConfig;
  const sweeper = new InboxSweeperService(
    rows as unknown as InboxSweeperRepository,
    writebacks,
    pipeline,
    jobs as unknown as JobQueue,
    triage,
    config,
  );
  return { rows, jobs, enqueued, failures, sweeper };
}

describe('InboxSweeperService', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  it('puts stale events and write-backs whose jobs Redis lost back on their queues', async () => {
    const { rows, enqueued, sweeper } = setup();
    rows.addEvent('e1');
    rows.addWriteback('w1', 'zendesk');
    rows.addWriteback('w2', 'freshdesk');

    expect(await sweeper.sweep()).toBe(3);
    expect(enqueued).toEqual(['triage e1', 'writeback w1 zendesk', 'writeback w2 freshdesk']);
  });

  it('leaves a row whose job is still queued or running', async () => {
    const { rows, jobs, enqueued, sweeper } = setup();
    rows.addEvent('e1');
    rows.addWriteback('w1', 'zendesk');
    jobs.add(QueueName.Triage, 'e1');
    jobs.add(WRITEBACK_QUEUE.zendesk, 'w1');

    expect(await sweeper.sweep()).toBe(0);
    expect(enqueued).toEqual([]);
  });

  it('records the failure of a job that failed for good without its failure reaching the database', async () => {
    const { rows, jobs, enqueued, failures, sweeper } = setup();
    rows.addEvent('e1');
    rows.addWriteback('w1', 'zendesk');
    jobs.add(QueueName.Triage, 'e1', 'worker died');
    jobs.add(WRITEBACK_QUEUE.zendesk, 'w1', '');

    await sweeper.sweep();

    expect(failures).toEqual(['event e1: worker died (final: true)', 'writeback w1: failed (final: true)']);
    expect(enqueued).toEqual([]);
  });

  it('leaves events to their batch job while it lives, and requeues them one by one once it failed', async () => {
    const { rows, jobs, enqueued, sweeper } = setup();
    rows.addEvent('e1', 'batch-1');
    rows.addEvent('e2', 'batch-1');
    rows.addEvent('e3', 'batch-2');
    jobs.add(QueueName.Triage, 'batch-1');
    jobs.add(QueueName.Triage, 'batch-2', 'failed for good');

    expect(await sweeper.sweep()).toBe(1);
    expect(enqueued).toEqual(['triage e3']);
  });

  it('does not requeue a row that stopped being pending while its job was looked up', async () => {
    const { rows, enqueued, sweeper } = setup();
    rows.addEvent('e1');
    rows.addEvent('e2');
    const read = rows.staleInboxEvents.bind(rows);
    jest.spyOn(rows, 'staleInboxEvents').mockImplementation(async (...args) => {
      const page = await read(...args);
      // e1's job finished between the page's read and its lookup.
      rows.settled.add('e1');
      return page;
    });

    expect(await sweeper.sweep()).toBe(1);
    expect(enqueued).toEqual(['triage e2']);
  });

  it('pages through every stale row in one pass, each page starting after the last row of the one before', async () => {
    const { rows, enqueued, sweeper } = setup();
    for (let i = 0; i < 1200; i++) rows.addEvent(`e${String(i).padStart(4, '0')}`);

    expect(await sweeper.sweep()).toBe(1200);
    expect(new Set(enqueued).size).toBe(1200);
    expect(rows.pagesRead).toEqual([null, { at: rows.inbox[499].at, id: 'e0499' }, { at: rows.inbox[999].at, id: 'e0999' }]);
  });
});
