import type { FastifyRequest } from 'fastify';
import type { AuthVerdict, EarlyAuthenticator } from '../../platform/auth/authenticate-first';
import { helpdeskOf, type Helpdesk } from '../../platform/queue/helpdesks';
import { freshdeskAdapter } from './freshdesk.adapter';
import type { HelpdeskAdapter } from './helpdesk-adapter';
import { zendeskAdapter } from './zendesk.adapter';

/** Nest token of the adapter record. */
export const HELPDESK_ADAPTERS = 'HELPDESK_ADAPTERS';

export type HelpdeskAdapters = Readonly<Record<Helpdesk, HelpdeskAdapter>>;

/** The one place that lists the helpdesk adapters: an entry of HELPDESKS without its adapter here does not compile. */
export const helpdeskAdapters: HelpdeskAdapters = {
  zendesk: zendeskAdapter,
  freshdesk: freshdeskAdapter,
};

export const helpdeskAdaptersProvider = { provide: HELPDESK_ADAPTERS, useValue: helpdeskAdapters };

/** The adapter of the helpdesk a source names; UnknownHelpdeskError for any other source (never another helpdesk's). */
export function adapterOf(adapters: HelpdeskAdapters, source: unknown): HelpdeskAdapter {
  return adapters[helpdeskOf(source)];
}

/** Runs an early authenticator on a request whose raw body is at hand (as the webhook routes re-check it). */
export async function verifyWebhook(authenticator: EarlyAuthenticator, req: FastifyRequest, rawBody: Buffer): Promise<AuthVerdict> {
  const verdict = await authenticator.headers(req);
  if (verdict !== 'body') return verdict;
  if (!authenticator.body) throw new Error(`${authenticator.prefix}: the authenticator asks for the body but cannot check it`);
  return authenticator.body(req, rawBody);
}
