/**
 * What a helpdesk webhook becomes once its adapter has read it: the same events whichever helpdesk sent them.
 * Import them from here. They are still declared in the Zendesk mapper, which the Freshdesk mapper imports them
 * from; once both mappers import them from this file, the declarations move here.
 */
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { HelpdeskSource } from './zendesk-webhook.mapper';

export { WebhookPayloadError } from './zendesk-webhook.mapper';
export type { HelpdeskEvent } from './zendesk-webhook.mapper';

/** The mappers' own spelling of the helpdesk union must stay HELPDESKS: a helpdesk added there fails here first. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const MAPPER_SOURCES_ARE_HELPDESKS: Same<HelpdeskSource, Helpdesk> = true;
