import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { IntakeService } from '../intake/intake.service';
import { OutcomesService } from '../outcomes/outcomes.service';
import type { AuthedRequest } from '../platform/auth/api-key.guard';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';
import { OverridesService } from './overrides.service';
import { ListTicketsQuery, OverrideTriageDto, RecordOutcomeDto } from './tickets.dto';
import { TicketsService } from './tickets.service';

@Controller('v1/tickets')
@RequireScope('agent')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly overrides: OverridesService,
    private readonly outcomes: OutcomesService,
    private readonly intake: IntakeService,
    private readonly engine: EngineService,
  ) {}

  @Get()
  list(@Query() query: ListTicketsQuery) {
    return this.tickets.list(query);
  }

  /** The ticket, its effective triage, and its triage history, overrides, outcomes and write-backs. */
  @Get(':id')
  get(@Param('id') id: string) {
    return this.tickets.detail(id);
  }

  @Patch(':id/triage')
  async override(@Param('id') id: string, @Body() body: OverrideTriageDto, @Req() req: AuthedRequest) {
    const ticketId = await this.tickets.resolveId(id);
    await this.overrides.override({
      ticketId,
      causeId: body.cause,
      macroId: body.macroId,
      reason: body.reason,
      actor: req.principal?.name ?? 'unknown',
    });
    return this.tickets.detail(ticketId);
  }

  /** An agent's word on whether a fix resolved the ticket; sending it again changes nothing. */
  @Post(':id/outcome')
  @HttpCode(200)
  async outcome(@Param('id') id: string, @Body() body: RecordOutcomeDto, @Req() req: AuthedRequest) {
    const ticketId = await this.tickets.resolveId(id);
    const macro = this.engine.describe().macros.find((m) => m.id === body.macroId || m.aliases.includes(body.macroId));
    if (!macro) throw new DomainError('UNPROCESSABLE', `Unknown macro ${body.macroId}`, { macroId: body.macroId });
    const recorded = await this.outcomes.record({
      ticketId,
      macroId: macro.id,
      resolved: body.resolved,
      signal: 'agent',
      eventAt: new Date(),
      note: body.note ?? null,
      actor: req.principal?.name ?? null,
    });
    return { ticketId, outcome: recorded };
  }

  /** Triage the ticket again with the current knowledge and statistics. */
  @Post(':id/retriage')
  @HttpCode(202)
  async retriage(@Param('id') id: string) {
    const ticketId = await this.tickets.resolveId(id);
    await this.intake.retriage(ticketId);
    return { id: ticketId, status: 'queued' };
  }
}
