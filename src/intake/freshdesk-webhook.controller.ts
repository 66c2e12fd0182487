import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { AuthVerdict, EarlyAuthenticator } from '../platform/auth/authenticate-first';
import { Public } from '../platform/auth/scopes.decorator';
import { AppConfig } from '../platform/config/app-config.service';
import { DomainError } from '../platform/errors/domain-error';
import { mapFreshdeskWebhook } from './freshdesk-webhook.mapper';
import { HelpdeskIntakeService } from './helpdesk-intake.service';
import { sendWebhookAnswer } from './webhook-answer';
import { FreshdeskWebhookDocs } from './webhook-openapi';
import { WebhookPayloadError } from './zendesk-webhook.mapper';

export const FRESHDESK_WEBHOOK_PATH = '/webhooks/freshdesk';

@ApiTags('webhooks')
@Controller(FRESHDESK_WEBHOOK_PATH.slice(1))
@Public()
export class FreshdeskWebhookController {
  constructor(
    private readonly intake: HelpdeskIntakeService,
    private readonly config: AppConfig,
  ) {}

  /** Freshdesk automation-rule webhooks carry no signature: basic auth or a token header authenticates them. */
  @ApiOperation({ summary: 'Freshdesk automation-rule webhook, with basic auth or X-Webhook-Token' })
  @FreshdeskWebhookDocs()
  @Post()
  @HttpCode(202)
  async receive(
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('authorization') authorization?: string,
    @Headers('x-webhook-token') token?: string,
  ) {
    this.authenticate(authorization, token);
    let event;
    try {
      event = mapFreshdeskWebhook(body);
    } catch (err) {
      if (err instanceof WebhookPayloadError) throw new DomainError('WEBHOOK.INVALID_PAYLOAD', err.message, err.details);
      throw err;
    }
    return sendWebhookAnswer(reply, await this.intake.accept(event));
  }

  private authenticate(authorization?: string, token?: string): void {
    const verdict = checkFreshdeskCredentials(freshdeskCredentials(this.config), authorization, token);
    if (!verdict.ok) throw new DomainError(verdict.code, verdict.message);
  }
}


export interface FreshdeskCredentials {
  user?: string;
  password?: string;
  token?: string;
}

export function freshdeskCredentials(config: AppConfig): FreshdeskCredentials {
  return {
    user: config.get('FRESHDESK_WEBHOOK_USER'),
    password: config.get('FRESHDESK_WEBHOOK_PASSWORD'),
    token: config.get('FRESHDESK_WEBHOOK_TOKEN'),
  };
}

/** Basic auth or the X-Webhook-Token header, compared in constant time. */
export function checkFreshdeskCredentials(expected: FreshdeskCredentials, authorization?: string, token?: string): AuthVerdict {
  const { user, password, token: expectedToken } = expected;
  if (!expectedToken && !(user && password)) {
    return {
      ok: false,
      code: 'WEBHOOK.NOT_CONFIGURED',
      message: 'Freshdesk webhooks are off: set FRESHDESK_WEBHOOK_TOKEN or FRESHDESK_WEBHOOK_USER and FRESHDESK_WEBHOOK_PASSWORD',
    };
  }
  if (expectedToken && token && safeEqual(token, expectedToken)) return { ok: true };
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (user && password && basic && safeEqual(Buffer.from(basic[1], 'base64').toString('utf8'), `${user}:${password}`)) return { ok: true };
  return { ok: false, code: 'WEBHOOK.UNAUTHORIZED', message: 'Freshdesk webhook refused: wrong or missing credentials' };
}

/** Freshdesk webhooks: the credentials are headers, checked before a byte of the body is read. */
export function freshdeskWebhookAuthenticator(expected: FreshdeskCredentials): EarlyAuthenticator {
  return {
    prefix: FRESHDESK_WEBHOOK_PATH,
    headers(req) {
      const token = req.headers['x-webhook-token'];
      return checkFreshdeskCredentials(expected, req.headers.authorization, typeof token === 'string' ? token : undefined);
    },
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
