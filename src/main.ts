import 'reflect-metadata';
import { loadEnvironmentOrExit, migrate, startHttp, startWorker } from './bootstrap';

/** API entry point; ROLE=all (the default) also runs the worker, ROLE=worker runs only the worker. */
async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  await migrate(env);
  if (env.ROLE === 'worker') await startWorker();
  else await startHttp(env.ROLE, env);
}

main().catch((err) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
