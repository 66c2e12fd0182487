import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { configureHttpApp, createFastifyAdapter } from '../../src/bootstrap';
import type { Role } from '../../src/platform/config/environment';
import { prepareDatabase } from '../../src/platform/database/prepare-database';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The real service (API and worker in one process) against this run's Postgres and Redis. */
export async function createTestApp(
  options: { role?: Role; override?: (builder: TestingModuleBuilder) => TestingModuleBuilder } = {},
): Promise<TestApp> {
  await prepareDatabase(process.env.DATABASE_URL!);
  let builder = Test.createTestingModule({ imports: [AppModule.forRole(options.role ?? 'all')] });
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(), {
    rawBody: true,
    logger: false,
  });
  await configureHttpApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

let counter = 0;
/** A unique external id per call, so suites never collide within one run. */
export function uniqueId(prefix = 'T'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${process.pid}-${counter}`;
}

export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
    last = await probe();
  }
  return last;
}

/** GET /v1/tickets/:ref once its triage is done and none of its write-backs is still pending. */
export function writebackSettled(app: TestApp, ref: string, headers: Record<string, string> = { Authorization: `Bearer ${ADMIN_KEY}` }) {
  return waitFor(
    () =>
      app
        .http()
        .get(`/v1/tickets/${ref}`)
        .set(headers)
        .then((r) => r.body),
    (b) => b.triage?.state === 'done' && b.writebacks?.length > 0 && b.writebacks.every((w: { state: string }) => w.state !== 'pending'),
    { timeoutMs: 15_000 },
  );
}

/**
 * One app for a describe block, started with `env` added to the environment (webhook secrets and the like)
 * and closed, with the environment restored, after the block. Read `app` and `db` inside tests.
 */
export function suiteApp(env: Record<string, string>): { readonly app: TestApp; readonly db: DataSource } {
  let app: TestApp | undefined;
  let db: DataSource | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    Object.assign(process.env, env);
    app = await createTestApp();
    db = app.app.get(DataSource);
  });
  afterAll(async () => {
    await app?.close();
    process.env = saved;
  });
  return {
    get app() {
      return app as TestApp;
    },
    get db() {
      return db as DataSource;
    },
  };
}
