import { Injectable } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import { Transactions, type Tx } from '../platform/database/transactions';
import { MetricsService } from '../platform/metrics/metrics.service';
import { FixStatsRepository } from './fix-stats.repository';
import { ATTRIBUTION_WEIGHT, Attribution, contribution, OutcomeFacts, OutcomeSignal, replacementDelta } from './outcome-contribution';
import { OutcomeRow, OutcomesRepository, OutcomeWrite, TicketOutcomeFacts } from './outcomes.repository';

export interface SignalInput {
  ticketId: string;
  resolved: boolean;
  signal: OutcomeSignal;
  eventAt: Date;
  /**
   * Named by the agent; otherwise the applied tag's macro, the agent's last recorded fix, or the suggestion
   * (only when the ticket's triage decision was `auto`).
   */
  macroId?: string | null;
  appliedMacroId?: string | null;
  /**
   * The pack the caller read the ticket in (the one its `macroId` or `appliedMacroId` was found in): its
   * statistics get the credit. Default: the pack of the ticket's latest triage, else DEFAULT_PACK.
   */
  packId?: string;
  note?: string | null;
  actor?: string | null;
}

/** An outcome as the API answers it: what was written (but its ticket and pack), its id, and its time in ISO-8601. */
export interface OutcomeView extends Omit<OutcomeWrite, 'ticketId' | 'packId' | 'symptomIds' | 'eventAt'> {
  id: string;
  symptomIds: string[];
  eventAt: string;
}

/**
 * Outcomes: one per fix tried on a ticket, updated by later signals (resolved, then reopened, is not
 * resolved). Every change moves the fix statistics by exactly its difference, in the same transaction.
 */
@Injectable()
export class OutcomesService {
  constructor(
    private readonly repository: OutcomesRepository,
    private readonly fixStats: FixStatsRepository,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async record(input: SignalInput): Promise<OutcomeView | null> {
    return this.transactions.run((tx) => this.recordIn(tx, input));
  }

  /** Records a signal inside the caller's transaction; null when it names no fix or is older than what is stored. */
  async recordIn(tx: Tx, input: SignalInput): Promise<OutcomeView | null> {
    const ticket = await this.repository.lockTicketFacts(tx, input.ticketId);
    if (!ticket) return null;
    const target = await this.attribute(tx, input, creditableSuggestion(ticket));
    if (!target) return null;

    const existing = await this.repository.lockOutcome(tx, input.ticketId, target.macroId);
    if (existing && !this.supersedes(existing, input)) return toView(existing);

    const next: OutcomeFacts = {
      macroId: target.macroId,
      resolved: input.resolved,
      weight: ATTRIBUTION_WEIGHT[target.attribution],
      causeId: ticket.cause_id,
      symptomIds: ticket.symptom_ids ?? [],
    };
    const previous: OutcomeFacts | null = existing
      ? {
          macroId: existing.macro_id,
          resolved: existing.resolved,
          weight: existing.weight,
          causeId: existing.cause_id,
          symptomIds: existing.symptom_ids,
        }
      : null;
    // The outcome credits the statistics of the ticket's pack: the one the caller named the macro in, else the one
    // its latest triage used (the default before any triage).
    const packId = input.packId ?? ticket.pack_id ?? this.config.get('DEFAULT_PACK');
    const ttr = input.resolved ? Math.max(0, (input.eventAt.getTime() - new Date(ticket.opened_at).getTime()) / 1000) : null;
    const row = await this.repository.upsertOutcome(tx, {
      ticketId: input.ticketId,
      macroId: next.macroId,
      resolved: next.resolved,
      signal: input.signal,
      attribution: target.attribution,
      weight: next.weight,
      causeId: next.causeId,
      symptomIds: next.symptomIds,
      note: input.note ?? null,
      actor: input.actor ?? null,
      eventAt: input.eventAt,
      timeToResolutionSeconds: ttr,
      packId,
    });
    if (!existing || existing.pack_id === packId) {
      await this.fixStats.applyDelta(tx, replacementDelta(previous, next), packId);
    } else {
      // The ticket was routed to another pack since: the earlier credit leaves its pack, the new one goes to this.
      await this.fixStats.applyDelta(tx, contribution(previous!, -1), existing.pack_id);
      await this.fixStats.applyDelta(tx, contribution(next), packId);
    }
    // Counted before the caller's transaction commits: one that then fails (a database error) is counted anyway.
    this.metrics.outcomes.inc({ signal: input.signal, resolved: String(input.resolved) });
    return toView(row);
  }

  /**
   * A later signal supersedes an earlier one. A reopen long after the fix worked (beyond the window) is a
   * new problem and leaves the outcome resolved; an agent's own word always counts.
   */
  private supersedes(existing: OutcomeRow, input: SignalInput): boolean {
    if (new Date(existing.event_at).getTime() > input.eventAt.getTime()) return false;
    if (existing.signal === 'agent' && input.signal !== 'agent' && existing.resolved === input.resolved) return false;
    const windowMs = this.config.get('OUTCOME_REOPEN_WINDOW_DAYS') * 86_400_000;
    if (existing.resolved && !input.resolved && input.signal === 'status') {
      return input.eventAt.getTime() - new Date(existing.event_at).getTime() <= windowMs;
    }
    return true;
  }

  private async attribute(
    tx: Tx,
    input: SignalInput,
    suggested: string | null,
  ): Promise<{ macroId: string; attribution: Attribution } | null> {
    if (input.macroId) return { macroId: input.macroId, attribution: 'agent' };
    if (input.appliedMacroId) return { macroId: input.appliedMacroId, attribution: 'applied' };
    const recorded = await this.repository.latestNamedFix(tx, input.ticketId);
    if (recorded) return { macroId: recorded.macro_id, attribution: recorded.attribution };
    return suggested ? { macroId: suggested, attribution: 'suggested' } : null;
  }
}

/**
 * The suggested macro may take the credit only when the triage was written back as is (`auto`): a `review`
 * ticket got no cause tag and several candidate fixes, so its solve says nothing about the suggestion.
 * A ticket triaged before decisions were stored (no decision) keeps the earlier rule.
 */
function creditableSuggestion(ticket: Pick<TicketOutcomeFacts, 'macro_id' | 'decision'>): string | null {
  return ticket.decision === 'review' ? null : ticket.macro_id;
}

function toView(r: OutcomeRow): OutcomeView {
  return {
    id: r.id,
    macroId: r.macro_id,
    resolved: r.resolved,
    signal: r.signal,
    attribution: r.attribution,
    weight: r.weight,
    causeId: r.cause_id,
    symptomIds: r.symptom_ids,
    note: r.note,
    actor: r.actor,
    eventAt: new Date(r.event_at).toISOString(),
    timeToResolutionSeconds: r.time_to_resolution_seconds,
  };
}
