import { asRecord, basicAuth, HelpdeskClient, HelpdeskHttp, HelpdeskHttpOptions, MAX_PAGES, serviceTagChange } from './helpdesk-client';
import { helpdeskTicketPath } from './helpdesk-ticket-id';

export interface ZendeskClientOptions extends HelpdeskHttpOptions {
  /** e.g. https://acme.zendesk.com */
  readonly baseUrl: string;
  /** The API user's email; its token authenticates as `email/token:apiToken`. */
  readonly email: string;
  readonly apiToken: string;
  /**
   * How note bodies are sent: `html` as the comment's html_body, `text` as its body; `auto` (default)
   * sends a body that starts with a tag or an HTML comment as html_body.
   */
  readonly noteFormat?: 'html' | 'text' | 'auto';
}

/** Zendesk Support API v2: tags, private comments and the comment list of a ticket. */
export class ZendeskClient implements HelpdeskClient {
  readonly helpdesk = 'zendesk' as const;
  private readonly http: HelpdeskHttp;
  private readonly noteFormat: 'html' | 'text' | 'auto';

  constructor(options: ZendeskClientOptions) {
    this.http = new HelpdeskHttp('zendesk', options.baseUrl, basicAuth(`${options.email}/token`, options.apiToken), options);
    this.noteFormat = options.noteFormat ?? 'auto';
  }

  /** PUT .../tags.json adds to the ticket's tags (POST would replace them). */
  async addTags(ticketId: string, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    await this.http.request({
      method: 'PUT',
      path: `/api/v2/tickets/${helpdeskTicketPath('zendesk', 'PUT', ticketId)}/tags.json`,
      body: { tags },
    });
  }

  /**
   * Reads the ticket's tags (GET .../tags.json), removes the stale service tags (DELETE .../tags.json removes the
   * tags listed and keeps every other, so an agent's concurrent edit survives), then adds the missing new ones.
   * Removing first means an interrupted step leaves fewer tags, never two verdicts. Nothing to change, no write.
   */
  async setServiceTags(ticketId: string, tags: string[], isServiceTag: (tag: string) => boolean): Promise<void> {
    const path = `/api/v2/tickets/${helpdeskTicketPath('zendesk', 'GET', ticketId)}/tags.json`;
    const { data } = await this.http.request({ method: 'GET', path });
    const { current, stale } = serviceTagChange(data, tags, isServiceTag);
    if (stale.length > 0) await this.http.request({ method: 'DELETE', path, body: { tags: stale } });
    await this.addTags(
      ticketId,
      tags.filter((tag) => !current.includes(tag)),
    );
  }

  async addPrivateNote(ticketId: string, body: string): Promise<void> {
    const html = this.noteFormat === 'auto' ? /^\s*</.test(body) : this.noteFormat === 'html';
    const comment = html ? { html_body: body, public: false } : { body, public: false };
    await this.http.request({
      method: 'PUT',
      path: `/api/v2/tickets/${helpdeskTicketPath('zendesk', 'PUT', ticketId)}.json`,
      body: { ticket: { comment } },
    });
  }

  /** Reads the comments page by page (`next_page`) and stops at the first one holding the marker. */
  async hasNoteWithMarker(ticketId: string, marker: string): Promise<boolean> {
    let path: string | null = `/api/v2/tickets/${helpdeskTicketPath('zendesk', 'GET', ticketId)}/comments.json`;
    for (let page = 0; path && page < MAX_PAGES; page++) {
      const { data } = await this.http.request({ method: 'GET', path });
      const answer = asRecord(data);
      const comments = Array.isArray(answer.comments) ? answer.comments : [];
      if (comments.some((c) => commentText(c).includes(marker))) return true;
      path = typeof answer.next_page === 'string' && answer.next_page ? this.http.relativePath(answer.next_page) : null;
    }
    return false;
  }
}

/** A Zendesk comment's text in every form the API returns it (sanitizing may drop an HTML comment from html_body). */
function commentText(comment: unknown): string {
  const c = asRecord(comment);
  return [c.body, c.html_body, c.plain_body].filter((v): v is string => typeof v === 'string').join('\n');
}
