import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Headers, HttpCode, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FRESHDESK_WEBHOOK_PATH } from '../helpdesk/adapters/freshdesk.adapter';
import { Public } from '../platform/auth/scopes.decorator';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import { sendWebhookAnswer } from './webhook-answer';
import { FreshdeskWebhookDocs } from './webhook-openapi';

export {
  checkFreshdeskCredentials,
  FRESHDESK_WEBHOOK_PATH,
  freshdeskCredentials,
  freshdeskWebhookAuthenticator,
  type FreshdeskCredentials,
} from '../helpdesk/adapters/freshdesk.adapter';

@ApiTags('webhooks')
@Controller(FRESHDESK_WEBHOOK_PATH.slice(1))
@Public()
export class FreshdeskWebhookController {
  constructor(private readonly intake: HelpdeskIntakeService) {}

  /** Freshdesk automation-rule webhooks carry no signature: basic auth or a token header authenticates them. */
  @ApiOperation({ summary: 'Freshdesk automation-rule webhook, with basic auth or X-Webhook-Token' })
  @FreshdeskWebhookDocs()
  @Post()
  @HttpCode(202)
  async receive(
    @Req() req: RawBodyRequest<FastifyRequest>,
    // Declared for the OpenAPI document; the adapter reads them from the request.
    @Body() _body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('authorization') _authorization?: string,
    @Headers('x-webhook-token') _token?: string,
  ) {
    return sendWebhookAnswer(reply, await this.intake.receiveWebhook('freshdesk', req));
  }
}
