import { timingSafeEqual } from 'node:crypto';
import { FreshdeskWebhookDocs } from '../webhooks/webhook-openapi';
import { mapFreshdeskWebhook } from '../webhooks/freshdesk-webhook.mapper';
import type { AuthVerdict, EarlyAuthenticator } from '../../platform/auth/authenticate-first';
import type { AppConfig } from '../../platform/config/app-config.service';
import { writebackQueueName } from '../../platform/queue/queues';
import { FreshdeskClient } from '../freshdesk.client';
import { HelpdeskAdapter, requiredSetting } from './helpdesk-adapter';

export const FRESHDESK_WEBHOOK_PATH = '/webhooks/freshdesk';

/** Freshdesk: webhooks with basic auth or a token header (Freshdesk signs nothing), API key auth, HTML notes. */
export const freshdeskAdapter: HelpdeskAdapter = {
  id: 'freshdesk',
  displayName: 'Freshdesk',
  webhookPath: FRESHDESK_WEBHOOK_PATH,
  webhookDocs: {
    summary: 'Freshdesk automation-rule webhook, with basic auth or X-Webhook-Token',
    decorators: FreshdeskWebhookDocs,
    headers: ['authorization', 'x-webhook-token'],
    bodyParameter: true,
  },
  settings: {
    url: 'FRESHDESK_URL',
    credentials: ['FRESHDESK_API_KEY'],
    rateLimitPerMinute: 'FRESHDESK_RATE_LIMIT_PER_MINUTE',
    webhookCredentials: ['FRESHDESK_WEBHOOK_TOKEN', 'FRESHDESK_WEBHOOK_USER', 'FRESHDESK_WEBHOOK_PASSWORD'],
    writebackQueue: writebackQueueName('freshdesk'),
  },
  noteFormat: 'html',
  webhookAuthenticator(config) {
    return freshdeskWebhookAuthenticator(freshdeskCredentials(config));
  },
  mapWebhook(body) {
    return mapFreshdeskWebhook(body);
  },
  createClient(config, http) {
    return new FreshdeskClient({
      baseUrl: requiredSetting(config, 'FRESHDESK_URL'),
      apiKey: requiredSetting(config, 'FRESHDESK_API_KEY'),
      ...http,
    });
  },
};

export interface FreshdeskCredentials {
  user?: string;
  password?: string;
  token?: string;
}

export function freshdeskCredentials(config: AppConfig): FreshdeskCredentials {
  return {
    user: config.get('FRESHDESK_WEBHOOK_USER'),
    password: config.get('FRESHDESK_WEBHOOK_PASSWORD'),
    token: config.get('FRESHDESK_WEBHOOK_TOKEN'),
  };
}

/** Basic auth or the X-Webhook-Token header, compared in constant time. */
export function checkFreshdeskCredentials(expected: FreshdeskCredentials, authorization?: string, token?: string): AuthVerdict {
  const { user, password, token: expectedToken } = expected;
  if (!expectedToken && !(user && password)) {
    return {
      ok: false,
      code: 'WEBHOOK.NOT_CONFIGURED',
      message: 'Freshdesk webhooks are off: set FRESHDESK_WEBHOOK_TOKEN or FRESHDESK_WEBHOOK_USER and FRESHDESK_WEBHOOK_PASSWORD',
    };
  }
  if (expectedToken && token && safeEqual(token, expectedToken)) return { ok: true };
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (user && password && basic && safeEqual(Buffer.from(basic[1], 'base64').toString('utf8'), `${user}:${password}`)) return { ok: true };
  return { ok: false, code: 'WEBHOOK.UNAUTHORIZED', message: 'Freshdesk webhook refused: wrong or missing credentials' };
}

/** Freshdesk webhooks: the credentials are headers, checked before a byte of the body is read. */
export function freshdeskWebhookAuthenticator(expected: FreshdeskCredentials): EarlyAuthenticator {
  return {
    prefix: FRESHDESK_WEBHOOK_PATH,
    headers(req) {
      const token = req.headers['x-webhook-token'];
      return checkFreshdeskCredentials(expected, req.headers.authorization, typeof token === 'string' ? token : undefined);
    },
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
