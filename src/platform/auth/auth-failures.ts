import type { ThrottlerStorage } from '@nestjs/throttler';

export const AUTH_FAILURE_WINDOW_MS = 60_000;

/**
 * Failed authentications per client address, counted in the shared rate-limit storage (every replica counts
 * against the same limit). Past the limit the address is refused for a window; a valid key or signature is
 * never counted, so it is never refused.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly limitPerMinute: number,
  ) {}

  /** Counts one failure of `address`; answers the seconds to wait when it is past the limit, else 0. */
  async fail(address: string): Promise<number> {
    const record = await this.storage.increment(
      `authfail:${address}`,
      AUTH_FAILURE_WINDOW_MS,
      this.limitPerMinute,
      AUTH_FAILURE_WINDOW_MS,
      'auth-failures',
    );
    return record.isBlocked ? Math.max(1, record.timeToBlockExpire) : 0;
  }
}
