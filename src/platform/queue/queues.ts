import type { JobsOptions } from 'bullmq';

/** Every queue of the service. Adding one without its settings below does not compile. */
export enum QueueName {
  Triage = 'triage',
}

export interface QueueSettings {
  concurrency: number;
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delay: number };
  lockDurationMs: number;
  removeOnComplete: { age: number; count: number };
  removeOnFail: { age: number; count: number };
}

export const QUEUE_SETTINGS: Record<QueueName, Required<QueueSettings>> = {
  [QueueName.Triage]: {
    concurrency: 8,
    attempts: 4,
    backoff: { type: 'exponential', delay: 500 },
    lockDurationMs: 30_000,
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  },
};

/** Job payloads keyed by job name: a payload cannot be enqueued under the wrong name. */
export interface JobPayloads {
  triage: { inboxId: string };
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  triage: QueueName.Triage,
};

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
    case 'triage':
      if (!UUID.test(payload.inboxId)) throw new Error(`triage job needs a UUID inboxId, got ${payload.inboxId}`);
      return payload;
    default:
      throw new Error(`unknown job name ${String(name)}`);
  }
}
