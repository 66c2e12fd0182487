import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { FixStatsService } from '../outcomes/fix-stats.service';
import { Transactions } from '../platform/database/transactions';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';
import { OverridesRepository } from './overrides.repository';

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
    private readonly overrides: OverridesRepository,
    private readonly transactions: Transactions,
    private readonly engine: EngineService,
    private readonly stats: FixStatsService,
  ) {}

  async override(input: OverrideInput): Promise<void> {
    if (!input.causeId && !input.macroId) {
      throw new DomainError('REQUEST.INVALID', 'Name a cause, a macroId, or both', ['cause or macroId is required']);
    }

    await this.transactions.run(async (tx) => {
      const ticket = await this.overrides.lockTicket(tx, input.ticketId);
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
      const result = await this.overrides.triageResult(tx, ticket.latest_triage_id);
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
      await this.overrides.insertOverride(tx, {
        id,
        ticketId: ticket.id,
        triageResultId: ticket.latest_triage_id,
        causeId,
        macroId,
        reason: input.reason,
        actor: input.actor,
        original,
      });
      await this.overrides.applyToTicket(tx, ticket.id, id, causeId, macroId);
    });
    this.stats.invalidate();
  }
}
