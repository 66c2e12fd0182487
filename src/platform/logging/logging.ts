import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Params } from 'nestjs-pino';
import type { Environment } from '../config/environment';

/** Paths never written to logs: keys, secrets and personal data. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-webhook-token"]',
  'req.headers["x-zendesk-webhook-signature"]',
  '*.email',
  '*.password',
  '*.apiKey',
  '*.token',
];

/** A proxy's X-Request-Id when it looks sane, else a new UUID; Fastify gives it to every log line of the request. */
export function requestId(req: IncomingMessage): string {
  const fromHeader = req.headers['x-request-id'];
  return typeof fromHeader === 'string' && /^[\w.:-]{1,100}$/.test(fromHeader) ? fromHeader : randomUUID();
}

/** JSON logs with the request id on every line of a request. */
export function loggerParams(env: Pick<Environment, 'LOG_LEVEL' | 'NODE_ENV'>): Params {
  return {
    // nestjs-pino's default route pattern does not reach the Fastify adapter's middleware here; name every path.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    // Probes every few seconds would drown the log.
    exclude: [{ path: 'health/{*splat}', method: RequestMethod.GET }],
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      quietReqLogger: true,
      // One line per request is logged at info; above that level nothing would print, so do not track them.
      autoLogging: ['trace', 'debug', 'info'].includes(env.LOG_LEVEL),
      serializers: {
        // Only what explains the error: a database error also carries the query's parameters (ticket text, emails).
        err: (err: { type?: string; name?: string; message?: string; stack?: string; code?: unknown }) => ({
          type: err?.type ?? err?.name,
          message: err?.message,
          code: err?.code,
          stack: err?.stack,
        }),
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
