import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Headers, HttpCode, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ZENDESK_WEBHOOK_PATH } from '../helpdesk/adapters/zendesk.adapter';
import { NOTE_MARKER_PREFIX } from '../helpdesk/note-renderer';
import { Public } from '../platform/auth/scopes.decorator';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import { sendWebhookAnswer } from './webhook-answer';
import { ZendeskWebhookDocs } from './webhook-openapi';

export { NOTE_MARKER_PREFIX, ZENDESK_WEBHOOK_PATH };

@ApiTags('webhooks')
@Controller(ZENDESK_WEBHOOK_PATH.slice(1))
@Public()
export class ZendeskWebhookController {
  constructor(private readonly intake: HelpdeskIntakeService) {}

  /** Both kinds of Zendesk webhook: trigger-connected (admin-written body) and event subscriptions. */
  @ApiOperation({ summary: 'Zendesk webhook (trigger or event subscription), signed with the signing secret' })
  @ZendeskWebhookDocs()
  @Post()
  @HttpCode(202)
  async receive(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
    // Declared for the OpenAPI document; the adapter reads them from the request.
    @Headers('x-zendesk-webhook-signature') _signature?: string,
    @Headers('x-zendesk-webhook-signature-timestamp') _timestamp?: string,
  ) {
    // The signature was checked over the raw bytes before the body was parsed; the intake checks it again, so
    // that the route never serves an unsigned body.
    return sendWebhookAnswer(reply, await this.intake.receiveWebhook('zendesk', req));
  }
}
