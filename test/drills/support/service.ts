import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { buildDist } from '../../support/build';
import { freePort, sleep } from './servers';

export const ADMIN_KEY = 'drill-admin-key-0123456789abcdef';
const ROOT = resolve(__dirname, '../../..');

/** Builds dist/ (incrementally); the drills run the service as the real compiled processes. */
export function ensureBuild(): void {
  buildDist();
}

export interface ServiceSettings {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
}

const running = new Set<ServiceProcess>();
process.once('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});

/** One API or worker process of the service, with its output kept for the failure message. */
export class ServiceProcess {
  private output = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    /** The API's HTTP port, or the worker's metrics port. */
    readonly port: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        running.delete(this);
        done();
      }),
    );
    running.add(this);
  }

  static async startApi(settings: ServiceSettings, name = 'api'): Promise<ServiceProcess> {
    const port = await freePort();
    const api = ServiceProcess.spawn(name, 'dist/src/main.js', settings, { ROLE: 'api', PORT: String(port) }, port);
    await api.waitUntilServing(`http://127.0.0.1:${port}/health/live`);
    return api;
  }

  static async startWorker(settings: ServiceSettings, name = 'worker'): Promise<ServiceProcess> {
    const port = await freePort();
    const worker = ServiceProcess.spawn(name, 'dist/src/worker.js', settings, { ROLE: 'worker', WORKER_METRICS_PORT: String(port) }, port);
    await worker.waitUntilServing(`http://127.0.0.1:${port}/metrics`);
    return worker;
  }

  private static spawn(
    name: string,
    script: string,
    settings: ServiceSettings,
    extra: Record<string, string>,
    port: number,
  ): ServiceProcess {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: settings.databaseUrl,
      REDIS_URL: settings.redisUrl,
      QUEUE_PREFIX: settings.queuePrefix,
      ADMIN_API_KEY: ADMIN_KEY,
      INBOX_SWEEP_SECONDS: '1',
      JOB_LOCK_SECONDS: '2',
      LOG_LEVEL: 'warn',
      ...extra,
    };
    const child = spawn(process.execPath, [script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(name, child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  get log(): string {
    return this.output;
  }

  private async waitUntilServing(url: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited with ${this.exitCode} while starting:\n${this.output}`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not serve ${url} within ${timeoutMs} ms:\n${this.output}`);
      await sleep(100);
    }
  }

  /** SIGKILL: the process dies in the middle of whatever it does, holding its job locks. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM for a clean shutdown, SIGKILL when it does not end in time. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) await this.kill();
  }
}

/** Stops every process still running; for afterAll, whatever the drill's outcome. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}
