/** A small JSON HTTP server for tests: records requests, checks auth, and fails or stalls on demand. */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string, as requested. */
  path: string;
  body: unknown;
  headers: IncomingMessage['headers'];
}

export interface Fault {
  status: number;
  retryAfterSeconds?: number;
  /** Sent as Retry-After verbatim instead of retryAfterSeconds (e.g. an HTTP date). */
  retryAfter?: string;
}

export interface JsonAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Route = (req: RecordedRequest, url: URL, match: RegExpExecArray) => JsonAnswer;

export abstract class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private server?: Server;
  private faults: Fault[] = [];
  private delays: number[] = [];
  private readonly routes: { method: string; pattern: RegExp; handle: Route }[] = [];

  protected constructor(private readonly expectedAuthorization: string) {}

  protected route(method: string, pattern: RegExp, handle: Route): void {
    this.routes.push({ method, pattern, handle });
  }

  /** The next n requests answer with this status (after their auth check), and change nothing. */
  failNext(n: number, fault: Fault): void {
    for (let i = 0; i < n; i++) this.faults.push(fault);
  }

  /** The next request is answered only after ms milliseconds. */
  delayNext(ms: number): void {
    this.delays.push(ms);
  }

  async start(): Promise<{ url: string }> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      body: raw ? parseJson(raw) : undefined,
      headers: req.headers,
    };
    this.requests.push(recorded);

    const delay = this.delays.shift();
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (res.destroyed) return;

    if (req.headers.authorization !== this.expectedAuthorization) {
      return send(res, { status: 401, body: { error: "Couldn't authenticate you" } });
    }
    const fault = this.faults.shift();
    if (fault) {
      const headers: Record<string, string> = {};
      if (fault.retryAfter) headers['retry-after'] = fault.retryAfter;
      else if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      return send(res, { status: fault.status, body: { error: `injected ${fault.status}` }, headers });
    }
    const url = new URL(recorded.path, 'http://fake');
    for (const r of this.routes) {
      const match = r.method === recorded.method ? r.pattern.exec(url.pathname) : null;
      if (match) return send(res, r.handle(recorded, url, match));
    }
    send(res, { status: 404, body: { error: 'RecordNotFound' } });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, answer: JsonAnswer): void {
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(body);
}

export const notFound: JsonAnswer = { status: 404, body: { error: 'RecordNotFound' } };
