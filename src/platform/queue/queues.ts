import type { TriageDecision } from '../../engine';
import { assertUnreachable } from '../errors/domain-error';
import { HELPDESKS, Helpdesk, isHelpdesk, perHelpdesk } from './helpdesks';

export type { Helpdesk } from './helpdesks';

/** The write-back queue of each helpdesk (`writeback-zendesk` ...): one per helpdesk, each with its own rate limit. */
export type WritebackQueueName = `writeback-${Helpdesk}`;

export function writebackQueueName<H extends Helpdesk>(helpdesk: H): `writeback-${H}` {
  return `writeback-${helpdesk}`;
}

/** `WritebackZendesk: 'writeback-zendesk'` ..., one per entry of HELPDESKS. */
type WritebackQueueNames = { readonly [H in Helpdesk as `Writeback${Capitalize<H>}`]: `writeback-${H}` };

const WRITEBACK_QUEUE_NAMES = Object.fromEntries(
  HELPDESKS.map((helpdesk) => [`Writeback${helpdesk[0].toUpperCase()}${helpdesk.slice(1)}`, writebackQueueName(helpdesk)]),
) as WritebackQueueNames;

/** Every queue of the service. Adding one without its settings below does not compile. */
export const QueueName = {
  Triage: 'triage',
  ...WRITEBACK_QUEUE_NAMES,
  /** Weekly fix-effectiveness reports, started by a BullMQ job scheduler (made once across replicas). */
  Reports: 'reports',
  /** Daily upkeep (the retention pass), started by a job scheduler like the reports. */
  Maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const WRITEBACK_QUEUE: Readonly<Record<Helpdesk, WritebackQueueName>> = perHelpdesk(writebackQueueName);

/**
 * How long a worker holds a job before another may take it over (a worker that died mid-job). Read when the
 * processors are declared, so it comes from the environment directly; validated with the rest at boot.
 */
const LOCK_MS = Number(process.env.JOB_LOCK_SECONDS || 30) * 1000;

export interface QueueSettings {
  concurrency: number;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  lockDurationMs: number;
  /** true: a finished job leaves Redis at once (its record is in Postgres). */
  removeOnComplete: true | { age: number; count: number };
  removeOnFail: { age: number; count: number };
}

function writebackSettings(): Required<QueueSettings> {
  return {
    concurrency: 4,
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000 },
    lockDurationMs: Math.max(LOCK_MS, 60_000),
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/** Every helpdesk's write-back queue is declared alike. */
const WRITEBACK_QUEUE_SETTINGS = Object.fromEntries(Object.values(WRITEBACK_QUEUE).map((queue) => [queue, writebackSettings()])) as Record<
  WritebackQueueName,
  Required<QueueSettings>
>;

export const QUEUE_SETTINGS: Record<QueueName, Required<QueueSettings>> = {
  [QueueName.Triage]: {
    concurrency: 64,
    attempts: 4,
    backoff: { type: 'exponential', delay: 500 },
    lockDurationMs: LOCK_MS,
    // The stored triage is the record; keeping finished jobs would cost Redis a trim on every completion.
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  },
  ...WRITEBACK_QUEUE_SETTINGS,
  [QueueName.Reports]: {
    concurrency: 1,
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    lockDurationMs: 10 * 60_000,
    removeOnComplete: { age: 30 * 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 1000 },
  },
  [QueueName.Maintenance]: {
    concurrency: 1,
    attempts: 3,
    backoff: { type: 'exponential', delay: 60_000 },
    lockDurationMs: 10 * 60_000,
    removeOnComplete: { age: 30 * 24 * 3600, count: 100 },
    removeOnFail: { age: 30 * 24 * 3600, count: 100 },
  },
};

/** Job payloads keyed by job name: a payload cannot be enqueued under the wrong name. */
export interface JobPayloads {
  triage: { inboxId: string };
  /** Events accepted together, triaged by one job (see PipelineService). */
  'triage-batch': { inboxIds: string[] };
  writeback: { writebackId: string; helpdesk: Helpdesk };
  /** Without isoWeek: the previous ISO week in REPORT_TIMEZONE at the time the job runs. */
  'weekly-report': { isoWeek?: string };
  /** The daily retention pass (see RetentionScheduler). */
  retention: Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** A job as the port takes and hands it over: its name says what its data is. */
export type JobItem = { [N in JobName]: { name: N; data: JobPayloads[N] } }[JobName];

/** A stored triage that leads to a write-back on the helpdesk's queue. */
export interface WritebackRef {
  writebackId: string;
  helpdesk: Helpdesk;
}

/** What a triage job did; `writeback` is the job the pipeline enqueues next. */
export interface TriageOutcome {
  status: 'triaged' | 'already-processed';
  causeId?: string;
  /** The named cause's confidence, 0..1. */
  confidence?: number;
  decision?: TriageDecision;
  writeback?: WritebackRef;
}

/** What each job's handler answers, keyed by job name: the pipeline chains the next job from it. */
export interface JobOutcomes {
  triage: TriageOutcome;
  /** The events triaged, and those whose triage failed: each of those gets a "triage" job of its own. */
  'triage-batch': { triaged: TriageOutcome[]; retryAlone: string[] };
  writeback: 'done' | 'already-done' | 'dry-run';
  'weekly-report': { isoWeek: string; durationMs: number; delivered: boolean };
  /** Late triage results erased, and tickets erased for their age. */
  retention: { lateResults: number; tickets: number };
}

/** A finished job with its outcome, as the pipeline receives it. */
export type JobDone = { [N in JobName]: { name: N; data: JobPayloads[N]; outcome: JobOutcomes[N] } }[JobName];

/** The queue each job runs on: write-backs on their helpdesk's own. */
export function queueOf(item: JobItem): QueueName {
  switch (item.name) {
    case 'triage':
    case 'triage-batch':
      return QueueName.Triage;
    case 'writeback':
      return WRITEBACK_QUEUE[item.data.helpdesk];
    case 'weekly-report':
      return QueueName.Reports;
    case 'retention':
      return QueueName.Maintenance;
    default:
      return assertUnreachable(item);
  }
}

/** The job names each queue runs: a worker refuses to start without a handler for each. */
export const QUEUE_JOBS: Readonly<Record<QueueName, readonly JobName[]>> = {
  [QueueName.Triage]: ['triage', 'triage-batch'],
  ...(Object.fromEntries(Object.values(WRITEBACK_QUEUE).map((queue): [string, readonly JobName[]] => [queue, ['writeback']])) as Record<
    WritebackQueueName,
    readonly JobName[]
  >),
  [QueueName.Reports]: ['weekly-report'],
  [QueueName.Maintenance]: ['retention'],
};

/** The job id an item gets unless one is given: the row it works on, so a queued job is never doubled. */
export function defaultJobId(item: JobItem): string | undefined {
  switch (item.name) {
    case 'triage':
      return item.data.inboxId;
    case 'writeback':
      return item.data.writebackId;
    case 'triage-batch': // its id is written on the rows of the batch by the intake
    case 'weekly-report': // made by the job scheduler
    case 'retention':
      return undefined;
    default:
      return assertUnreachable(item);
  }
}

/** Attempts, backoff and retention of a queue's jobs. */
export function defaultJobOptions(queue: QueueName): Pick<QueueSettings, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'> {
  const s = QUEUE_SETTINGS[queue];
  return {
    attempts: s.attempts,
    backoff: s.backoff,
    removeOnComplete: s.removeOnComplete,
    removeOnFail: s.removeOnFail,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks a payload when it is created, not only when it is processed. */
export function validatePayload<N extends JobName>(name: N, payload: JobPayloads[N]): JobPayloads[N] {
  switch (name) {
    case 'triage': {
      const p = payload as JobPayloads['triage'];
      if (!UUID.test(p.inboxId)) throw new Error(`triage job needs a UUID inboxId, got ${p.inboxId}`);
      return payload;
    }
    case 'triage-batch': {
      const p = payload as JobPayloads['triage-batch'];
      if (!Array.isArray(p.inboxIds) || p.inboxIds.length === 0 || !p.inboxIds.every((id) => UUID.test(id))) {
        throw new Error('triage-batch job needs a non-empty list of UUID inboxIds');
      }
      return payload;
    }
    case 'writeback': {
      const p = payload as JobPayloads['writeback'];
      if (!UUID.test(p.writebackId)) throw new Error(`writeback job needs a UUID writebackId, got ${p.writebackId}`);
      if (!isHelpdesk(p.helpdesk)) throw new Error(`writeback job for unknown helpdesk ${p.helpdesk}`);
      return payload;
    }
    case 'weekly-report': {
      const p = payload as JobPayloads['weekly-report'];
      if (p.isoWeek !== undefined && !/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(p.isoWeek)) {
        throw new Error(`weekly-report job needs an ISO week like 2026-W47, got ${p.isoWeek}`);
      }
      return payload;
    }
    case 'retention':
      if (Object.keys(payload).length > 0) throw new Error('retention job takes no data');
      return payload;
    default:
      return assertUnreachable(name);
  }
}
