import { AppConfig } from '../src/platform/config/app-config.service';
import { RedisThrottlerStorage } from '../src/platform/auth/redis-throttler.storage';

function storageFor(redisUrl: string): RedisThrottlerStorage {
  const values: Record<string, string> = { REDIS_URL: redisUrl, QUEUE_PREFIX: process.env.QUEUE_PREFIX ?? '{rl-test}' };
  return new RedisThrottlerStorage({ get: (key: string) => values[key] } as unknown as AppConfig);
}

const waitReady = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A storage on this run's Redis, connected (given a moment to), and closed after `body`. */
async function withStorage(body: (storage: RedisThrottlerStorage) => Promise<void>): Promise<void> {
  const storage = storageFor(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    await waitReady(100);
    await body(storage);
  } finally {
    await storage.onApplicationShutdown();
  }
}

describe('rate-limit counters in Redis', () => {
  it('lets a key through up to its limit, then blocks it until the block ends', async () => {
    await withStorage(async (storage) => {
      const key = `test:${Date.now()}`;
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await storage.increment(key, 60_000, 3, 300, 'default'));
      expect(answers.map((a) => a.isBlocked)).toEqual([false, false, false, true]);
      expect(answers[2].totalHits).toBe(3);
      expect(answers[3].timeToBlockExpire).toBeGreaterThan(0);
      // Blocked requests stay blocked; past the block, the window is still over its limit, so the key is blocked again.
      expect((await storage.increment(key, 60_000, 3, 300, 'default')).isBlocked).toBe(true);
      await waitReady(350);
      const after = await storage.increment(key, 60_000, 3, 300, 'default');
      expect(after.isBlocked).toBe(true);
      const fresh = await storage.increment(`${key}:other`, 60_000, 3, 300, 'default');
      expect(fresh).toMatchObject({ isBlocked: false, totalHits: 1 });
    });
  });

  it('counts the hits of one turn with one call, each as it would count alone, in arrival order', async () => {
    await withStorage(async (storage) => {
      const key = `turn:${Date.now()}`;
      // Five requests of one event-loop turn against a limit of 3.
      const answers = await Promise.all(Array.from({ length: 5 }, () => storage.increment(key, 60_000, 3, 300, 'default')));
      expect(answers.map((a) => a.totalHits)).toEqual([1, 2, 3, 4, 5]);
      expect(answers.map((a) => a.isBlocked)).toEqual([false, false, false, true, true]);
      expect(answers[3].timeToBlockExpire).toBeGreaterThan(0);
      expect(answers[0].timeToBlockExpire).toBe(0);
      // The next turn finds the key blocked; another key in the same turn has its own count.
      const [next, other] = await Promise.all([
        storage.increment(key, 60_000, 3, 300, 'default'),
        storage.increment(`${key}:other`, 60_000, 3, 300, 'default'),
      ]);
      expect(next.isBlocked).toBe(true);
      expect(other).toMatchObject({ isBlocked: false, totalHits: 1 });
    });
  });

  it('starts a new window when the old one ends', async () => {
    await withStorage(async (storage) => {
      const key = `window:${Date.now()}`;
      await storage.increment(key, 200, 1, 200, 'default');
      expect((await storage.increment(key, 200, 1, 200, 'default')).isBlocked).toBe(true);
      await waitReady(260);
      expect(await storage.increment(key, 200, 1, 200, 'default')).toMatchObject({ isBlocked: false, totalHits: 1 });
    });
  });

  it('lets requests through, without waiting, while Redis does not answer', async () => {
    const storage = storageFor('redis://127.0.0.1:1');
    try {
      const started = Date.now();
      const answer = await storage.increment('any', 60_000, 1, 60_000, 'default');
      expect(answer.isBlocked).toBe(false);
      expect((await storage.increment('any', 60_000, 1, 60_000, 'default')).isBlocked).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await storage.onApplicationShutdown();
    }
  });
});
