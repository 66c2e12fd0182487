import { HttpException, HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorBody, ErrorCode } from './domain-error';

export interface MappedError {
  status: number;
  body: ErrorBody;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.INVALID_KEY',
  403: 'AUTH.FORBIDDEN',
  404: 'ROUTE.NOT_FOUND',
  409: 'CONFLICT',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE.UNAVAILABLE',
};

/** Fastify's own error codes for bodies it cannot read. */
const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.TOO_LARGE', message: 'Request body is larger than 1 MiB' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    message: 'Content-Type must be application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', message: 'Request body is not valid JSON' },
};

/** Postgres refusing a value the API let through (NUL in text, bad encoding): the request's fault. */
const INVALID_VALUE_PG = new Set(['22021', '22P05']);

/** Postgres error classes that mean the database cannot be reached right now. */
const UNAVAILABLE_PG = /^(08|57P0|53)/;

export function mapError(err: unknown): MappedError {
  if (err instanceof DomainError) {
    return { status: err.status, body: { error: withDetails(err.code, err.message, err.details) } };
  }
  // The Fastify adapter wraps body-parsing errors in an HttpException whose cause is the original.
  const parseError = err instanceof HttpException && err.cause ? err.cause : err;
  const fastifyCode = (parseError as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
    const m = FASTIFY_CODES[fastifyCode];
    return { status: m.status, body: { error: { code: m.code, message: m.message } } };
  }
  // By name: the parser's SyntaxError may come from another realm than this module's.
  if ((parseError as Error)?.name === 'SyntaxError' && (parseError as { statusCode?: number }).statusCode === 400) {
    return { status: 400, body: { error: { code: 'REQUEST.MALFORMED_JSON', message: 'Request body is not valid JSON' } } };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const code = STATUS_CODES[status] ?? (status >= 500 ? 'INTERNAL' : 'REQUEST.INVALID');
    if (typeof response === 'object' && response !== null && 'error' in response && isErrorShape(response.error)) {
      return { status, body: response as ErrorBody };
    }
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? err.message);
    if (Array.isArray(message)) {
      return { status, body: { error: { code, message: 'Request validation failed', details: message.map(String) } } };
    }
    return { status, body: { error: { code, message: String(message) } } };
  }
  if (err instanceof QueryFailedError && INVALID_VALUE_PG.has(String((err.driverError as { code?: string })?.code))) {
    return { status: 400, body: { error: { code: 'REQUEST.INVALID', message: 'A value cannot be stored (e.g. a NUL character)' } } };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      body: { error: { code: 'SERVICE.UNAVAILABLE', message: 'The database is not reachable; try again shortly' } },
    };
  }
  const statusCode = (err as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = STATUS_CODES[statusCode] ?? 'REQUEST.INVALID';
    return { status: statusCode, body: { error: { code, message: String((err as Error).message) } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error' } } };
}

export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof QueryFailedError) {
    const code = (err.driverError as { code?: string } | undefined)?.code;
    return typeof code === 'string' && UNAVAILABLE_PG.test(code);
  }
  const e = err as { code?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(e.code)) return true;
  if (typeof e?.code === 'string' && UNAVAILABLE_PG.test(e.code)) return true;
  return typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/.test(e.message);
}

function withDetails(code: string, message: string, details: readonly string[] | undefined): ErrorBody['error'] {
  return details === undefined ? { code, message } : { code, message, details };
}

function isErrorShape(v: unknown): v is ErrorBody['error'] {
  return typeof v === 'object' && v !== null && 'code' in v && 'message' in v;
}

/**
 * A statement error that one row's values can cause (SQLSTATE class 22, data exception, or 23, integrity
 * constraint violation), as opposed to a lost connection or an outage, which would fail any statement.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23)[0-9A-Z]{3}$/.test(code);
}
