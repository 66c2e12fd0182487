import { INestApplicationContext, ShutdownSignal } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { Logger, PinoLogger } from 'nestjs-pino';
import { createServer } from 'node:http';
import { AppModule } from './app.module';
import { ApiKeyService } from './platform/auth/api-key.service';
import { apiKeyAuthenticator } from './platform/auth/api-key.guard';
import { AuthFailureLimiter } from './platform/auth/auth-failures';
import { registerAuthenticateFirst } from './platform/auth/authenticate-first';
import { RedisThrottlerStorage } from './platform/auth/redis-throttler.storage';
import { HelpdeskRegistry } from './helpdesk/helpdesk-registry.service';
import { AppConfig } from './platform/config/app-config.service';
import { Environment, Role, validateEnvironment } from './platform/config/environment';
import { registerRequestLogging, requestId } from './platform/logging/logging';
import { MetricsService } from './platform/metrics/metrics.service';
import { setupOpenApi } from './platform/openapi';
import { mountQueueDashboard } from './platform/queue/queue-dashboard';
import { prepareDatabase } from './platform/database/prepare-database';
import type { ErrorBody } from './platform/errors/domain-error';
import { inspectBody } from './platform/http/body-guards';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The longest path parameter the router takes (Fastify's default, 100, answers 414 above it). `:id` may be
 * `source:externalId` with a 200-character externalId, percent-encoded: up to 9 characters for each UTF-16 unit
 * (three UTF-8 bytes), so 1,800 and the source fit.
 */
export const MAX_PARAM_LENGTH = 2048;

/** Validates the environment or exits with a message naming each bad variable. */
export function loadEnvironmentOrExit(): Environment {
  try {
    return validateEnvironment(process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}

/**
 * The HTTP server: X-Forwarded-For names the client only behind a trusted proxy (TRUST_PROXY); a request must
 * arrive whole within HTTP_REQUEST_TIMEOUT_MS (a body trickled byte by byte is cut off with 408), a connection
 * with nothing moving either way closes after HTTP_CONNECTION_TIMEOUT_MS, an idle keep-alive one after
 * HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
export function createFastifyAdapter(env: Environment = validateEnvironment(process.env)): FastifyAdapter {
  const requestTimeout = env.HTTP_REQUEST_TIMEOUT_MS;
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    trustProxy: env.TRUST_PROXY,
    genReqId: requestId,
    requestTimeout,
    connectionTimeout: env.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      // Node looks for overdue requests at this interval: a fraction of the timeout, so it is kept closely.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(requestTimeout / 4))),
    },
  });
}

/** Every signal that stops the process except SIGHUP, which reloads the knowledge packs (PackReloader). */
export const SHUTDOWN_SIGNALS: string[] = Object.values(ShutdownSignal).filter((s) => s !== ShutdownSignal.SIGHUP);

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** Settings every HTTP app gets, in production and in tests alike. */
export async function configureHttpApp(app: NestFastifyApplication): Promise<void> {
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  const config = app.get(AppConfig);
  // helmet's headers, its middleware built once (the Fastify plugin rebuilds it on every request).
  const securityHeaders = helmet({
    // Swagger UI and bull-board initialise with inline scripts; nothing is loaded from elsewhere.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
  // Credentials are checked from the headers (or a signature over the raw bytes) before any body is parsed.
  // An app without the API's modules (the worker role) serves no /v1 routes and has no rate-limit storage.
  const storage = providerOf(app, RedisThrottlerStorage);
  const failures = storage ? new AuthFailureLimiter(storage, config.get('AUTH_FAILURE_LIMIT_PER_MINUTE')) : undefined;
  if (failures) {
    registerAuthenticateFirst(
      app.getHttpAdapter().getInstance(),
      [apiKeyAuthenticator(app.get(ApiKeyService)), ...app.get(HelpdeskRegistry, { strict: false }).webhookAuthenticators()],
      failures,
      BODY_LIMIT_BYTES,
    );
  }
  const origins = config.get('CORS_ORIGINS');
  if (origins) app.enableCors({ origin: origins === '*' ? true : origins.split(',').map((o) => o.trim()) });
  // Every endpoint takes JSON: any other body is refused before it is parsed.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      void reply.header('x-request-id', req.id);
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (!hasBody || JSON_TYPE.test(req.headers['content-type'] ?? '')) return;
      const body: ErrorBody = {
        error: { code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' },
      };
      return reply.status(415).send(body);
    });
  // Before validation: hostile nesting would exhaust the transformer's stack, and Postgres stores no NUL.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (req, reply) => {
      const verdict = inspectBody(req.body, { stripNul: req.url.startsWith('/webhooks/') });
      if (verdict.ok) return;
      const body: ErrorBody = { error: { code: 'REQUEST.INVALID', message: verdict.message, details: verdict.details } };
      return reply.status(400).send(body);
    });
  registerRequestLogging(app.getHttpAdapter().getInstance(), PinoLogger.root, config.get('LOG_LEVEL'));
  const metrics = app.get(MetricsService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', async (req, reply) => {
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
  await serveOperations(app, config);
  await mountQueueDashboard(app, failures);
  await app.get(ApiKeyService).ensureDevelopmentKey(config.isProduction);
}

export async function startHttp(role: Role, env: Environment): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(role), createFastifyAdapter(env), {
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await configureHttpApp(app);
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`serving on http://${env.HOST}:${env.PORT} (role ${role})`);
  if (env.OPS_PORT !== undefined)
    app.get(Logger).log(`serving /metrics${env.DOCS_ENABLED ? ' and /docs' : ''} on http://${env.HOST}:${env.OPS_PORT}`);
  return app;
}

export async function startWorker(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRole('worker'), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  serveWorkerMetrics(app);
  app.get(Logger).log('worker started');
  return app;
}

export async function migrate(env: Environment): Promise<void> {
  const { created, migrations } = await prepareDatabase(env.DATABASE_URL);
  if (created) process.stderr.write(`created database ${new URL(env.DATABASE_URL).pathname.slice(1)}\n`);
  for (const m of migrations) process.stderr.write(`applied migration ${m}\n`);
}

/** A worker serves no API; its own metrics (jobs, triage counts) are scraped from WORKER_METRICS_PORT. */
function serveWorkerMetrics(app: INestApplicationContext): void {
  const port = app.get(AppConfig).get('WORKER_METRICS_PORT');
  if (!port) return;
  const metrics = app.get(MetricsService);
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, app.get(AppConfig).get('HOST'));
  server.unref();
  const close = () => server.close();
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

/** Routes that OPS_PORT moves off the public port. */
const OPS_ROUTES = /^\/(?:metrics|docs)(?:[/?]|$)/;

/**
 * /metrics and the OpenAPI document (unless DOCS_ENABLED=false): on the public port, or with OPS_PORT set on a
 * listener of their own on that port (bound like the public one, to HOST), the public port then answering 404
 * for them. Health routes stay public: load balancers probe them there.
 */
async function serveOperations(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const port = config.get('OPS_PORT');
  const docs = config.get('DOCS_ENABLED');
  if (port === undefined) {
    if (docs) setupOpenApi(app);
    return;
  }
  const ops = new FastifyAdapter({ bodyLimit: 1024, requestTimeout: config.get('HTTP_REQUEST_TIMEOUT_MS') });
  const server = ops.getInstance();
  const metrics = app.get(MetricsService);
  server.get('/metrics', async (_req, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('Content-Type', contentType).send(body);
  });
  server.setNotFoundHandler((req, reply) => reply.status(404).send(notFound(req.method, req.url)));
  if (docs) setupOpenApi(app, { getHttpAdapter: () => ops });
  await server.listen({ port, host: config.get('HOST') });

  const publicServer = app.getHttpAdapter().getInstance();
  publicServer.addHook('onRequest', async (req, reply) => {
    if (OPS_ROUTES.test(req.url)) return reply.status(404).send(notFound(req.method, req.url));
  });
  publicServer.addHook('onClose', async () => {
    await server.close();
  });
}

function notFound(method: string, url: string): ErrorBody {
  return { error: { code: 'ROUTE.NOT_FOUND', message: `Cannot ${method} ${url.split('?', 1)[0].slice(0, 200)}` } };
}

/** A provider of the application, or undefined when its modules do not include it. */
function providerOf<T>(app: NestFastifyApplication, token: abstract new (...args: never[]) => T): T | undefined {
  try {
    return app.get(token, { strict: false });
  } catch {
    return undefined;
  }
}
