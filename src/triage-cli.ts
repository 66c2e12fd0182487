/**
 * Offline triage: reads JSON Lines {id, subject, description} from a file or
 * stdin and prints one JSON result per line on stdout. Needs no server or
 * database. Problems go to stderr; a bad line is reported with its number and
 * skipped, and the exit code is 1 when any line failed. The decision and band
 * follow WRITEBACK_MIN_CONFIDENCE and BAND_MEDIUM_MIN when they are set, as
 * in the service; a bad value stops it before any line is read (exit code 2).
 *
 *   npm run --silent triage -- --input tickets.jsonl
 *   cat tickets.jsonl | npm run --silent triage -- --input -
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { TriageEngine, type TriageGate, type TriageResult } from './engine';
import { DEFAULT_PACK_NAME, loadDefaultPack, loadPackFromDir } from './knowledge';
import { validateEnvironment } from './platform/config/environment';

interface CliOptions {
  readonly input: string;
  readonly packDir?: string;
}

const USAGE = 'usage: triage-cli --input FILE.jsonl|- [--pack DIR]';

function parseArgs(argv: readonly string[]): CliOptions {
  let input: string | undefined;
  let packDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--input' || arg === '-i') input = argv[++i];
    else if (arg.startsWith('--input=')) input = arg.slice('--input='.length);
    else if (arg === '--pack') packDir = argv[++i];
    else if (arg === '--help' || arg === '-h') {
      process.stderr.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (!input) throw new Error(`--input is required\n${USAGE}`);
  return { input, packDir };
}

/** The CLI's output line: the fixed offline contract. */
export function toCliLine(id: unknown, result: TriageResult, packId: string = DEFAULT_PACK_NAME) {
  return {
    id,
    cause: result.cause.id,
    confidence: result.cause.confidence,
    causes: result.causes.filter((c) => c.score > 0).map((c) => ({ id: c.id, score: c.score })),
    symptoms: result.symptoms.filter((s) => s.polarity !== 'negated').map((s) => ({ id: s.id, text: s.text, start: s.start, end: s.end })),
    macro: { id: result.macro.id, title: result.macro.title },
    decision: result.decision,
    band: result.band,
    language: result.language,
    packId,
    modelVersion: result.modelVersion,
  };
}

/** The gate the service would use: the two variables from the environment, validated as the service does. */
export function gateFromEnvironment(env: NodeJS.ProcessEnv = process.env): TriageGate {
  const { WRITEBACK_MIN_CONFIDENCE, BAND_MEDIUM_MIN } = env;
  const valid = validateEnvironment({ WRITEBACK_MIN_CONFIDENCE, BAND_MEDIUM_MIN });
  return { autoMin: valid.WRITEBACK_MIN_CONFIDENCE, mediumMin: valid.BAND_MEDIUM_MIN };
}

function parseTicket(line: string): { id: unknown; subject: string; description: string } {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
  const obj = value as Record<string, unknown>;
  if (typeof obj.description !== 'string') throw new Error('"description" must be a string');
  if (obj.subject !== undefined && obj.subject !== null && typeof obj.subject !== 'string') throw new Error('"subject" must be a string');
  return { id: obj.id ?? null, subject: (obj.subject as string | undefined) ?? '', description: obj.description };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const options = parseArgs(argv);
  const gate = gateFromEnvironment();
  const pack = options.packDir ? loadPackFromDir(options.packDir) : loadDefaultPack();
  // A pack's id is its folder's name, as in PACKS_DIR.
  const packId = options.packDir ? path.basename(path.resolve(options.packDir)) : DEFAULT_PACK_NAME;
  const engine = new TriageEngine(pack);
  const stream = options.input === '-' ? process.stdin : fs.createReadStream(options.input, { encoding: 'utf8' });
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  let failed = 0;
  let done = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    try {
      const ticket = parseTicket(line);
      const result = engine.triage({ subject: ticket.subject, description: ticket.description }, { gate });
      process.stdout.write(`${JSON.stringify(toCliLine(ticket.id, result, packId))}\n`);
      done++;
    } catch (err) {
      failed++;
      process.stderr.write(`line ${lineNumber}: ${(err as Error).message}\n`);
    }
  }
  process.stderr.write(`triaged ${done} ticket(s), ${failed} failed, pack ${engine.packVersion}\n`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
