import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { OutcomesService } from '../outcomes/outcomes.service';
import type { AuthedRequest } from '../platform/auth/api-key.guard';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { DomainError } from '../platform/errors/domain-error';
import { EngineService } from '../triage/engine.service';
import { RetriageService } from '../triage/retriage.service';
import { OverridesService } from './overrides.service';
import {
  ListTicketsQuery,
  OutcomeAnswerDto,
  OverrideTriageDto,
  RecordOutcomeDto,
  RetriageAnswerDto,
  TicketFullDto,
  TicketPageDto,
} from './tickets.dto';
import { TicketsService } from './tickets.service';

@ApiTags('tickets')
@Controller('v1/tickets')
@RequireScope('agent')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly overrides: OverridesService,
    private readonly outcomes: OutcomesService,
    private readonly retriages: RetriageService,
    private readonly engine: EngineService,
  ) {}

  @ApiOperation({
    summary:
      'Tickets newest first, filtered (cause, symptom, status, source, from, to, overridden, decision, macro, resolved), ' +
      'descriptions cut to 500 characters, with cursor pagination: {items, nextCursor}',
  })
  @ApiOkResponse({ type: TicketPageDto })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @Get()
  list(@Query() query: ListTicketsQuery) {
    return this.tickets.list(query);
  }

  /** The ticket, its effective triage, and its triage history, overrides, outcomes and write-backs. */
  @ApiOperation({
    summary: 'A ticket (by id or source:externalId) with its effective triage, history, overrides, outcomes and write-backs',
  })
  @ApiOkResponse({ type: TicketFullDto })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @Get(':id')
  get(@Param('id') id: string) {
    return this.tickets.detail(id);
  }

  @ApiOperation({ summary: "Override the triage's cause and/or macro, with a reason; counts as feedback" })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: 'The ticket has no triage yet' })
  @ApiOkResponse({ type: TicketFullDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: "Not a cause or macro of the ticket's pack" })
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
  @ApiOperation({ summary: 'Record whether a fix resolved the ticket; repeating it changes nothing, a later signal supersedes' })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiUnprocessableEntityResponse({ type: ErrorResponse, description: "Not a macro of the ticket's pack" })
  @ApiOkResponse({ type: OutcomeAnswerDto })
  @Post(':id/outcome')
  @HttpCode(200)
  async outcome(@Param('id') id: string, @Body() body: RecordOutcomeDto, @Req() req: AuthedRequest) {
    // The macro is the ticket's pack's (its latest triage's, else the one routing chooses), and credited there.
    const { id: ticketId, packId } = await this.tickets.resolveWithPack(id);
    const macro = this.engine.macroOfPack(body.macroId, packId);
    if (!macro)
      throw new DomainError('UNPROCESSABLE', `Unknown macro ${body.macroId}`, [
        `macroId: ${body.macroId} is not a macro of the pack ${packId}`,
      ]);
    const recorded = await this.outcomes.record({
      ticketId,
      packId,
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
  @ApiOperation({ summary: 'Triage the ticket again with the current knowledge and statistics' })
  @ApiAcceptedResponse({ type: RetriageAnswerDto })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ type: ErrorResponse, description: "The ticket's personal data was erased (TICKET.ERASED): no text to triage" })
  @Post(':id/retriage')
  @HttpCode(202)
  async retriage(@Param('id') id: string): Promise<RetriageAnswerDto> {
    const ticketId = await this.tickets.resolveHeldText(id);
    await this.retriages.retriage(ticketId);
    return { id: ticketId, status: 'queued' };
  }
}
