import { ZENDESK_WEBHOOK_PATH } from '../helpdesk/adapters/zendesk.adapter';
import { WEBHOOK_CONTROLLERS } from './helpdesk-webhook.controller';

export { ZENDESK_WEBHOOK_PATH };

/** Both kinds of Zendesk webhook: trigger-connected (admin-written body) and event subscriptions, signed. */
export const ZendeskWebhookController = WEBHOOK_CONTROLLERS.zendesk;
