import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config.service';

/**
 * One window per key and limit: the first hit starts it, a hit past the limit blocks the key until the block
 * ends. Answers { hits, ms left in the window, blocked (0/1), ms left in the block }.
 */
const FIXED_WINDOW = `
local hits_key, block_key = KEYS[1], KEYS[2]
local ttl, limit, block = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blocked_for = redis.call('PTTL', block_key)
if blocked_for > 0 then
  return { limit + 1, math.max(redis.call('PTTL', hits_key), 0), 1, blocked_for }
end
local hits = redis.call('INCR', hits_key)
if hits == 1 then redis.call('PEXPIRE', hits_key, ttl) end
local left = redis.call('PTTL', hits_key)
if left < 0 then redis.call('PEXPIRE', hits_key, ttl); left = ttl end
if hits > limit then
  redis.call('SET', block_key, '1', 'PX', block)
  return { hits, left, 1, block }
end
return { hits, left, 0, 0 }
`;

type WindowAnswer = [number, number, number, number];
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in Redis, so that every API replica counts against the same limit, at one round trip
 * and constant cost per request. While Redis cannot answer, requests are let through (and a warning is
 * logged): intake must not depend on the limiter.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis & { throttleWindow(...args: (string | number)[]): Promise<WindowAnswer> };
  private readonly prefix: string;
  private lastWarning = 0;

  constructor(config: AppConfig) {
    this.prefix = `${config.get('QUEUE_PREFIX')}:ratelimit:`;
    // No offline queue and a short timeout: a request never waits on a Redis that is away.
    this.redis = new Redis(config.get('REDIS_URL'), {
      enableOfflineQueue: false,
      commandTimeout: 250,
      maxRetriesPerRequest: 0,
      enableAutoPipelining: true,
      connectionName: 'triage-ratelimit',
    }) as RedisThrottlerStorage['redis'];
    this.redis.on('error', (err: Error) => this.warn(err));
    this.redis.defineCommand('throttleWindow', { numberOfKeys: 2, lua: FIXED_WINDOW });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, _throttler?: string): Promise<ThrottlerStorageRecord> {
    try {
      const base = this.prefix + key;
      const [hits, left, blocked, blockLeft] = await this.redis.throttleWindow(`${base}:hits`, `${base}:block`, ttl, limit, blockDuration || ttl);
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(left / 1000),
        isBlocked: blocked === 1,
        timeToBlockExpire: Math.ceil(blockLeft / 1000),
      };
    } catch (err) {
      this.warn(err as Error);
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private warn(err: Error): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn({ err }, 'rate limits not counted: Redis did not answer; requests pass unlimited meanwhile');
  }
}

/** Holds the storage, so that the throttler module can be given it and the application closes it. */
@Module({ providers: [RedisThrottlerStorage], exports: [RedisThrottlerStorage] })
export class RateLimitStorageModule {}
