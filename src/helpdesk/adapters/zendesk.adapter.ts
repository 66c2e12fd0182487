import { ZendeskWebhookDocs } from '../webhooks/webhook-openapi';
import { mapZendeskWebhook } from '../webhooks/zendesk-webhook.mapper';
import { ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER, zendeskWebhookAuthenticator } from '../webhooks/zendesk-signature';
import { writebackQueueName } from '../../platform/queue/queues';
import { NOTE_MARKER_PREFIX } from '../note-renderer';
import { ZendeskClient } from '../zendesk.client';
import { HelpdeskAdapter, requiredSetting } from './helpdesk-adapter';

export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';

/** Zendesk: webhooks signed with the signing secret (HMAC of timestamp + raw body), API token auth, text notes. */
export const zendeskAdapter: HelpdeskAdapter = {
  id: 'zendesk',
  displayName: 'Zendesk',
  webhookPath: ZENDESK_WEBHOOK_PATH,
  webhookDocs: {
    summary: 'Zendesk webhook (trigger or event subscription), signed with the signing secret',
    decorators: ZendeskWebhookDocs,
    headers: [ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER],
  },
  settings: {
    url: 'ZENDESK_URL',
    credentials: ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'],
    rateLimitPerMinute: 'ZENDESK_RATE_LIMIT_PER_MINUTE',
    webhookCredentials: ['ZENDESK_WEBHOOK_SECRET'],
    writebackQueue: writebackQueueName('zendesk'),
  },
  noteFormat: 'text',
  webhookAuthenticator(config) {
    return zendeskWebhookAuthenticator(ZENDESK_WEBHOOK_PATH, config.get('ZENDESK_WEBHOOK_SECRET'));
  },
  mapWebhook(body, config) {
    return mapZendeskWebhook(body, {
      ownUserId: config.get('ZENDESK_USER_ID'),
      ownEmail: config.get('ZENDESK_EMAIL'),
      noteMarkerPrefix: NOTE_MARKER_PREFIX,
    });
  },
  createClient(config, http) {
    return new ZendeskClient({
      baseUrl: requiredSetting(config, 'ZENDESK_URL'),
      email: requiredSetting(config, 'ZENDESK_EMAIL'),
      apiToken: requiredSetting(config, 'ZENDESK_API_TOKEN'),
      ...http,
    });
  },
};
