import 'reflect-metadata';
import { loadEnvironmentOrExit, migrate, startWorker } from './bootstrap';

/** Worker entry point: queue processors and the inbox sweeper, no HTTP. */
async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  await migrate(env);
  await startWorker();
}

main().catch((err) => {
  process.stderr.write(`failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
