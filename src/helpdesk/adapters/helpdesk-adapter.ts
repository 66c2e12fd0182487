/** Everything the service knows of one helpdesk, behind one interface: the rest of the code names no helpdesk. */
import type { HelpdeskEvent } from '../webhooks/webhook-event';
import type { EarlyAuthenticator } from '../../platform/auth/authenticate-first';
import type { AppConfig } from '../../platform/config/app-config.service';
import type { Environment } from '../../platform/config/environment';
import type { Helpdesk } from '../../platform/queue/helpdesks';
import type { WritebackQueueName } from '../../platform/queue/queues';
import type { HelpdeskClient, HelpdeskHttpOptions } from '../helpdesk-client';
import type { NoteOptions } from '../note-renderer';

/** Names of environment variables holding a T (possibly unset). */
type EnvKeyOf<T> = { [K in keyof Environment]-?: NonNullable<Environment[K]> extends T ? K : never }[keyof Environment];
/** Names of numeric variables that always have a value (a default). */
type NumberEnvKey = { [K in keyof Environment]-?: Environment[K] extends number ? K : never }[keyof Environment];

/** Where a helpdesk's configuration comes from: environment variable names, validated with the rest at boot. */
export interface HelpdeskSettings {
  /** The API's base URL, e.g. ZENDESK_URL. */
  readonly url: EnvKeyOf<string>;
  /** Write-back is on when the URL and every one of these are set. */
  readonly credentials: readonly EnvKeyOf<string>[];
  /** API calls per minute, all workers together (the limit counts calls, not jobs). */
  readonly rateLimitPerMinute: NumberEnvKey;
  /** What authenticates its webhooks (unset: the webhook answers 401 "not configured"). */
  readonly webhookCredentials: readonly EnvKeyOf<string>[];
  /** Its own write-back queue, so one helpdesk's 429 never stalls another. */
  readonly writebackQueue: WritebackQueueName;
}

/** How the webhook route is described in the OpenAPI document. */
export interface WebhookRouteDocs {
  readonly summary: string;
  /** The request body and the answers. */
  readonly decorators: () => MethodDecorator;
  /** The headers that carry its credentials. */
  readonly headers: readonly string[];
  /** The body is listed as a parameter too (as the route always declared it). */
  readonly bodyParameter?: boolean;
}

export interface HelpdeskAdapter {
  readonly id: Helpdesk;
  /** The name people know, for messages. */
  readonly displayName: string;
  /** Where its webhooks are posted, e.g. `/webhooks/zendesk`. */
  readonly webhookPath: string;
  readonly webhookDocs: WebhookRouteDocs;
  readonly settings: HelpdeskSettings;
  /** How its private notes are written. */
  readonly noteFormat: NoteOptions['format'];
  /** Checks a webhook's credentials from its headers, or a signature over the raw body, before the body is parsed. */
  webhookAuthenticator(config: AppConfig): EarlyAuthenticator;
  /** Reads an authenticated webhook body as an event; WebhookPayloadError for a body the helpdesk would not send. */
  mapWebhook(body: unknown, config: AppConfig): HelpdeskEvent;
  /** The write-back API client; called only when the URL and credentials are set. */
  createClient(config: AppConfig, http: HelpdeskHttpOptions): HelpdeskClient;
}

/** A variable the settings name, read once write-back is known to be on (every one of them is set). */
export function requiredSetting(config: AppConfig, key: EnvKeyOf<string>): string {
  const value = config.get(key);
  if (typeof value !== 'string' || !value) throw new Error(`${key} is not set`);
  return value;
}
