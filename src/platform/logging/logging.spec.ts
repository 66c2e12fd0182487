import { QueryFailedError } from 'typeorm';
import { loggerParams, REDACTED_PATHS, requestId } from './logging';

describe('logging', () => {
  const params = loggerParams({ LOG_LEVEL: 'info', NODE_ENV: 'test' });
  const pinoHttp = params.pinoHttp as { serializers: { err: (e: unknown) => Record<string, unknown> } };

  it('logs an error as type, message, code and stack only: a failed query keeps its parameters to itself', () => {
    const err = new QueryFailedError(
      'INSERT INTO tickets ... VALUES ($1, $2)',
      ['ana@example.com', 'call me on +1 415 555 0100'],
      Object.assign(new Error('invalid byte sequence'), { code: '22021', detail: 'Key (email)=(ana@example.com)' }),
    );
    const logged = JSON.stringify(pinoHttp.serializers.err(err));
    expect(logged).toContain('invalid byte sequence');
    expect(logged).not.toContain('ana@example.com');
    expect(logged).not.toContain('555');
    expect(logged).not.toContain('INSERT INTO');
  });

  it('redacts credentials in request headers', () => {
    expect(REDACTED_PATHS).toEqual(expect.arrayContaining(['req.headers.authorization', 'req.headers["x-webhook-token"]']));
  });

  it('takes a sane request id from the caller, else makes one', () => {
    const req = (id?: string) => ({ headers: id ? { 'x-request-id': id } : {} }) as never;
    expect(requestId(req('abc-123'))).toBe('abc-123');
    expect(requestId(req('<script>'))).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestId(req())).toMatch(/^[0-9a-f-]{36}$/);
  });
});
