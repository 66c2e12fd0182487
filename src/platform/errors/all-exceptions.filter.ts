import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestLogFields } from '../logging/logging';
import { mapError } from './error-mapping';

/** The one place that turns any thrown error into `{error: {code, message, details?}}`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = mapError(exception);
    if (status >= 500) {
      this.logger.error({ err: exception, req: requestLogFields(http.getRequest<FastifyRequest>()) }, `request failed: ${body.error.code}`);
    }
    // The rate limiter sets its own Retry-After; keep it.
    if ((status === 429 || status === 503) && !reply.hasHeader('retry-after')) {
      reply.header('Retry-After', status === 429 ? '60' : '5');
    }
    void reply.status(status).send(body);
  }
}
