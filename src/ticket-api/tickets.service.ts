import { Injectable } from '@nestjs/common';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';
import { TICKET_SOURCES, TicketSource } from '../tickets/ticket.entity';
import { isRealDate } from './tickets.dto';
import { LIST_DESCRIPTION_CHARS, TicketListQuery, TicketRef, TicketRow, TicketsRepository } from './tickets.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The list's query as the API takes it: a macro by id or alias, a page size and the cursor of the page before. */
export interface ListFilters extends Omit<TicketListQuery, 'macro' | 'before' | 'rows'> {
  /** Tickets with an outcome crediting this macro (an alias is read as its macro). */
  macro?: string;
  limit: number;
  cursor?: string;
}

@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketsRepository,
    private readonly engine: EngineService,
  ) {}

  /** `ref` is the service's UUID or `source:externalId`. */
  async get(ref: string) {
    const row = await this.findRow(ref);
    return this.toView(row);
  }

  async resolveId(ref: string): Promise<string> {
    return (await this.resolve(ref)).id;
  }

  /** The ticket's id, refused with 409 when its personal data was erased: there is no text left to triage. */
  async resolveHeldText(ref: string): Promise<string> {
    const { id, erasedAt } = await this.resolve(ref);
    if (erasedAt)
      throw new DomainError('TICKET.ERASED', `Ticket ${ref} was erased at ${erasedAt.toISOString()}; its text is no longer held`, [
        `erasedAt: ${erasedAt.toISOString()}`,
      ]);
    return id;
  }

  /**
   * The ticket's id and its pack, in which an agent's outcome names its macro: the pack of its latest triage, else
   * the one routing chooses for it (EngineService.packOfTicket).
   */
  async resolveWithPack(ref: string): Promise<{ id: string; packId: string }> {
    const row = await this.tickets.findRouting(parseRef(ref));
    if (!row) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return { id: row.id, packId: this.engine.packOfTicket({ packId: row.pack_id, source: row.source, tags: row.tags }) };
  }

  private async resolve(ref: string): Promise<{ id: string; erasedAt: Date | null }> {
    const row = await this.tickets.findErasure(parseRef(ref));
    if (!row) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return { id: row.id, erasedAt: row.erased_at };
  }

  /** The ticket with its triage history, overrides, outcomes and write-backs. */
  async detail(ref: string) {
    const row = await this.findRow(ref);
    const [history, overrides, outcomes, writebacks, truncated] = await Promise.all([
      this.tickets.triageHistory(row.id),
      this.tickets.overrides(row.id),
      this.tickets.outcomes(row.id),
      this.tickets.writebacks(row.id),
      this.tickets.contentTruncated(row.id),
    ]);
    return {
      ...this.toView(row),
      truncated,
      conversation: row.conversation ?? [],
      history,
      overrides,
      outcomes,
      writebacks,
    };
  }

  /** Newest first, filtered, with an opaque cursor (created_at and id of the last item). */
  async list(f: ListFilters) {
    const { limit, cursor, macro, ...filters } = f;
    // One row past the page tells whether another page follows.
    const query: TicketListQuery = { ...filters, rows: limit + 1 };
    if (macro !== undefined) {
      // An alias names its macro in each pack that has it; in a pack that has none the id is taken as given.
      const inPacks = this.engine.list().flatMap((pack) => {
        const found = this.engine.macroOfPack(macro, pack.id);
        return found ? [{ pack: pack.id, macro: found.id }] : [];
      });
      query.macro = { given: macro, inPacks };
    }
    if (cursor) query.before = decodeCursor(cursor);
    const rows = await this.tickets.listTickets(query);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => {
        // Postgres counts code points; so does spreading a string.
        const chars = [...r.description];
        const descriptionTruncated = chars.length > LIST_DESCRIPTION_CHARS;
        const description = descriptionTruncated ? chars.slice(0, LIST_DESCRIPTION_CHARS).join('') : r.description;
        const view = this.toView({ ...r, description });
        // The rendered macro (a page of text) is read on the ticket; a list names it.
        const macro = view.triage.macro as { id: string; title: string } | undefined;
        if (macro) view.triage.macro = { id: macro.id, title: macro.title };
        return { ...view, descriptionTruncated };
      }),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at_text, last.id) : null,
    };
  }

  private async findRow(ref: string): Promise<TicketRow> {
    const row = await this.tickets.findTicket(parseRef(ref));
    if (!row) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}`);
    return row;
  }

  /** The ticket with its effective triage: an agent's override replaces cause or macro, and says what the engine said. */
  private toView(row: Omit<TicketRow, 'conversation'>) {
    const triage: Record<string, unknown> = { state: row.triage_state };
    if (row.triage_state === 'failed' && row.triage_error) triage.error = row.triage_error;
    if (row.result) Object.assign(triage, row.result, row.result_pack_id ? { packId: row.result_pack_id } : {});
    if (row.result && row.override) {
      const o = row.override;
      if (o.cause_id) triage.cause = { id: o.cause_id, confidence: 1 };
      if (o.macro_id) {
        // The overriding macro is rendered from the pack that triaged the ticket (the stored macro if it is gone).
        const input = { subject: row.subject, description: row.description, requester: row.requester ?? undefined };
        const packId = row.result_pack_id ?? this.engine.defaultPackId;
        const rendered = this.engine.hasPack(packId) ? this.engine.renderMacro(o.macro_id, input, row.result.entities, packId) : null;
        triage.macro = rendered ?? row.result.macro;
      }
      triage.override = { by: o.actor, at: new Date(o.created_at).toISOString(), reason: o.reason, original: o.original };
    }
    return {
      id: row.id,
      source: row.source,
      externalId: row.external_id,
      subject: row.subject,
      description: row.description,
      status: row.status,
      requester: row.requester,
      tags: row.tags,
      createdAt: (row.source_created_at ?? row.created_at).toISOString(),
      updatedAt: (row.source_updated_at ?? row.updated_at).toISOString(),
      erasedAt: row.erased_at ? row.erased_at.toISOString() : null,
      triage,
    };
  }
}

/** `ref` as the repository reads it; a ref that can name no ticket is refused as not found. */
function parseRef(ref: string): TicketRef {
  if (ref.includes('\u0000')) throw new DomainError('TICKET.NOT_FOUND', 'No such ticket');
  if (UUID.test(ref)) return { id: ref };
  const colon = ref.indexOf(':');
  const source = ref.slice(0, colon);
  if (colon > 0 && (TICKET_SOURCES as readonly string[]).includes(source)) {
    return { source: source as TicketSource, externalId: ref.slice(colon + 1) };
  }
  throw new DomainError('TICKET.NOT_FOUND', `No ticket ${ref}: use the ticket id or source:externalId`);
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (typeof at !== 'string' || !isRealDate(at) || !UUID.test(id)) {
      throw new Error('bad cursor');
    }
    return { at, id };
  } catch {
    throw new DomainError('REQUEST.INVALID', 'The cursor is not one this API returned', ['cursor is invalid']);
  }
}
