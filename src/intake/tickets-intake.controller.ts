import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiServiceUnavailableResponse, ApiTags, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../platform/errors/error-response.dto';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { RequireScope } from '../platform/auth/scopes.decorator';
import { CreateTicketDto } from './create-ticket.dto';
import { IntakeService } from './intake.service';

@ApiTags('tickets')
@Controller('v1/tickets')
export class TicketsIntakeController {
  constructor(private readonly intake: IntakeService) {}

  /** 202 for a new event, 200 with the same id for one accepted before. */
  @ApiOperation({ summary: 'Accept a ticket for triage: 202 when new, 200 with the same id for an event seen before' })
  @ApiAcceptedResponse({ description: 'Stored and queued: {id, status: "queued"}' })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid body (unknown fields included)' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponse, description: 'Body over 1 MiB' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponse, description: 'Body is not JSON' })
  @ApiServiceUnavailableResponse({ type: ErrorResponse, description: 'The database is unreachable' })
  @Post()
  @HttpCode(202)
  @RequireScope('ingest')
  async create(@Body() body: CreateTicketDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.intake.accept({
      source: 'api',
      externalId: body.externalId,
      subject: body.subject ?? '',
      description: body.description,
      requester: body.requester ? { ...body.requester } : null,
      tags: body.tags,
      status: body.status ?? null,
      createdAt: body.createdAt ? new Date(body.createdAt) : null,
      updatedAt: body.updatedAt ? new Date(body.updatedAt) : null,
    });
    if (!result.accepted) void reply.status(200);
    return { id: result.ticketId, status: 'queued' };
  }
}
