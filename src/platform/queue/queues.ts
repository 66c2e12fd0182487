import type { JobsOptions } from 'bullmq';

/** Every queue of the service. Adding one without its settings below does not compile. */
export enum QueueName {
  Triage = 'triage',
  /** One write-back queue per helpdesk, each with its own rate limit. */
  WritebackZendesk = 'writeback-zendesk',
  WritebackFreshdesk = 'writeback-freshdesk',
  /** Weekly fix-effectiveness reports, started by a BullMQ job scheduler (made once across replicas). */
  Reports = 'reports',
}

export type Helpdesk = 'zendesk' | 'freshdesk';

export const WRITEBACK_QUEUE: Record<Helpdesk, QueueName> = {
  zendesk: QueueName.WritebackZendesk,
  freshdesk: QueueName.WritebackFreshdesk,
};

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
  [QueueName.WritebackZendesk]: writebackSettings(),
  [QueueName.WritebackFreshdesk]: writebackSettings(),
  [QueueName.Reports]: {
    concurrency: 1,
    attempts: 3,
    backoff: { type: 'exponential', delay: 30_000 },
    lockDurationMs: 10 * 60_000,
    removeOnComplete: { age: 30 * 24 * 3600, count: 1000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 1000 },
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
}

export type JobName = keyof JobPayloads;

export function defaultJobOptions(queue: QueueName): JobsOptions {
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
      if (!(p.helpdesk in WRITEBACK_QUEUE)) throw new Error(`writeback job for unknown helpdesk ${p.helpdesk}`);
      return payload;
    }
    case 'weekly-report': {
      const p = payload as JobPayloads['weekly-report'];
      if (p.isoWeek !== undefined && !/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/.test(p.isoWeek)) {
        throw new Error(`weekly-report job needs an ISO week like 2026-W47, got ${p.isoWeek}`);
      }
      return payload;
    }
    default:
      throw new Error(`unknown job name ${String(name)}`);
  }
}
