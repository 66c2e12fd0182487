import { Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config.service';

/**
 * One window per key and limit: the first hit starts it, a hit past the limit blocks the key until the block
 * ends. Counts ARGV[4] hits at once (the requests of one event-loop turn). Answers { hits, ms left in the
 * window, blocked (0/1), ms left in the block, hits before these ones (-1: the key was already blocked) }.
 */
const FIXED_WINDOW = `
local hits_key, block_key = KEYS[1], KEYS[2]
local ttl, limit, block, n = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local blocked_for = redis.call('PTTL', block_key)
if blocked_for > 0 then
  return { limit + 1, math.max(redis.call('PTTL', hits_key), 0), 1, blocked_for, -1 }
end
local hits = redis.call('INCRBY', hits_key, n)
if hits == n then redis.call('PEXPIRE', hits_key, ttl) end
local left = redis.call('PTTL', hits_key)
if left < 0 then redis.call('PEXPIRE', hits_key, ttl); left = ttl end
if hits > limit then
  redis.call('SET', block_key, '1', 'PX', block)
  return { hits, left, 1, block, hits - n }
end
return { hits, left, 0, 0, hits - n }
`;

type WindowAnswer = [number, number, number, number, number];
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

interface HitGroup {
  key: string;
  ttl: number;
  limit: number;
  block: number;
  waiting: ((record: ThrottlerStorageRecord) => void)[];
}

/**
 * Rate-limit counters in Redis, so that every API replica counts against the same limit. The hits of one
 * event-loop turn on the same key and limit are counted by one call (under load, one round trip serves many
 * requests), and each request gets the count it would have had alone, in arrival order. While Redis cannot
 * answer, requests are let through (and a warning is logged): intake must not depend on the limiter.
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly redis: Redis & { throttleWindow(...args: (string | number)[]): Promise<WindowAnswer> };
  private readonly prefix: string;
  private lastWarning = 0;
  /** This turn's hits, by key and limit; counted together at the end of the turn. */
  private turn = new Map<string, HitGroup>();

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

  increment(key: string, ttl: number, limit: number, blockDuration: number, _throttler?: string): Promise<ThrottlerStorageRecord> {
    const block = blockDuration || ttl;
    const id = `${key}\u0000${ttl}\u0000${limit}\u0000${block}`;
    return new Promise((resolve) => {
      let group = this.turn.get(id);
      if (!group) {
        if (this.turn.size === 0) setImmediate(() => this.countTurn());
        group = { key, ttl, limit, block, waiting: [] };
        this.turn.set(id, group);
      }
      group.waiting.push(resolve);
    });
  }

  private countTurn(): void {
    const groups = [...this.turn.values()];
    this.turn = new Map();
    for (const group of groups) void this.count(group);
  }

  private async count({ key, ttl, limit, block, waiting }: HitGroup): Promise<void> {
    try {
      const base = this.prefix + key;
      const [, left, , blockLeft, before] = await this.redis.throttleWindow(
        `${base}:hits`,
        `${base}:block`,
        ttl,
        limit,
        block,
        waiting.length,
      );
      waiting.forEach((resolve, i) => {
        // Already blocked: every hit is refused. Otherwise the i-th hit of the turn counts as before + i + 1.
        const totalHits = before < 0 ? limit + 1 : before + i + 1;
        const isBlocked = totalHits > limit;
        resolve({
          totalHits,
          timeToExpire: Math.ceil(left / 1000),
          isBlocked,
          timeToBlockExpire: isBlocked ? Math.ceil(blockLeft / 1000) : 0,
        });
      });
    } catch (err) {
      this.warn(err as Error);
      for (const resolve of waiting) resolve({ totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 });
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
