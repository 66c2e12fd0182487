import { QueryFailedError } from 'typeorm';
import Fastify from 'fastify';
import { loggerParams, REDACTED_PATHS, registerRequestLogging, requestId } from './logging';

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

  describe('request lines', () => {
    async function serve(level: string) {
      const lines: { obj: Record<string, unknown>; msg: string }[] = [];
      const app = Fastify({ genReqId: requestId });
      registerRequestLogging(app, { info: (obj, msg) => lines.push({ obj: obj as Record<string, unknown>, msg }) }, level);
      app.post('/v1/tickets', async (_req, reply) => reply.status(202).send({ ok: true }));
      app.get('/health/live', async () => ({ ok: true }));
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const call = (method: string, url: string, headers: Record<string, string> = {}) =>
        fetch(base + url, { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) }).then((r) => r.status);
      return { app, lines, call };
    }

    it('writes one line per request at info, naming the request, its status and time, and leaving out probes', async () => {
      const { app, lines, call } = await serve('info');
      expect(await call('POST', '/v1/tickets', { 'x-request-id': 'req-42', authorization: 'Bearer secret' })).toBe(202);
      expect(await call('GET', '/health/live')).toBe(200);
      await app.close();
      expect(lines).toHaveLength(1);
      expect(lines[0].msg).toBe('request completed');
      expect(lines[0].obj).toMatchObject({ req: { id: 'req-42', method: 'POST', url: '/v1/tickets' }, statusCode: 202 });
      expect(typeof lines[0].obj.responseTime).toBe('number');
      expect(JSON.stringify(lines[0].obj)).not.toContain('secret');
    });

    it('tracks nothing at warn and above', async () => {
      const { app, lines, call } = await serve('warn');
      expect(await call('POST', '/v1/tickets')).toBe(202);
      await app.close();
      expect(lines).toEqual([]);
    });
  });
});
