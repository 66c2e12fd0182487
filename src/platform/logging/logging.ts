import type { IncomingMessage, ServerResponse } from 'node:http';
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

/** JSON logs with a request id on every line; the id is taken from X-Request-Id when a proxy sets one. */
export function loggerParams(env: Pick<Environment, 'LOG_LEVEL' | 'NODE_ENV'>): Params {
  return {
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      quietReqLogger: true,
      autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const fromHeader = req.headers['x-request-id'];
        const id = typeof fromHeader === 'string' && /^[\w.:-]{1,100}$/.test(fromHeader) ? fromHeader : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
