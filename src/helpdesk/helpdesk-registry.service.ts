import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../platform/config/app-config.service';
import type { Helpdesk } from '../platform/queue/queues';
import { ApiRateLimiter } from './api-rate-limiter';
import { FreshdeskClient } from './freshdesk.client';
import type { HelpdeskClient } from './helpdesk-client';
import { ZendeskClient } from './zendesk.client';

/** Raised before an API call the helpdesk's per-minute budget has no room for. */
export class RateBudgetSpent extends Error {
  constructor(readonly waitMs: number) {
    super(`helpdesk API budget spent; next call in ${waitMs} ms`);
  }
}

/** The write-back clients, one per configured helpdesk, each call counted against a shared rate limit. */
@Injectable()
export class HelpdeskRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(HelpdeskRegistry.name);
  private readonly clients = new Map<Helpdesk, HelpdeskClient | null>();
  private redis?: Redis;

  constructor(private readonly config: AppConfig) {}

  /** The client for a helpdesk, or null when write-back to it is off (no credentials). */
  client(helpdesk: Helpdesk): HelpdeskClient | null {
    if (!this.clients.has(helpdesk)) this.clients.set(helpdesk, this.build(helpdesk));
    return this.clients.get(helpdesk) ?? null;
  }

  isEnabled(helpdesk: Helpdesk): boolean {
    return helpdesk === 'zendesk'
      ? Boolean(this.config.get('ZENDESK_URL') && this.config.get('ZENDESK_EMAIL') && this.config.get('ZENDESK_API_TOKEN'))
      : Boolean(this.config.get('FRESHDESK_URL') && this.config.get('FRESHDESK_API_KEY'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private build(helpdesk: Helpdesk): HelpdeskClient | null {
    if (!this.isEnabled(helpdesk)) return null;
    const dryRun = this.config.get('WRITEBACK_DRY_RUN');
    const common = {
      timeoutMs: this.config.get('HELPDESK_TIMEOUT_MS'),
      fetch: this.rateLimitedFetch(helpdesk),
      dryRunLog: dryRun ? (line: object) => this.logger.log({ helpdesk, ...line }, 'write-back dry run') : undefined,
    };
    if (helpdesk === 'zendesk') {
      return new ZendeskClient({
        baseUrl: this.config.get('ZENDESK_URL')!,
        email: this.config.get('ZENDESK_EMAIL')!,
        apiToken: this.config.get('ZENDESK_API_TOKEN')!,
        ...common,
      });
    }
    return new FreshdeskClient({ baseUrl: this.config.get('FRESHDESK_URL')!, apiKey: this.config.get('FRESHDESK_API_KEY')!, ...common });
  }

  /** fetch that takes one call from the helpdesk's budget first: the limit counts API calls, not jobs. */
  private rateLimitedFetch(helpdesk: Helpdesk): typeof fetch {
    this.redis ??= new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: 3, lazyConnect: false });
    const perMinute =
      helpdesk === 'zendesk' ? this.config.get('ZENDESK_RATE_LIMIT_PER_MINUTE') : this.config.get('FRESHDESK_RATE_LIMIT_PER_MINUTE');
    const limiter = new ApiRateLimiter(this.redis, `${this.config.get('QUEUE_PREFIX')}:api-budget:${helpdesk}`, perMinute);
    return async (input, init) => {
      const waitMs = await limiter.take();
      if (waitMs > 0) throw new RateBudgetSpent(waitMs);
      return fetch(input, init);
    };
  }
}
