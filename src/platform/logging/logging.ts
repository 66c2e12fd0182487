import type { FastifyInstance } from 'fastify';
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

/**
 * JSON logs through one pino logger. No per-request middleware: a request-scoped child logger carried in
 * AsyncLocalStorage cost a fifth of the API's CPU per request (two child loggers, and a hook on every promise
 * of the process). Instead a request's own lines (completion, errors) name the request explicitly; see
 * requestLogFields and registerRequestLogging.
 */
export function loggerParams(env: Pick<Environment, 'LOG_LEVEL' | 'NODE_ENV'>): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: env.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        // Only what explains the error: a database error also carries the query's parameters (ticket text, emails).
        err: (err: { type?: string; name?: string; message?: string; stack?: string; code?: unknown }) => ({
          type: err?.type ?? err?.name,
          message: err?.message,
          code: err?.code,
          stack: err?.stack,
        }),
        req: (req: { id: string; method: string; url: string }) => requestLogFields(req),
      },
    },
  };
}

/** What a log line says about the request it belongs to: its id, method and path (never headers or body). */
export function requestLogFields(req: { id: string; method: string; url: string }): { id: string; method: string; url: string } {
  return { id: req.id, method: req.method, url: req.url };
}

const LINE_LEVELS = new Set(['trace', 'debug', 'info']);
const PROBES = /^\/health\//;

/**
 * One `request completed` line per request at info (probes every few seconds would drown the log, so they are
 * left out); at warn and above nothing is tracked at all.
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: { info(obj: object, msg: string): void }, level: string): void {
  if (!LINE_LEVELS.has(level)) return;
  fastify.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' && PROBES.test(req.url)) return;
    logger.info(
      { req: requestLogFields(req), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
}
