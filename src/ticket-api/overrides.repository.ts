import { Injectable } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions';

/** The ticket as an override reads it, locked until the transaction ends. */
export interface TicketToOverride {
  id: string;
  source: string;
  tags: string[] | null;
  latest_triage_id: string | null;
  override_id: string | null;
  /** The pack of its latest triage (null before one). */
  pack_id: string | null;
}

/** What a triage result said: the original an override records. */
export interface TriageSaid {
  cause_id: string;
  macro_id: string;
  symptom_ids: string[];
}

export interface NewOverride {
  id: string;
  ticketId: string;
  triageResultId: string;
  causeId: string | null;
  macroId: string | null;
  reason: string;
  actor: string;
  original: unknown;
}

/** The statements of an agent's override, each in the caller's transaction. */
@Injectable()
export class OverridesRepository {
  async lockTicket(tx: Tx, ticketId: string): Promise<TicketToOverride | undefined> {
    const [ticket]: TicketToOverride[] = await tx.query(
      `SELECT t.id, t.source, t.tags, t.latest_triage_id, t.override_id,
                (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
         FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`,
      [ticketId],
    );
    return ticket;
  }

  async triageResult(tx: Tx, resultId: string): Promise<TriageSaid> {
    const [result]: TriageSaid[] = await tx.query('SELECT cause_id, macro_id, symptom_ids FROM triage_results WHERE id = $1', [resultId]);
    return result;
  }

  async insertOverride(tx: Tx, o: NewOverride): Promise<void> {
    await tx.query(
      `INSERT INTO triage_overrides (id, ticket_id, triage_result_id, cause_id, macro_id, reason, actor, original)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [o.id, o.ticketId, o.triageResultId, o.causeId, o.macroId, o.reason, o.actor, o.original],
    );
  }

  /** The override is in force on the ticket: the cause and macro it names replace the ticket's (null keeps it). */
  async applyToTicket(tx: Tx, ticketId: string, overrideId: string, causeId: string | null, macroId: string | null): Promise<void> {
    await tx.query(
      `UPDATE tickets SET override_id = $2, cause_id = COALESCE($3, cause_id), macro_id = COALESCE($4, macro_id), updated_at = now()
         WHERE id = $1`,
      [ticketId, overrideId, causeId, macroId],
    );
  }
}
