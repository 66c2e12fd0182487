import type { RedisOptions } from 'bullmq';

/** BullMQ connection options for a redis:// or rediss:// URL. */
export function redisConnection(url: string): RedisOptions {
  // Workers need maxRetriesPerRequest null; the intake bounds its own wait on enqueue.
  return { url, maxRetriesPerRequest: null };
}
