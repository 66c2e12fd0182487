import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AuditService } from './audit/audit.service';
import { CliModule } from './cli.module';
import { MODEL_USAGE, runModelCommand } from './cause-models/model-command';
import { FixStatsService } from './outcomes/fix-stats.service';
import { InboxReplayService } from './triage/inbox-replay.service';
import { SCOPES, Scope } from './platform/auth/api-key.entity';
import { ApiKeyService } from './platform/auth/api-key.service';
import { loadEnvironmentOrExit, migrate } from './bootstrap';

const USAGE = `Usage: npm run cli -- <command>

  api-key create --name NAME --scopes ingest,agent,admin [--expires-in-days D | --expires-at ISO]
                                                           create a key; it is printed once; an expired key is
                                                           refused like a revoked one
  api-key list                                             keys with their scopes, expiry and last use (never the secret)
  api-key revoke ID_OR_PREFIX                              revoke a key (running servers refuse it within 10 s)
  stats rebuild                                            recompute fix statistics from the outcome rows
  inbox replay-failed [--limit N]                          triage failed events again
${MODEL_USAGE}`;

/** The expiry asked for: null when none, an error message when it is not a future time. */
export function expiryOf(values: { 'expires-in-days'?: string; 'expires-at'?: string }, now = new Date()): Date | null | string {
  const days = values['expires-in-days'];
  const at = values['expires-at'];
  if (days !== undefined && at !== undefined) return 'give --expires-in-days or --expires-at, not both';
  if (days !== undefined) {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 36_500) return '--expires-in-days takes a whole number of days, 1 to 36500';
    return new Date(now.getTime() + n * 24 * 3600 * 1000);
  }
  if (at !== undefined) {
    const when = /^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/.test(at) ? new Date(at) : null;
    if (!when || Number.isNaN(when.getTime())) return '--expires-at takes an ISO-8601 date or date-time, e.g. 2027-01-31T00:00:00Z';
    if (when.getTime() <= now.getTime()) return '--expires-at must lie in the future';
    return when;
  }
  return null;
}

export async function main(argv: string[]): Promise<number> {
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
      'expires-in-days': { type: 'string' },
      'expires-at': { type: 'string' },
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
  const audit = (action: string, target: string | null, details: Record<string, unknown>) =>
    app.get(AuditService).record({ actor: 'cli', action, target, details });
  try {
    if (group === 'model') return await runModelCommand(app, command, arg, values);
    switch (`${group} ${command}`) {
      case 'api-key create': {
        const scopes = (values.scopes ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (!values.name || scopes.length === 0 || bad.length > 0) {
          process.stderr.write(
            `api-key create needs --name and --scopes from ${SCOPES.join(', ')}${bad.length ? ` (unknown: ${bad.join(', ')})` : ''}\n`,
          );
          return 2;
        }
        const expiresAt = expiryOf(values);
        if (typeof expiresAt === 'string') {
          process.stderr.write(`${expiresAt}\n`);
          return 2;
        }
        const { key, row } = await app.get(ApiKeyService).create(values.name, scopes as Scope[], expiresAt);
        await audit('api_key.create', row.id, { name: row.name, scopes: row.scopes, expiresAt: expiresAt?.toISOString() ?? null });
        const expiry = expiresAt ? { expiresAt: expiresAt.toISOString() } : {};
        process.stdout.write(`${JSON.stringify({ id: row.id, name: row.name, scopes: row.scopes, ...expiry, key })}\n`);
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
        if (revoked > 0) await audit('api_key.revoke', arg, { revoked });
        process.stdout.write(`${JSON.stringify({ revoked })}\n`);
        return revoked > 0 ? 0 : 1;
      }
      case 'stats rebuild': {
        const rebuilt = await app.get(FixStatsService).rebuild();
        await audit('stats.rebuild', null, rebuilt);
        process.stdout.write(`${JSON.stringify(rebuilt)}\n`);
        return 0;
      }
      case 'inbox replay-failed': {
        const replayed = await app.get(InboxReplayService).replayFailed(Number(values.limit ?? 1000));
        await audit('inbox.replay', null, { replayed });
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
