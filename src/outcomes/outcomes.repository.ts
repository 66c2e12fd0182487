import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { TriageDecision } from '../engine';
import type { Tx } from '../platform/database/transactions';
import type { Helpdesk } from '../platform/queue/helpdesks';
import type { TicketStatus } from '../tickets/ticket.entity';
import type { Attribution, OutcomeSignal } from './outcome-contribution';

/** What an outcome of a ticket is computed from: its triage (latest, or overridden) and when it was opened. */
export interface TicketOutcomeFacts {
  macro_id: string | null;
  cause_id: string | null;
  symptom_ids: string[];
  decision: TriageDecision | null;
  opened_at: Date;
  /** The pack of the latest triage. */
  pack_id: string | null;
}

/** An `outcomes` row as stored. */
export interface OutcomeRow {
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

/** An outcome to insert, or to write over the ticket's outcome for the same macro. */
export interface OutcomeWrite {
  ticketId: string;
  macroId: string;
  resolved: boolean;
  signal: OutcomeSignal;
  attribution: Attribution;
  weight: number;
  causeId: string | null;
  symptomIds: readonly string[];
  /** Null keeps the stored note (and actor). */
  note: string | null;
  actor: string | null;
  eventAt: Date;
  timeToResolutionSeconds: number | null;
  packId: string;
}

/** A helpdesk's status change or rating as `outcome_signals` keeps it, with the outcome it set (if any). */
export interface OutcomeSignalWrite {
  ticketId: string;
  source: Helpdesk;
  kind: 'status' | 'csat_good' | 'csat_bad';
  status: TicketStatus | null;
  previousStatus: TicketStatus | null;
  resolved: boolean | null;
  macroId: string | null;
  attribution: Attribution | null;
  causeId: string | null;
  symptomIds: readonly string[];
  triageResultId: string | null;
  dedupeKey: string;
  eventAt: Date;
}

/** The `outcomes` and `outcome_signals` tables, and what a signal changes of its ticket. */
@Injectable()
export class OutcomesRepository {
  /** The ticket's triage facts, its row locked until the transaction ends; null when there is no such ticket. */
  async lockTicketFacts(tx: Tx, ticketId: string): Promise<TicketOutcomeFacts | null> {
    const [ticket]: TicketOutcomeFacts[] = await tx.query(
      `SELECT t.macro_id, t.cause_id, t.symptom_ids, t.decision, COALESCE(t.source_created_at, t.created_at) AS opened_at,
              (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
       FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`,
      [ticketId],
    );
    return ticket ?? null;
  }

  /** The ticket's outcome for the macro, locked until the transaction ends; null when none is stored. */
  async lockOutcome(tx: Tx, ticketId: string, macroId: string): Promise<OutcomeRow | null> {
    const [existing]: OutcomeRow[] = await tx.query('SELECT * FROM outcomes WHERE ticket_id = $1 AND macro_id = $2 FOR UPDATE', [
      ticketId,
      macroId,
    ]);
    return existing ?? null;
  }

  /** The macro and attribution of the ticket's latest outcome that an agent named or an applied tag set. */
  async latestNamedFix(tx: Tx, ticketId: string): Promise<{ macro_id: string; attribution: Attribution } | null> {
    const [recorded]: { macro_id: string; attribution: Attribution }[] = await tx.query(
      `SELECT macro_id, attribution FROM outcomes WHERE ticket_id = $1 AND attribution <> 'suggested'
       ORDER BY event_at DESC LIMIT 1`,
      [ticketId],
    );
    return recorded ?? null;
  }

  /** Inserts the outcome, or writes it over the one of the same ticket and macro; the row as stored. */
  async upsertOutcome(tx: Tx, o: OutcomeWrite): Promise<OutcomeRow> {
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
        o.ticketId,
        o.macroId,
        o.resolved,
        o.signal,
        o.attribution,
        o.weight,
        o.causeId,
        o.symptomIds,
        o.note,
        o.actor,
        o.eventAt,
        o.timeToResolutionSeconds,
        o.packId,
      ],
    );
    return row;
  }

  /** Stores the signal; one with a dedupe key stored before is skipped. */
  async insertSignal(tx: Tx, s: OutcomeSignalWrite): Promise<void> {
    await tx.query(
      `INSERT INTO outcome_signals (id, ticket_id, source, kind, status, previous_status, resolved, macro_id,
                                    attribution, cause_id, symptom_ids, triage_result_id, dedupe_key, event_at)
       VALUES ($1, $2, $3, $14, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [
        randomUUID(),
        s.ticketId,
        s.source,
        s.status,
        s.previousStatus,
        s.resolved,
        s.macroId,
        s.attribution,
        s.causeId,
        s.symptomIds,
        s.triageResultId,
        s.dedupeKey,
        s.eventAt,
        s.kind,
      ],
    );
  }

  /** The helpdesk's status and tags as of `at`, unless the ticket holds a later update of the helpdesk. */
  async updateTicketStatus(tx: Tx, ticketId: string, status: TicketStatus, tags: readonly string[], at: Date): Promise<void> {
    await tx.query(
      `UPDATE tickets SET status = $2, tags = $3, source_updated_at = GREATEST(source_updated_at, $4), updated_at = now()
       WHERE id = $1 AND (source_updated_at IS NULL OR source_updated_at <= $4)`,
      [ticketId, status, tags, at],
    );
  }
}
