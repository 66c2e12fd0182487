import type Redis from 'ioredis';

/**
 * Sliding one-minute window of API calls per helpdesk, kept in Redis so every worker shares it.
 * Returns 0 when a call may go now (and counts it), else the milliseconds until one may.
 */
const SLIDING_WINDOW = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

const WINDOW_MS = 60_000;

export class ApiRateLimiter {
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly perMinute: number,
  ) {}

  /** Takes one call from the budget; returns 0, or how long to wait when the budget is spent. */
  async take(): Promise<number> {
    this.seq = (this.seq + 1) % 1_000_000;
    const member = `${Date.now()}-${process.pid}-${this.seq}-${Math.random().toString(36).slice(2, 8)}`;
    const wait = await this.redis.eval(SLIDING_WINDOW, 1, this.key, Date.now(), WINDOW_MS, this.perMinute, member);
    return Number(wait);
  }
}
