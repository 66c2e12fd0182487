import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Headers, HttpCode, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../platform/auth/scopes.decorator';
import { AppConfig } from '../platform/config/app-config.service';
import { DomainError } from '../platform/errors/domain-error';
import { NOTE_MARKER_PREFIX } from '../helpdesk/note-renderer';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import { sendWebhookAnswer } from './webhook-answer';
import { ZendeskWebhookDocs } from './webhook-openapi';
import { verifyZendeskSignature, ZENDESK_NOT_CONFIGURED, ZENDESK_REFUSALS } from './zendesk-signature';
import { mapZendeskWebhook, WebhookPayloadError } from './zendesk-webhook.mapper';

export { NOTE_MARKER_PREFIX };
export const ZENDESK_WEBHOOK_PATH = '/webhooks/zendesk';

@ApiTags('webhooks')
@Controller(ZENDESK_WEBHOOK_PATH.slice(1))
@Public()
export class ZendeskWebhookController {
  constructor(
    private readonly intake: HelpdeskIntakeService,
    private readonly config: AppConfig,
  ) {}

  /** Both kinds of Zendesk webhook: trigger-connected (admin-written body) and event subscriptions. */
  @ApiOperation({ summary: 'Zendesk webhook (trigger or event subscription), signed with the signing secret' })
  @ZendeskWebhookDocs()
  @Post()
  @HttpCode(202)
  async receive(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('x-zendesk-webhook-signature') signature?: string,
    @Headers('x-zendesk-webhook-signature-timestamp') timestamp?: string,
  ) {
    // The signature was checked over the raw bytes before the body was parsed (zendeskWebhookAuthenticator);
    // checked again here, so that the route never serves an unsigned body.
    const secret = this.config.get('ZENDESK_WEBHOOK_SECRET');
    if (!secret) throw new DomainError('WEBHOOK.NOT_CONFIGURED', ZENDESK_NOT_CONFIGURED);
    const check = verifyZendeskSignature({ signature, timestamp, rawBody: req.rawBody ?? Buffer.alloc(0), secret });
    if (!check.ok) throw new DomainError('WEBHOOK.BAD_SIGNATURE', `Zendesk webhook refused: ${ZENDESK_REFUSALS[check.reason]}`);
    let event;
    try {
      event = mapZendeskWebhook(req.body, {
        ownUserId: this.config.get('ZENDESK_USER_ID'),
        ownEmail: this.config.get('ZENDESK_EMAIL'),
        noteMarkerPrefix: NOTE_MARKER_PREFIX,
      });
    } catch (err) {
      if (err instanceof WebhookPayloadError) throw new DomainError('WEBHOOK.INVALID_PAYLOAD', err.message, err.details);
      throw err;
    }
    return sendWebhookAnswer(reply, await this.intake.accept(event));
  }
}
