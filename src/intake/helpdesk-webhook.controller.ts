import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { applyDecorators, Body, Controller, Headers, HttpCode, Post, type RawBodyRequest, Req, Res, type Type } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HelpdeskAdapter } from '../helpdesk/adapters/helpdesk-adapter';
import { helpdeskAdapters } from '../helpdesk/adapters/helpdesk-adapters';
import { WebhookAcceptedDto, WebhookIgnoredDto } from '../helpdesk/webhooks/webhook-answer.dto';
import { Public } from '../platform/auth/scopes.decorator';
import { perHelpdesk } from '../platform/queue/helpdesks';
import { HelpdeskIntakeService, type WebhookAnswer } from './helpdesk-intake.service';

interface WebhookController {
  receive(req: RawBodyRequest<FastifyRequest>, reply: FastifyReply): Promise<WebhookAcceptedDto | WebhookIgnoredDto>;
}

/** 202 for a new event, 200 for one seen before, 202 with a reason for one the service ignores. */
function sendWebhookAnswer(reply: FastifyReply, answer: WebhookAnswer): WebhookAcceptedDto | WebhookIgnoredDto {
  if (answer.kind === 'ignored') {
    void reply.status(202);
    return { status: 'ignored', reason: answer.reason };
  }
  void reply.status(answer.accepted ? 202 : 200);
  return {
    id: answer.ticketId,
    status: answer.accepted ? 'queued' : 'duplicate',
    event: answer.kind,
    ...(answer.truncated ? { truncated: true as const } : {}),
  };
}

/**
 * `POST <adapter.webhookPath>`: the credentials were checked before the body was parsed (the early authenticator)
 * and are checked again by the intake over the raw body, so the route never serves an unchecked body.
 */
function webhookControllerFor(adapter: HelpdeskAdapter): Type<WebhookController> {
  @ApiTags('webhooks')
  @Controller(adapter.webhookPath.slice(1))
  @Public()
  class HelpdeskWebhookController implements WebhookController {
    constructor(private readonly intake: HelpdeskIntakeService) {}

    async receive(req: RawBodyRequest<FastifyRequest>, reply: FastifyReply) {
      return sendWebhookAnswer(reply, await this.intake.receiveWebhook(adapter.id, req));
    }
  }

  // The route's parameters differ per helpdesk (its credential headers), so they are declared here rather than in
  // the signature; the ones after `reply` only describe the route in the OpenAPI document.
  const prototype = HelpdeskWebhookController.prototype;
  const documented: { decorator: ParameterDecorator; type: Type<unknown> }[] = [
    ...(adapter.webhookDocs.bodyParameter ? [{ decorator: Body(), type: Object }] : []),
    ...adapter.webhookDocs.headers.map((name) => ({ decorator: Headers(name), type: String })),
  ];
  const parameters = [Req(), Res({ passthrough: true }), ...documented.map((p) => p.decorator)];
  // Last to first, as the compiler applies parameter decorators (the document lists them in that order).
  for (let index = parameters.length - 1; index >= 0; index--) parameters[index](prototype, 'receive', index);
  Reflect.defineMetadata('design:paramtypes', [Object, Object, ...documented.map((p) => p.type)], prototype, 'receive');
  const receive = Object.getOwnPropertyDescriptor(prototype, 'receive')!;
  applyDecorators(
    ApiOperation({ summary: adapter.webhookDocs.summary }),
    adapter.webhookDocs.decorators(),
    Post(),
    HttpCode(202),
  )(prototype, 'receive', receive);
  Object.defineProperty(prototype, 'receive', receive);
  // ZendeskWebhookController ...: operation ids and logs name the helpdesk.
  Object.defineProperty(HelpdeskWebhookController, 'name', { value: `${adapter.displayName}WebhookController` });
  return HelpdeskWebhookController;
}

/** One webhook route per helpdesk of HELPDESKS: the API registers them all. */
export const WEBHOOK_CONTROLLERS: Readonly<Record<keyof typeof helpdeskAdapters, Type<WebhookController>>> = perHelpdesk((helpdesk) =>
  webhookControllerFor(helpdeskAdapters[helpdesk]),
);
