import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOOPBACK = '127.0.0.1';
const PG_BIN = process.env.DRILL_PG_BIN || '/usr/lib/postgresql/15/bin';

/** A port nothing listens on right now: the kernel picks one for a moment's listener on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${LOOPBACK}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export async function waitForPortClosed(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await canConnect(port)) {
    if (Date.now() > deadline) throw new Error(`${LOOPBACK}:${port} still accepts connections after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, LOOPBACK, () => done(true));
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Redis of the drill's own, keeping nothing on disk: stopping it loses every queue. */
export class PrivateRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {
    process.once('exit', () => this.child?.kill('SIGKILL'));
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://${LOOPBACK}:${this.port}`;
  }

  /** Starts it again on the same port, empty. */
  async restart(): Promise<void> {
    if (this.child) throw new Error('redis is already running');
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', LOOPBACK, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await waitForPort(this.port);
  }

  /** Kills it the hard way, as a crashed or rebooted host would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
    await waitForPortClosed(this.port);
  }
}

/**
 * A Postgres cluster of the drill's own in a temporary directory, listening on loopback only with trust auth.
 * initdb refuses to run as root, so as root the cluster runs as the postgres user.
 */
export class PrivatePostgres {
  private running = false;
  private readonly stopAtExit = () => {
    if (this.running) this.pgCtl(['stop', '-m', 'immediate', '-w']);
  };

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'triage-drill-pg-'));
    const pg = new PrivatePostgres(await freePort(), dir);
    const owner = postgresOwner();
    if (owner) chownSync(dir, owner.uid, owner.gid);
    pg.run(`${PG_BIN}/initdb`, ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '--encoding=UTF8']);
    process.once('exit', pg.stopAtExit);
    await pg.restart();
    return pg;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  urlFor(database: string): string {
    return `postgres://postgres@${LOOPBACK}:${this.port}/${database}`;
  }

  async restart(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=${LOOPBACK} -k ${this.dir} -c fsync=off -c max_connections=200`;
    this.pgCtl(['start', '-w', '-t', '30', '-l', join(this.dir, 'server.log'), '-o', options]);
    this.running = true;
    await waitForPort(this.port);
  }

  /** Immediate shutdown: connections drop at once, as when the database host goes away. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.pgCtl(['stop', '-m', 'immediate', '-w', '-t', '30']);
    this.running = false;
    await waitForPortClosed(this.port);
  }

  async destroy(): Promise<void> {
    await this.stop();
    process.removeListener('exit', this.stopAtExit);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(args: string[]): void {
    this.run(`${PG_BIN}/pg_ctl`, ['-D', this.dataDir, ...args]);
  }

  private run(command: string, args: string[]): void {
    const [file, argv] = postgresOwner() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  }
}

/** As root, the uid and gid of the postgres user; otherwise the cluster runs as the current user. */
function postgresOwner(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}
