import type request from 'supertest';
import { signZendeskPayload } from '../../src/helpdesk/webhooks/zendesk-signature';

/** POST /webhooks/zendesk with the raw body signed as Zendesk signs it. */
export function postSignedZendesk(
  http: () => ReturnType<typeof request>,
  secret: string,
  raw: string,
  timestamp = new Date().toISOString(),
): ReturnType<ReturnType<typeof request>['post']> {
  return http()
    .post('/webhooks/zendesk')
    .set('Content-Type', 'application/json')
    .set('X-Zendesk-Webhook-Signature', signZendeskPayload(secret, timestamp, raw))
    .set('X-Zendesk-Webhook-Signature-Timestamp', timestamp)
    .send(raw);
}
