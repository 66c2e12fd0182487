import { Injectable, Logger } from '@nestjs/common';
import type { HelpdeskEvent } from '../helpdesk/webhooks/webhook-event';
import { AppConfig } from '../platform/config/app-config.service';
import type { Tx } from '../platform/database/transactions';
import { MetricsService } from '../platform/metrics/metrics.service';
import type { TicketStatus } from '../tickets/ticket.entity';
import { OutcomesRepository } from './outcomes.repository';
import { OutcomesService } from './outcomes.service';

/** A helpdesk's status change or satisfaction rating. */
export type SignalEvent = Extract<HelpdeskEvent, { kind: 'status' | 'csat' }>;

/** The ticket a signal is about, as the caller locked it. */
export interface SignalTicket {
  readonly id: string;
  readonly status: TicketStatus | null;
  readonly latestTriageId: string | null;
}

/**
 * The pack the ticket is read in and the macros it knows. The caller resolves it from the loaded packs (its
 * latest triage's pack, else the one routing chooses, with the tags triage would route by).
 */
export interface SignalPack {
  readonly id: string;
  /** The id of the pack's macro that `idOrAlias` names (an alias counts as its macro); null when none. */
  macroOf(idOrAlias: string): string | null;
}

const CLOSED: readonly (TicketStatus | null | undefined)[] = ['solved', 'closed'];

/** Solved or closed. */
export function isClosed(status: TicketStatus | null | undefined): boolean {
  return CLOSED.includes(status);
}

/**
 * What the helpdesks' status changes and ratings teach: each is kept as a signal and, when it says whether the fix
 * worked, as the outcome of the macro that was applied (its tag is on the ticket), else the one the agent recorded,
 * else the one suggested.
 */
@Injectable()
export class OutcomeCaptureService {
  private readonly logger = new Logger(OutcomeCaptureService.name);

  constructor(
    private readonly outcomes: OutcomesService,
    private readonly repository: OutcomesRepository,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Stores the signal in the caller's transaction (the one that stored its inbox row and locked the ticket), with
   * its outcome and the fix statistics it moves; a status change also becomes the ticket's status. Solved or
   * closed means resolved, leaving solved or closed (reopened) not resolved; a good rating resolved, a bad one not.
   */
  async captureIn(tx: Tx, event: SignalEvent, ticket: SignalTicket, pack: SignalPack): Promise<void> {
    const previous = event.kind === 'status' ? (event.previousStatus ?? ticket.status) : null;
    const resolved = event.kind === 'csat' ? event.rating === 'good' : isClosed(event.status) ? true : isClosed(previous) ? false : null;
    // Applied-fix tags name macros of the ticket's pack, whose statistics get the credit.
    const applied = this.appliedMacro(event.tags, pack);
    const outcome =
      resolved === null
        ? null
        : await this.outcomes.recordIn(tx, {
            ticketId: ticket.id,
            resolved,
            signal: event.kind,
            eventAt: event.at,
            appliedMacroId: applied,
            packId: pack.id,
          });
    await this.repository.insertSignal(tx, {
      ticketId: ticket.id,
      source: event.source,
      kind: event.kind === 'csat' ? `csat_${event.rating}` : 'status',
      status: event.kind === 'status' ? event.status : null,
      previousStatus: previous ?? null,
      resolved,
      macroId: outcome?.macroId ?? null,
      attribution: outcome?.attribution ?? null,
      causeId: outcome?.causeId ?? null,
      symptomIds: outcome?.symptomIds ?? [],
      triageResultId: ticket.latestTriageId,
      dedupeKey: event.dedupeKey,
      eventAt: event.at,
    });
    if (event.kind === 'status') await this.repository.updateTicketStatus(tx, ticket.id, event.status, event.tags, event.at);
  }

  /**
   * The macro of the ticket's pack named by the last applied-fix tag that names one. Tags naming no macro of that
   * pack (another pack's included) are ignored, and counted, and logged: they never become a fix in outcomes or
   * statistics.
   */
  private appliedMacro(tags: readonly string[], pack: SignalPack): string | null {
    const { macroId, unknown } = appliedMacro(tags, this.config.get('HELPDESK_TAG_PREFIX'), (id) => pack.macroOf(id));
    if (unknown.length > 0) {
      this.metrics.unknownMacroTags.inc(unknown.length);
      this.logger.warn(
        { tags: unknown.map((t) => t.slice(0, 120)), packId: pack.id },
        'applied-fix tag names no macro of the pack; ignored',
      );
    }
    return macroId;
  }
}

/**
 * The macro whose `<prefix>applied_<macroId>` tag an agent's helpdesk macro put on the ticket: the last such tag
 * that `resolve` maps to a macro id. `unknown` lists the applied tags naming no macro.
 */
export function appliedMacro(
  tags: readonly string[],
  prefix: string,
  resolve: (idOrAlias: string) => string | null,
): { macroId: string | null; unknown: string[] } {
  const marker = `${prefix}applied_`;
  let macroId: string | null = null;
  const unknown: string[] = [];
  for (const tag of [...tags].reverse()) {
    if (!tag.startsWith(marker)) continue;
    const known = resolve(tag.slice(marker.length));
    if (known === null) unknown.push(tag);
    else macroId ??= known;
  }
  return { macroId, unknown };
}
