/** An in-memory Zendesk Support API: ticket tags (read, added, removed), comments (paginated), private notes. */
import { FakeHttpServer, notFound } from './fake-http-server';

export interface FakeZendeskComment {
  id: number;
  body: string;
  html_body: string;
  public: boolean;
}

export interface FakeZendeskTicket {
  id: string;
  tags: string[];
  comments: FakeZendeskComment[];
}

export class FakeZendesk extends FakeHttpServer {
  readonly tickets = new Map<string, FakeZendeskTicket>();
  private nextCommentId = 1000;
  private baseUrl = '';

  constructor(
    readonly credentials = { email: 'triage@example.com', apiToken: 'zd-token' },
    /** Comments per page of GET .../comments.json. */
    readonly pageSize = 100,
  ) {
    super(`Basic ${Buffer.from(`${credentials.email}/token:${credentials.apiToken}`).toString('base64')}`);
    this.route('PUT', /^\/api\/v2\/tickets\/([^/]+)\/tags\.json$/, (req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const tags = (req.body as { tags?: string[] })?.tags ?? [];
      for (const tag of tags) if (!ticket.tags.includes(tag)) ticket.tags.push(tag);
      return { status: 200, body: { tags: ticket.tags } };
    });
    this.route('GET', /^\/api\/v2\/tickets\/([^/]+)\/tags\.json$/, (_req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      return ticket ? { status: 200, body: { tags: ticket.tags } } : notFound;
    });
    // Removes the tags listed and keeps the others; a tag the ticket lacks is ignored. Answers 204 No Content.
    this.route('DELETE', /^\/api\/v2\/tickets\/([^/]+)\/tags\.json$/, (req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const removed = (req.body as { tags?: string[] })?.tags ?? [];
      ticket.tags = ticket.tags.filter((tag) => !removed.includes(tag));
      return { status: 204 };
    });
    this.route('PUT', /^\/api\/v2\/tickets\/([^/]+)\.json$/, (req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const comment = (req.body as { ticket?: { comment?: Record<string, unknown> } })?.ticket?.comment;
      if (comment) this.addComment(id, String(comment.body ?? comment.html_body ?? ''), comment.public !== false, comment);
      return { status: 200, body: { ticket: { id: Number(id), tags: ticket.tags } } };
    });
    this.route('GET', /^\/api\/v2\/tickets\/([^/]+)\/comments\.json$/, (_req, url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const page = Number(url.searchParams.get('page') ?? '1');
      const start = (page - 1) * this.pageSize;
      const comments = ticket.comments.slice(start, start + this.pageSize);
      const more = start + this.pageSize < ticket.comments.length;
      const next = more ? `${this.baseUrl}/api/v2/tickets/${id}/comments.json?page=${page + 1}` : null;
      return { status: 200, body: { comments, next_page: next, count: ticket.comments.length } };
    });
  }

  override async start(): Promise<{ url: string }> {
    const started = await super.start();
    this.baseUrl = started.url;
    return started;
  }

  seedTicket(id: string, seed: { tags?: string[]; comments?: string[] } = {}): FakeZendeskTicket {
    const ticket: FakeZendeskTicket = { id, tags: [...(seed.tags ?? [])], comments: [] };
    this.tickets.set(id, ticket);
    for (const body of seed.comments ?? []) this.addComment(id, body, true);
    return ticket;
  }

  private addComment(id: string, text: string, isPublic: boolean, sent?: Record<string, unknown>): void {
    const html = typeof sent?.html_body === 'string' ? sent.html_body : `<p>${text}</p>`;
    const body = typeof sent?.body === 'string' ? sent.body : text;
    this.tickets.get(id)!.comments.push({ id: this.nextCommentId++, body, html_body: html, public: isPublic });
  }
}
