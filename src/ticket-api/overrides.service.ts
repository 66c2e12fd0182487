import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';

export interface OverrideInput {
  ticketId: string;
  causeId?: string;
  macroId?: string;
  reason: string;
  actor: string;
}

interface Original {
  causeId: string;
  macroId: string;
  symptomIds: string[];
  triageResultId: string;
}

/**
 * An agent's override of cause and/or macro becomes the ticket's effective triage. A cause it names is a label
 * for the next refit of the cause model (src/cause-models), which reads the ticket's latest such override.
 */
@Injectable()
export class OverridesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineService,
    private readonly stats: FixStatsService,
  ) {}

  async override(input: OverrideInput): Promise<void> {
    if (!input.causeId && !input.macroId) {
      throw new DomainError('REQUEST.INVALID', 'Name a cause, a macroId, or both', ['cause or macroId is required']);
    }

    await this.db.transaction(async (tx) => {
      const [ticket]: {
        id: string;
        source: string;
        tags: string[] | null;
        latest_triage_id: string | null;
        override_id: string | null;
        pack_id: string | null;
      }[] = await tx.query(
        `SELECT t.id, t.source, t.tags, t.latest_triage_id, t.override_id,
                (SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id) AS pack_id
         FROM tickets t WHERE t.id = $1 FOR UPDATE OF t`,
        [input.ticketId],
      );
      if (!ticket) throw new DomainError('TICKET.NOT_FOUND', `No ticket ${input.ticketId}`);
      // Cause and macro are the ticket's pack's: the one its latest triage used (see EngineService.packOfTicket).
      const packId = this.engine.packOfTicket({ packId: ticket.pack_id, source: ticket.source, tags: ticket.tags });
      if (input.causeId && !this.engine.packHasCause(input.causeId, packId)) {
        throw new DomainError('UNPROCESSABLE', `Unknown cause ${input.causeId}`, [
          `cause: ${input.causeId} is not a cause of the pack ${packId}`,
        ]);
      }
      const macro = input.macroId ? this.engine.macroOfPack(input.macroId, packId) : undefined;
      if (input.macroId && !macro)
        throw new DomainError('UNPROCESSABLE', `Unknown macro ${input.macroId}`, [
          `macroId: ${input.macroId} is not a macro of the pack ${packId}`,
        ]);
      if (!ticket.latest_triage_id) throw new DomainError('CONFLICT', 'The ticket has no triage yet to override');
      const [result]: { cause_id: string; macro_id: string; symptom_ids: string[] }[] = await tx.query(
        'SELECT cause_id, macro_id, symptom_ids FROM triage_results WHERE id = $1',
        [ticket.latest_triage_id],
      );
      const original: Original = {
        causeId: result.cause_id,
        macroId: result.macro_id,
        symptomIds: result.symptom_ids,
        triageResultId: ticket.latest_triage_id,
      };
      const causeId = input.causeId ?? null;
      // A new cause without a macro brings that cause's own fix.
      const macroId = macro?.id ?? (causeId && causeId !== original.causeId ? this.engine.macroForCause(causeId, packId) : null);
      const id = randomUUID();
      await tx.query(
        `INSERT INTO triage_overrides (id, ticket_id, triage_result_id, cause_id, macro_id, reason, actor, original)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, ticket.id, ticket.latest_triage_id, causeId, macroId, input.reason, input.actor, original],
      );
      await tx.query(
        `UPDATE tickets SET override_id = $2, cause_id = COALESCE($3, cause_id), macro_id = COALESCE($4, macro_id), updated_at = now()
         WHERE id = $1`,
        [ticket.id, id, causeId, macroId],
      );
    });
    this.stats.invalidate();
  }
}
