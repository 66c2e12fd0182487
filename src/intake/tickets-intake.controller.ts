import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { AppConfig } from '../platform/config/app-config.service';
import { DomainError } from '../platform/errors/domain-error';
import { CreateTicketDto } from '../tickets/create-ticket.dto';
import { IntakeService } from './intake.service';
import { TicketAcceptedDto } from './ticket-accepted.dto';

@ApiTags('tickets')
@Controller('v1/tickets')
export class TicketsIntakeController {
  constructor(
    private readonly intake: IntakeService,
    private readonly config: AppConfig,
  ) {}

  /** 202 for a new event, 200 with the same id for one accepted before. */
  @ApiOperation({ summary: 'Accept a ticket for triage: 202 when new, 200 with the same id for an event seen before' })
  @ApiAcceptedResponse({ type: TicketAcceptedDto, description: 'Stored and queued' })
  @ApiOkResponse({ type: TicketAcceptedDto, description: 'The same event was accepted before: the same id, nothing new queued' })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description:
      'Invalid body (unknown fields included), or a createdAt or updatedAt more than MAX_FUTURE_SKEW_MINUTES ahead of the server clock',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'Body over 1 MiB' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponse, description: 'Body is not JSON' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'The database is unreachable' })
  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  async create(@Body() body: CreateTicketDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<TicketAcceptedDto> {
    const createdAt = body.createdAt ? new Date(body.createdAt) : null;
    const updatedAt = body.updatedAt ? new Date(body.updatedAt) : null;
    this.refuseFutureDates({ createdAt, updatedAt });
    const result = await this.intake.accept({
      source: 'api',
      externalId: body.externalId,
      subject: body.subject ?? '',
      description: body.description,
      requester: body.requester ? { ...body.requester } : null,
      tags: body.tags,
      status: body.status ?? null,
      createdAt,
      updatedAt,
    });
    if (!result.accepted) void reply.status(200);
    return { id: result.ticketId, status: 'queued' };
  }

  /** A date far ahead would make every later update of the ticket look older than what it holds. */
  private refuseFutureDates(dates: Record<'createdAt' | 'updatedAt', Date | null>): void {
    const minutes = this.config.get('MAX_FUTURE_SKEW_MINUTES');
    const latest = Date.now() + minutes * 60_000;
    const ahead = Object.entries(dates).filter(([, d]) => d && d.getTime() > latest);
    if (ahead.length === 0) return;
    const details = ahead.map(([field]) => `${field} must not be more than ${minutes} minutes ahead of the server clock`);
    throw new DomainError('REQUEST.INVALID', details.join('; '), details);
  }
}
