import {
  asRecord,
  basicAuth,
  HelpdeskClient,
  HelpdeskHttp,
  HelpdeskHttpOptions,
  MAX_PAGES,
  mergeTags,
  serviceTagChange,
} from './helpdesk-client';
import { helpdeskTicketPath } from './helpdesk-ticket-id';

export interface FreshdeskClientOptions extends HelpdeskHttpOptions {
  /** e.g. https://acme.freshdesk.com */
  readonly baseUrl: string;
  /** An agent's API key; Freshdesk takes it as the basic-auth user with any password ("X"). */
  readonly apiKey: string;
  /** Conversations per page when looking for a marker (Freshdesk allows up to 100). */
  readonly pageSize?: number;
}

const DEFAULT_PAGE_SIZE = 100;

/** Freshdesk API v2: ticket tags, private notes and the conversations of a ticket. */
export class FreshdeskClient implements HelpdeskClient {
  readonly helpdesk = 'freshdesk' as const;
  private readonly http: HelpdeskHttp;
  private readonly pageSize: number;

  constructor(options: FreshdeskClientOptions) {
    this.http = new HelpdeskHttp('freshdesk', options.baseUrl, basicAuth(options.apiKey, 'X'), options);
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  }

  /** PUT replaces the ticket's tag list, so the current tags are read and merged first; nothing new, no PUT. */
  async addTags(ticketId: string, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.setServiceTags(ticketId, tags, () => false);
  }

  /** One GET and at most one PUT of the current tags minus the stale service tags plus the new ones. */
  async setServiceTags(ticketId: string, tags: string[], isServiceTag: (tag: string) => boolean): Promise<void> {
    const path = `/api/v2/tickets/${helpdeskTicketPath('freshdesk', 'PUT', ticketId)}`;
    const { data } = await this.http.request({ method: 'GET', path });
    const { current, stale } = serviceTagChange(data, tags, isServiceTag);
    const next = mergeTags(
      current.filter((tag) => !stale.includes(tag)),
      tags,
    );
    if (next.length === current.length && next.every((tag, i) => tag === current[i])) return;
    await this.http.request({ method: 'PUT', path, body: { tags: next } });
  }

  async addPrivateNote(ticketId: string, body: string): Promise<void> {
    await this.http.request({
      method: 'POST',
      path: `/api/v2/tickets/${helpdeskTicketPath('freshdesk', 'POST', ticketId)}/notes`,
      body: { body, private: true },
    });
  }

  /** Reads the conversations (replies and notes) page by page; a short page is the last one. */
  async hasNoteWithMarker(ticketId: string, marker: string): Promise<boolean> {
    const ticket = helpdeskTicketPath('freshdesk', 'GET', ticketId);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data } = await this.http.request({
        method: 'GET',
        path: `/api/v2/tickets/${ticket}/conversations?page=${page}&per_page=${this.pageSize}`,
      });
      const conversations = Array.isArray(data) ? data : [];
      if (conversations.some((c) => conversationText(c).includes(marker))) return true;
      if (conversations.length < this.pageSize) return false;
    }
    return false;
  }
}

function conversationText(conversation: unknown): string {
  const c = asRecord(conversation);
  return [c.body, c.body_text].filter((v): v is string => typeof v === 'string').join('\n');
}
