import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { CliModule } from './cli.module';
import { MODEL_USAGE, runModelCommand } from './cause-models/model-command';
import { FixStatsService } from './outcomes/fix-stats.service';
import { InboxReplayService } from './triage/inbox-replay.service';
import { SCOPES, Scope } from './platform/auth/api-key.entity';
import { ApiKeyService } from './platform/auth/api-key.service';
import { loadEnvironmentOrExit, migrate } from './bootstrap';

const USAGE = `Usage: npm run cli -- <command>

  api-key create --name NAME --scopes ingest,agent,admin   create a key; it is printed once
  api-key list                                             keys with their scopes (never the secret)
  api-key revoke ID_OR_PREFIX                              revoke a key (running servers refuse it within 10 s)
  stats rebuild                                            recompute fix statistics from the outcome rows
  inbox replay-failed [--limit N]                          triage failed events again
${MODEL_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      scopes: { type: 'string' },
      limit: { type: 'string' },
      folds: { type: 'string' },
      'max-iterations': { type: 'string' },
      'calibration-folds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const [group, command, arg] = positionals;
  if (values.help || !group) {
    process.stdout.write(USAGE);
    return group ? 0 : 2;
  }
  const env = loadEnvironmentOrExit();
  await migrate(env);
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    if (group === 'model') return await runModelCommand(app, command, arg, values);
    switch (`${group} ${command}`) {
      case 'api-key create': {
        const scopes = (values.scopes ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (!values.name || scopes.length === 0 || bad.length > 0) {
          process.stderr.write(`api-key create needs --name and --scopes from ${SCOPES.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}\n`);
          return 2;
        }
        const { key, row } = await app.get(ApiKeyService).create(values.name, scopes as Scope[]);
        process.stdout.write(`${JSON.stringify({ id: row.id, name: row.name, scopes: row.scopes, key })}\n`);
        process.stderr.write('Store the key now: it is not shown again.\n');
        return 0;
      }
      case 'api-key list': {
        for (const k of await app.get(ApiKeyService).list()) process.stdout.write(`${JSON.stringify(k)}\n`);
        return 0;
      }
      case 'api-key revoke': {
        if (!arg) {
          process.stderr.write('api-key revoke needs the key id or its prefix\n');
          return 2;
        }
        const revoked = await app.get(ApiKeyService).revoke(arg);
        process.stdout.write(`${JSON.stringify({ revoked })}\n`);
        return revoked > 0 ? 0 : 1;
      }
      case 'stats rebuild': {
        process.stdout.write(`${JSON.stringify(await app.get(FixStatsService).rebuild())}\n`);
        return 0;
      }
      case 'inbox replay-failed': {
        const replayed = await app.get(InboxReplayService).replayFailed(Number(values.limit ?? 1000));
        process.stdout.write(`${JSON.stringify({ replayed })}\n`);
        return 0;
      }
      default:
        process.stderr.write(USAGE);
        return 2;
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
