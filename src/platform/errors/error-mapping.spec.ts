import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it('maps a domain error to its status and code', () => {
    expect(mapError(new DomainError('TICKET.NOT_FOUND', 'No ticket x'))).toEqual({
      status: 404,
      body: { error: { code: 'TICKET.NOT_FOUND', message: 'No ticket x' } },
    });
    expect(mapError(new DomainError('AUTH.FORBIDDEN', 'nope', ['required scope: admin'])).body.error.details).toEqual([
      'required scope: admin',
    ]);
  });

  it('turns validation failures into 400 with the messages as details', () => {
    const mapped = mapError(new BadRequestException(['description should not be empty', 'property x should not exist']));
    expect(mapped.status).toBe(400);
    expect(mapped.body.error).toEqual({
      code: 'REQUEST.INVALID',
      message: 'Request validation failed',
      details: ['description should not be empty', 'property x should not exist'],
    });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(mapError(new NotFoundException('Cannot GET /nope')).body.error.code).toBe('ROUTE.NOT_FOUND');
    expect(mapError(new PayloadTooLargeException()).status).toBe(413);
  });

  it("maps Fastify's body errors to 413, 415 and 400", () => {
    const fst = (code: string) => Object.assign(new Error(code), { code });
    expect(mapError(fst('FST_ERR_CTP_BODY_TOO_LARGE'))).toMatchObject({ status: 413, body: { error: { code: 'REQUEST.TOO_LARGE' } } });
    expect(mapError(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE')).status).toBe(415);
    expect(mapError(fst('FST_ERR_CTP_INVALID_JSON_BODY')).body.error.code).toBe('REQUEST.MALFORMED_JSON');
  });

  it('answers 503 when Postgres cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(mapError(refused).status).toBe(503);
    const shutdown = new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating'), { code: '57P01' }));
    expect(mapError(shutdown).body.error.code).toBe('SERVICE.UNAVAILABLE');
  });

  it('hides the details of unexpected errors', () => {
    expect(mapError(new Error('secret stack detail'))).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal server error' } },
    });
  });
});

describe('mapError with errors wrapped by the Fastify adapter', () => {
  it('reads the cause of a wrapped body-parsing error', () => {
    const syntax = Object.assign(new SyntaxError('Unexpected end of JSON input'), { statusCode: 400 });
    const wrapped = new BadRequestException('Body is not valid JSON', { cause: syntax });
    expect(mapError(wrapped).body.error.code).toBe('REQUEST.MALFORMED_JSON');
  });
});
