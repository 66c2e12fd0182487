/** Namespaced error codes; the exception filter maps each to its HTTP status. */
export const ERROR_STATUS = {
  'REQUEST.INVALID': 400,
  'REQUEST.MALFORMED_JSON': 400,
  'REQUEST.TOO_LARGE': 413,
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': 415,
  'AUTH.MISSING_KEY': 401,
  'AUTH.INVALID_KEY': 401,
  'AUTH.FORBIDDEN': 403,
  'WEBHOOK.BAD_SIGNATURE': 401,
  'WEBHOOK.UNAUTHORIZED': 401,
  'WEBHOOK.NOT_CONFIGURED': 401,
  'WEBHOOK.INVALID_PAYLOAD': 400,
  'TICKET.NOT_FOUND': 404,
  'TICKET.ERASED': 409,
  'MACRO.NOT_FOUND': 404,
  'SYMPTOM.NOT_FOUND': 404,
  'ROUTE.NOT_FOUND': 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  'SERVICE.UNAVAILABLE': 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: readonly string[] };
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
