import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '../errors/domain-error';
import type { AuthFailureLimiter } from './auth-failures';

export type AuthVerdict = { ok: true } | { ok: false; code: ErrorCode; message: string };

/**
 * How the requests under one path prefix authenticate. `headers` runs when the headers have arrived, before a
 * byte of the body is read; it answers a verdict, or 'body' when the credential covers the body bytes (a
 * signature), which `body` then checks over the raw bytes, before any JSON parsing.
 */
export interface EarlyAuthenticator {
  readonly prefix: string;
  headers(req: FastifyRequest): AuthVerdict | 'body' | Promise<AuthVerdict | 'body'>;
  body?(req: FastifyRequest, raw: Buffer): AuthVerdict;
}

/** A refused request: the path prefix whose credentials failed and the error code answered. */
export interface RefusedAuthentication {
  readonly prefix: string;
  readonly code: ErrorCode;
}

const AWAITING_BODY = Symbol('awaitingBodyAuthentication');
const REFUSED = Symbol('refusedAuthentication');
type PendingRequest = FastifyRequest & { [AWAITING_BODY]?: EarlyAuthenticator; [REFUSED]?: RefusedAuthentication };

/** Why this request's credentials were refused, if they were: the metrics read it once the answer has gone. */
export function refusedAuthentication(req: FastifyRequest): RefusedAuthentication | undefined {
  return (req as PendingRequest)[REFUSED];
}

/**
 * Authenticates before the body is parsed: an unauthenticated request costs no JSON parse, no body walk and no
 * validation, and a refused request with a body has its connection closed rather than its body read. Failures
 * are counted per client address (the socket's peer, or X-Forwarded-For when the proxy is trusted); past the
 * limit the answer is 429 with Retry-After. A valid credential is never counted.
 */
export function registerAuthenticateFirst(
  fastify: FastifyInstance,
  authenticators: readonly EarlyAuthenticator[],
  failures: AuthFailureLimiter,
  bodyLimit: number,
): void {
  const find = (req: FastifyRequest) => {
    const path = req.routeOptions.url ?? req.url.split('?', 1)[0];
    return authenticators.find((a) => path === a.prefix || path.startsWith(`${a.prefix}/`));
  };

  fastify.addHook('onRequest', async (req, reply) => {
    // A CORS preflight carries no credentials and no body.
    const authenticator = req.method === 'OPTIONS' ? undefined : find(req);
    if (!authenticator) return;
    const verdict = await authenticator.headers(req);
    if (verdict === 'body') {
      (req as PendingRequest)[AWAITING_BODY] = authenticator;
      return;
    }
    if (!verdict.ok) return refuse(req, reply, authenticator, verdict, failures);
  });

  fastify.addHook('preParsing', async (req, reply, payload) => {
    const authenticator = (req as PendingRequest)[AWAITING_BODY];
    if (!authenticator?.body) return payload;
    const raw = await readAtMost(payload, bodyLimit);
    if (raw === null) {
      void closeAfterReply(reply).status(413).send(errorBody('REQUEST.TOO_LARGE', 'Request body is larger than 1 MiB'));
      return payload;
    }
    const verdict = authenticator.body(req, raw);
    if (!verdict.ok) {
      await refuse(req, reply, authenticator, verdict, failures);
      return payload;
    }
    const replay = Readable.from([raw]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = raw.length;
    return replay;
  });
}

async function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  authenticator: EarlyAuthenticator,
  verdict: Extract<AuthVerdict, { ok: false }>,
  failures: AuthFailureLimiter,
) {
  (req as PendingRequest)[REFUSED] = { prefix: authenticator.prefix, code: verdict.code };
  const retryAfter = await failures.fail(req.ip);
  if (hasBody(req)) closeAfterReply(reply);
  if (retryAfter > 0) {
    return reply
      .status(429)
      .header('Retry-After', String(retryAfter))
      .send(errorBody('RATE_LIMITED', `Too many failed authentications from this address; retry in ${retryAfter} s`));
  }
  return reply.status(ERROR_STATUS[verdict.code]).send(errorBody(verdict.code, verdict.message));
}

function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

function hasBody(req: FastifyRequest): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

/** The unread rest of a refused body is not read: the connection closes after the answer. */
function closeAfterReply(reply: FastifyReply): FastifyReply {
  return reply.header('Connection', 'close');
}

/** The body bytes, or null as soon as they exceed `limit` (the rest is left unread, the stream paused). */
function readAtMost(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (value: Buffer | null, err?: Error) => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      length += bytes.length;
      if (length > limit) {
        payload.pause();
        done(null);
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = () => done(Buffer.concat(chunks, length));
    const onError = (err: Error) => done(null, err);
    payload.on('data', onData);
    payload.once('end', onEnd);
    payload.once('error', onError);
  });
}

/** The key of an "Authorization: Bearer <key>" header, or null. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match ? match[1] : null;
}
