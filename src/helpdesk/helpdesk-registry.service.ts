import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import type { AuthVerdict, EarlyAuthenticator } from '../platform/auth/authenticate-first';
import { AppConfig } from '../platform/config/app-config.service';
import { HELPDESKS, type Helpdesk } from '../platform/queue/helpdesks';
import type { HelpdeskAdapter } from './adapters/helpdesk-adapter';
import { adapterOf, HELPDESK_ADAPTERS, helpdeskAdapters, HelpdeskAdapters, verifyWebhook } from './adapters/helpdesk-adapters';
import { ApiRateLimiter } from './api-rate-limiter';
import type { HelpdeskClient } from './helpdesk-client';

/** Raised before an API call the helpdesk's per-minute budget has no room for. */
export class RateBudgetSpent extends Error {
  constructor(readonly waitMs: number) {
    super(`helpdesk API budget spent; next call in ${waitMs} ms`);
  }
}

/**
 * The helpdesk adapters with the configuration applied: write-back clients (one per configured helpdesk, each
 * call counted against a shared rate limit) and webhook authenticators. A source that names no helpdesk is refused
 * with UnknownHelpdeskError.
 */
@Injectable()
export class HelpdeskRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(HelpdeskRegistry.name);
  private readonly adapters: HelpdeskAdapters;
  private readonly clients = new Map<Helpdesk, HelpdeskClient | null>();
  private readonly authenticators = new Map<Helpdesk, EarlyAuthenticator>();
  private redis?: Redis;

  constructor(
    private readonly config: AppConfig,
    // The record itself when no module provides the token: it is one constant either way.
    @Optional() @Inject(HELPDESK_ADAPTERS) adapters?: HelpdeskAdapters,
  ) {
    this.adapters = adapters ?? helpdeskAdapters;
  }

  /** The adapter of the helpdesk a source names, or UnknownHelpdeskError. */
  adapter(source: unknown): HelpdeskAdapter {
    return adapterOf(this.adapters, source);
  }

  /** The client for a helpdesk, or null when write-back to it is off (no credentials). */
  client(helpdesk: Helpdesk): HelpdeskClient | null {
    const adapter = this.adapter(helpdesk);
    if (!this.clients.has(adapter.id)) this.clients.set(adapter.id, this.build(adapter));
    return this.clients.get(adapter.id) ?? null;
  }

  isEnabled(helpdesk: Helpdesk): boolean {
    const { url, credentials } = this.adapter(helpdesk).settings;
    return [url, ...credentials].every((key) => Boolean(this.config.get(key)));
  }

  /** How each helpdesk's webhooks authenticate, as configured: checked before any body is parsed. */
  webhookAuthenticators(): EarlyAuthenticator[] {
    return HELPDESKS.map((helpdesk) => this.webhookAuthenticator(helpdesk));
  }

  /** Checks a webhook's credentials again where the route has its raw body, so a route never serves an unchecked one. */
  verifyWebhook(helpdesk: Helpdesk, req: FastifyRequest, rawBody: Buffer): Promise<AuthVerdict> {
    return verifyWebhook(this.webhookAuthenticator(helpdesk), req, rawBody);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }

  private webhookAuthenticator(helpdesk: Helpdesk): EarlyAuthenticator {
    const adapter = this.adapter(helpdesk);
    let authenticator = this.authenticators.get(adapter.id);
    if (!authenticator) {
      authenticator = adapter.webhookAuthenticator(this.config);
      this.authenticators.set(adapter.id, authenticator);
    }
    return authenticator;
  }

  private build(adapter: HelpdeskAdapter): HelpdeskClient | null {
    const helpdesk = adapter.id;
    if (!this.isEnabled(helpdesk)) return null;
    const dryRun = this.config.get('WRITEBACK_DRY_RUN');
    return adapter.createClient(this.config, {
      timeoutMs: this.config.get('HELPDESK_TIMEOUT_MS'),
      fetch: this.rateLimitedFetch(adapter),
      dryRunLog: dryRun ? (line: object) => this.logger.log({ helpdesk, ...line }, 'write-back dry run') : undefined,
    });
  }

  /** fetch that takes one call from the helpdesk's budget first: the limit counts API calls, not jobs. */
  private rateLimitedFetch(adapter: HelpdeskAdapter): typeof fetch {
    this.redis ??= new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: 3, lazyConnect: false });
    const perMinute = this.config.get(adapter.settings.rateLimitPerMinute);
    const limiter = new ApiRateLimiter(this.redis, `${this.config.get('QUEUE_PREFIX')}:api-budget:${adapter.id}`, perMinute);
    return async (input, init) => {
      const waitMs = await limiter.take();
      if (waitMs > 0) throw new RateBudgetSpent(waitMs);
      return fetch(input, init);
    };
  }
}
