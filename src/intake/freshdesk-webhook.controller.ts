import { WEBHOOK_CONTROLLERS } from './helpdesk-webhook.controller';

export {
  checkFreshdeskCredentials,
  FRESHDESK_WEBHOOK_PATH,
  freshdeskCredentials,
  freshdeskWebhookAuthenticator,
  type FreshdeskCredentials,
} from '../helpdesk/adapters/freshdesk.adapter';

/** Freshdesk automation-rule webhooks carry no signature: basic auth or a token header authenticates them. */
export const FreshdeskWebhookController = WEBHOOK_CONTROLLERS.freshdesk;
