import { createHash } from 'node:crypto';
import type { Requester, TicketSource, TicketStatus } from './ticket.entity';

/** A ticket event from any source, mapped to one shape before it enters the inbox. */
export interface TicketEvent {
  source: TicketSource;
  externalId: string;
  subject: string;
  description: string;
  requester?: Requester | null;
  tags?: string[];
  status?: TicketStatus | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  /** Set by sources whose payloads carry their own identity (e.g. a content hash). */
  dedupeKey?: string;
  /** A webhook's text was cut to the length the API accepts; stored with the inbox payload. */
  truncated?: boolean;
}

/** The content of an accepted event, as it is triaged. */
export interface InboxPayload {
  subject: string;
  description: string;
  requester?: Requester | null;
  tags?: string[];
  status?: TicketStatus | null;
  /** A webhook's text over the length the API accepts was cut (the ticket is kept, not refused). */
  truncated?: boolean;
}

export function contentHash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('hex').slice(0, 32);
}

/** (source, externalId, updatedAt) when updatedAt is given, else (source, externalId, hash of the content). */
export function dedupeKeyOf(event: TicketEvent): string {
  if (event.dedupeKey) return event.dedupeKey;
  const base = `${event.source}:${event.externalId}`;
  if (event.updatedAt) return `${base}:u:${event.updatedAt.toISOString()}`;
  return `${base}:h:${contentHash(event.subject, event.description)}`;
}
