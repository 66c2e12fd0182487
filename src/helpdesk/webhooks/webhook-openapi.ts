/** The OpenAPI description of the webhook endpoints: request bodies with the README's templates as examples, answers, errors. */
import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
  getSchemaPath,
  type SchemaObject,
} from '@nestjs/swagger';
import { ErrorResponse } from '../../platform/errors/error-response.dto';
import { FRESHDESK_WEBHOOK_BODY_TEMPLATE } from './freshdesk-webhook.mapper';
import { WebhookAcceptedDto, WebhookIgnoredDto } from './webhook-answer.dto';
import { ZENDESK_SATISFACTION_BODY_TEMPLATE, ZENDESK_TRIGGER_BODY_TEMPLATE } from './zendesk-webhook.mapper';

const TICKET_ID: SchemaObject = {
  oneOf: [
    { type: 'string', pattern: '^[1-9][0-9]{0,19}$' },
    { type: 'integer', minimum: 1 },
  ],
  description: 'The helpdesk ticket id: a positive integer (up to 20 digits); anything else is refused with 400',
};

const text = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const object = (properties: Record<string, SchemaObject>, required: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
});
const LONG_TEXT = 'Over 65,536 characters: cut, and the answer says `truncated: true`';
const TAGS = text('Tags separated by spaces or commas (an array of strings is read too)');

const ZENDESK_TRIGGER = object(
  {
    ticket: object(
      {
        id: TICKET_ID,
        title: text('Over 1,000 characters: cut'),
        description: text(LONG_TEXT),
        status: text('new, open, pending, hold, solved or closed, in any case'),
        tags: TAGS,
        requester_email: text(),
        requester_name: text(),
        requester_first_name: text(),
        created_at: text('A date; one more than MAX_FUTURE_SKEW_MINUTES ahead is read as now'),
        updated_at: text('A date; one more than MAX_FUTURE_SKEW_MINUTES ahead is read as now'),
      },
      ['id', 'description'],
    ),
    current_user: object({ id: text('Updates by ZENDESK_USER_ID are ignored'), email: text() }),
  },
  ['ticket'],
);

const ZENDESK_SATISFACTION = object(
  {
    event: { type: 'string', enum: ['satisfaction'] },
    ticket: object({ id: TICKET_ID, satisfaction: text('"Good, ..." or "Bad, ..."'), tags: TAGS, updated_at: text() }, ['id']),
  },
  ['event', 'ticket'],
);

const ZENDESK_EVENT = object(
  {
    id: text('The event id (its dedupe key)'),
    type: text('zen:event-type:ticket.created, ticket.comment_added, ticket.status_changed ...'),
    subject: text('zen:ticket:<id>'),
    time: text(),
    detail: object({ id: TICKET_ID, actor_id: text(), requester_id: text(), subject: text(), description: text(LONG_TEXT) }),
    event: { type: 'object', description: 'What changed: a comment (body over 65,536 characters: cut) or a status' },
  },
  ['id', 'type', 'detail'],
);

const ZENDESK_EVENT_EXAMPLE = {
  id: '01HZX3SE9V8FPP2N6Q5J4M7ZKR',
  type: 'zen:event-type:ticket.comment_added',
  subject: 'zen:ticket:35436',
  time: '2026-11-25T14:05:30Z',
  detail: { id: '35436', requester_id: '501', subject: 'iCloud backup stuck', status: 'OPEN' },
  event: { comment: { id: 777, body: 'It still says estimating after a night on Wi-Fi.', is_public: true, author: { id: '501' } } },
};

const FRESHDESK_BODY = object(
  {
    freshdesk_webhook: object(
      {
        ticket_id: TICKET_ID,
        ticket_subject: text('Over 1,000 characters: cut'),
        ticket_description: text(`HTML or text. ${LONG_TEXT}`),
        ticket_status: text('2-5 or the status name'),
        ticket_tags: text('Tags separated by commas'),
        ticket_contact_email: text(),
        ticket_contact_name: text(),
        triggered_event: text('A private note ({note_type:private}) is ignored'),
        ticket_satisfaction: text('Optional: "good" or "bad", from a customer-feedback rule'),
      },
      ['ticket_id', 'ticket_description'],
    ),
  },
  ['freshdesk_webhook'],
);

/** 202 (accepted or ignored) and 200 (seen before), and the errors every webhook may answer. */
function webhookAnswers(credentials: string) {
  return applyDecorators(
    ApiExtraModels(WebhookAcceptedDto, WebhookIgnoredDto),
    ApiAcceptedResponse({
      description: 'Stored and queued (`queued`), or acknowledged and ignored with a reason',
      schema: { oneOf: [{ $ref: getSchemaPath(WebhookAcceptedDto) }, { $ref: getSchemaPath(WebhookIgnoredDto) }] },
    }),
    ApiOkResponse({ type: WebhookAcceptedDto, description: 'The same event was accepted before (`duplicate`)' }),
    ApiBadRequestResponse({ type: ErrorResponse, description: 'Malformed body, e.g. a ticket id that is not a positive integer' }),
    ApiUnauthorizedResponse({ type: ErrorResponse, description: credentials }),
    ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'Body over 1 MiB' }),
    ApiUnsupportedMediaTypeResponse({ type: ErrorResponse, description: 'Body is not JSON' }),
    ApiTooManyRequestsResponse({ type: ErrorResponse, description: 'Too many failed authentications from this address' }),
  );
}

export function ZendeskWebhookDocs() {
  return applyDecorators(
    ApiBody({
      description: 'The trigger body, the satisfaction trigger body, or an event-subscription envelope',
      schema: { oneOf: [ZENDESK_TRIGGER, ZENDESK_SATISFACTION, ZENDESK_EVENT] },
      examples: {
        trigger: { summary: 'Trigger body (README, "Connect Zendesk")', value: JSON.parse(ZENDESK_TRIGGER_BODY_TEMPLATE) },
        satisfaction: { summary: 'Satisfaction trigger body', value: JSON.parse(ZENDESK_SATISFACTION_BODY_TEMPLATE) },
        event: { summary: 'Event subscription: a customer comment', value: ZENDESK_EVENT_EXAMPLE },
      },
    }),
    webhookAnswers('Missing, wrong or stale signature'),
  );
}

export function FreshdeskWebhookDocs() {
  return applyDecorators(
    ApiBody({
      description: 'The body of the automation rule’s "Trigger webhook" action',
      schema: FRESHDESK_BODY,
      examples: { rule: { summary: 'Rule body (README, "Connect Freshdesk")', value: JSON.parse(FRESHDESK_WEBHOOK_BODY_TEMPLATE) } },
    }),
    webhookAnswers('Wrong or missing credentials'),
  );
}
