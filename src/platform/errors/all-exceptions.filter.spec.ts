import { ArgumentsHost, HttpException, Logger } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';

describe('AllExceptionsFilter', () => {
  function host(req: object) {
    const reply = {
      statusCode: 0,
      sent: undefined as unknown,
      headers: {} as Record<string, string>,
      hasHeader(name: string) {
        return name in this.headers;
      },
      header(name: string, value: string) {
        this.headers[name] = value;
        return this;
      },
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      send(body: unknown) {
        this.sent = body;
        return this;
      },
    };
    const args = { switchToHttp: () => ({ getResponse: () => reply, getRequest: () => req }) } as unknown as ArgumentsHost;
    return { args, reply };
  }

  afterEach(() => jest.restoreAllMocks());

  it('logs a server error with the request it belongs to, and answers with the error shape', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { args, reply } = host({ id: 'req-7', method: 'POST', url: '/v1/tickets', headers: { authorization: 'Bearer k' } });
    new AllExceptionsFilter().catch(new Error('boom'), args);
    expect(reply.statusCode).toBe(500);
    expect(reply.sent).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(error).toHaveBeenCalledTimes(1);
    const [fields, message] = error.mock.calls[0] as [Record<string, unknown>, string];
    expect(fields.req).toEqual({ id: 'req-7', method: 'POST', url: '/v1/tickets' });
    expect(message).toMatch(/^request failed: /);
  });

  it('does not log a client error', () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { args, reply } = host({ id: 'req-8', method: 'GET', url: '/v1/causes' });
    new AllExceptionsFilter().catch(new HttpException('nope', 404), args);
    expect(reply.statusCode).toBe(404);
    expect(error).not.toHaveBeenCalled();
  });
});
