/** An in-memory Freshdesk API: ticket tags (PUT replaces them), notes, conversations (paginated). */
import { FakeHttpServer, notFound } from './fake-http-server';

export interface FakeFreshdeskConversation {
  id: number;
  body: string;
  body_text: string;
  private: boolean;
}

export interface FakeFreshdeskTicket {
  id: string;
  tags: string[];
  conversations: FakeFreshdeskConversation[];
}

export class FakeFreshdesk extends FakeHttpServer {
  readonly tickets = new Map<string, FakeFreshdeskTicket>();
  private nextConversationId = 5000;

  constructor(readonly apiKey = 'fd-key') {
    super(`Basic ${Buffer.from(`${apiKey}:X`).toString('base64')}`);
    this.route('GET', /^\/api\/v2\/tickets\/([^/]+)$/, (_req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      return ticket ? { status: 200, body: { id: Number(id), tags: ticket.tags } } : notFound;
    });
    this.route('PUT', /^\/api\/v2\/tickets\/([^/]+)$/, (req, _url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const tags = (req.body as { tags?: string[] })?.tags;
      if (tags) ticket.tags = [...tags];
      return { status: 200, body: { id: Number(id), tags: ticket.tags } };
    });
    this.route('POST', /^\/api\/v2\/tickets\/([^/]+)\/notes$/, (req, _url, [, id]) => {
      if (!this.tickets.has(id)) return notFound;
      const note = req.body as { body?: string; private?: boolean };
      const added = this.addConversation(id, note.body ?? '', note.private !== false);
      return { status: 201, body: added };
    });
    this.route('GET', /^\/api\/v2\/tickets\/([^/]+)\/conversations$/, (_req, url, [, id]) => {
      const ticket = this.tickets.get(id);
      if (!ticket) return notFound;
      const page = Number(url.searchParams.get('page') ?? '1');
      const perPage = Number(url.searchParams.get('per_page') ?? '30');
      return { status: 200, body: ticket.conversations.slice((page - 1) * perPage, page * perPage) };
    });
  }

  seedTicket(id: string, seed: { tags?: string[]; conversations?: string[] } = {}): FakeFreshdeskTicket {
    const ticket: FakeFreshdeskTicket = { id, tags: [...(seed.tags ?? [])], conversations: [] };
    this.tickets.set(id, ticket);
    for (const body of seed.conversations ?? []) this.addConversation(id, body, false);
    return ticket;
  }

  private addConversation(id: string, body: string, isPrivate: boolean): FakeFreshdeskConversation {
    const conversation = {
      id: this.nextConversationId++,
      body,
      body_text: body.replace(/<[^>]+>/g, ''),
      private: isPrivate,
    };
    this.tickets.get(id)!.conversations.push(conversation);
    return conversation;
  }
}
