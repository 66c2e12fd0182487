import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { TriageDecision } from '../engine';
import { AppConfig } from '../platform/config/app-config.service';
import { MetricsService } from '../platform/metrics/metrics.service';
import {
  ATTRIBUTION_WEIGHT,
  Attribution,
  contribution,
  OutcomeFacts,
  OutcomeSignal,
  replacementDelta,
  StatsDelta,
} from './outcome-contribution';

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

export interface OutcomeView {
  id: string;
  macroId: string;
  resolved: boolean;
  signal: OutcomeSignal;
  attribution: Attribution;
  weight: number;
  causeId: string | null;
  symptomIds: string[];
  note: string | null;
  actor: string | null;
  eventAt: string;
  timeToResolutionSeconds: number | null;
}

interface OutcomeRow {
  id: string;
  pack_id: string;
  macro_id: string;
  resolved: boolean;
  signal: OutcomeSignal;
  attribution: Attribution;
  weight: number;
  cause_id: string | null;
  symptom_ids: string[];
  note: string | null;
  actor: string | null;
  event_at: Date;
  time_to_resolution_seconds: number | null;
}

/**
 * Outcomes: one per fix tried on a ticket, updated by later signals (resolved, then reopened, is not
 * resolved). Every change moves the fix statistics by exactly its difference, in the same transaction.
 */
@Injectable()
export class OutcomesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async record(input: SignalInput): Promise<OutcomeView | null> {
    return this.db.transaction((tx) => this.recordIn(tx, input));
  }

  /** Records a signal inside the caller's transaction; null when it names no fix or is older than what is stored. */
  async recordIn(tx: EntityManager, input: SignalInput): Promise<OutcomeView | null> {
    const [ticket]: {
      macro_id: string | null;
      cause_id: string | null;
      symptom_ids: string[];
      decision: TriageDecision | null;
      opened_at: Date;
      pack_id: string | null;
    }[] = await tx.query(
      `SELECT t.macro_id, t.cause_id, t.symptom_ids, t.decision, COALESCE(t.source_created_at, t.created_at) AS opened_at,
              (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
       FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`,
      [input.ticketId],
    );
    if (!ticket) return null;
    const target = await this.attribute(tx, input, creditableSuggestion(ticket));
    if (!target) return null;

    const [existing]: OutcomeRow[] = await tx.query('SELECT * FROM outcomes WHERE ticket_id = $1 AND macro_id = $2 FOR UPDATE', [
      input.ticketId,
      target.macroId,
    ]);
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
    const [row]: OutcomeRow[] = await tx.query(
      `INSERT INTO outcomes (id, ticket_id, macro_id, resolved, signal, attribution, weight, cause_id, symptom_ids,
                             note, actor, event_at, time_to_resolution_seconds, pack_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (ticket_id, macro_id) DO UPDATE SET pack_id = EXCLUDED.pack_id,
         resolved = EXCLUDED.resolved, signal = EXCLUDED.signal, attribution = EXCLUDED.attribution,
         weight = EXCLUDED.weight, cause_id = EXCLUDED.cause_id, symptom_ids = EXCLUDED.symptom_ids,
         note = COALESCE(EXCLUDED.note, outcomes.note), actor = COALESCE(EXCLUDED.actor, outcomes.actor),
         event_at = EXCLUDED.event_at, time_to_resolution_seconds = EXCLUDED.time_to_resolution_seconds,
         updated_at = now()
       RETURNING *`,
      [
        randomUUID(),
        input.ticketId,
        next.macroId,
        next.resolved,
        input.signal,
        target.attribution,
        next.weight,
        next.causeId,
        next.symptomIds,
        input.note ?? null,
        input.actor ?? null,
        input.eventAt,
        ttr,
        packId,
      ],
    );
    if (!existing || existing.pack_id === packId) {
      await applyStatsDelta(tx, replacementDelta(previous, next), packId);
    } else {
      // The ticket was routed to another pack since: the earlier credit leaves its pack, the new one goes to this.
      await applyStatsDelta(tx, contribution(previous!, -1), existing.pack_id);
      await applyStatsDelta(tx, contribution(next), packId);
    }
    // Counted before the caller's transaction commits: one that then fails (a database error) is counted anyway.
    this.metrics.outcomes.inc({ signal: input.signal, resolved: String(input.resolved) });
    return toView(row);
  }

  async forTicket(ticketId: string): Promise<OutcomeView[]> {
    const rows: OutcomeRow[] = await this.db.query('SELECT * FROM outcomes WHERE ticket_id = $1 ORDER BY event_at', [ticketId]);
    return rows.map(toView);
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
    tx: EntityManager,
    input: SignalInput,
    suggested: string | null,
  ): Promise<{ macroId: string; attribution: Attribution } | null> {
    if (input.macroId) return { macroId: input.macroId, attribution: 'agent' };
    if (input.appliedMacroId) return { macroId: input.appliedMacroId, attribution: 'applied' };
    const [recorded]: { macro_id: string; attribution: Attribution }[] = await tx.query(
      `SELECT macro_id, attribution FROM outcomes WHERE ticket_id = $1 AND attribution <> 'suggested'
       ORDER BY event_at DESC LIMIT 1`,
      [input.ticketId],
    );
    if (recorded) return { macroId: recorded.macro_id, attribution: recorded.attribution };
    return suggested ? { macroId: suggested, attribution: 'suggested' } : null;
  }
}

/**
 * The suggested macro may take the credit only when the triage was written back as is (`auto`): a `review`
 * ticket got no cause tag and several candidate fixes, so its solve says nothing about the suggestion.
 * A ticket triaged before decisions were stored (no decision) keeps the earlier rule.
 */
function creditableSuggestion(ticket: { macro_id: string | null; decision: TriageDecision | null }): string | null {
  return ticket.decision === 'review' ? null : ticket.macro_id;
}

/** Moves one pack's fix statistics by the given deltas. */
export async function applyStatsDelta(tx: EntityManager, deltas: readonly StatsDelta[], packId: string): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO fix_stats (pack_id, dimension, key, macro_id, successes, failures)
     SELECT $6, * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::float8[], $5::float8[])
     ON CONFLICT (pack_id, dimension, key, macro_id) DO UPDATE SET
       successes = fix_stats.successes + EXCLUDED.successes,
       failures = fix_stats.failures + EXCLUDED.failures,
       updated_at = now()`,
    [
      deltas.map((d) => d.dimension),
      deltas.map((d) => d.key),
      deltas.map((d) => d.macroId),
      deltas.map((d) => d.successes),
      deltas.map((d) => d.failures),
      packId,
    ],
  );
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
