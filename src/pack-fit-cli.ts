/**
 * Fits a pack's cause model and writes it into the pack as `model.json` (version 0).
 *
 *   npm run pack:fit                                   the default pack, on the files its training.yaml lists
 *   npm run pack:fit -- --pack DIR [--input FILE]... [--out FILE]
 *
 * Deterministic: the same pack and files give the same bytes. The engine loads the file as data.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPackDir, findProjectRoot, loadPackFromDir, MAX_MODEL_BYTES, MODEL_FILE_NAME } from './knowledge';
import { fitPackModel, readTrainingSpec, type TrainingInput } from './model/pack-fit';

const USAGE = 'usage: npm run pack:fit -- [--pack DIR] [--input FILE]... [--out FILE]';

/** Runs the command with `argv` (without the node and script paths); returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  try {
    return run(argv);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
    return 2;
  }
}

function run(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      pack: { type: 'string' },
      input: { type: 'string', multiple: true },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const packDir = path.resolve(values.pack ?? defaultPackDir());
  const pack = loadPackFromDir(packDir);
  const root = findProjectRoot();
  const spec = values.input?.length
    ? { inputs: values.input.map((p): TrainingInput => ({ path: path.resolve(p) })) }
    : readTrainingSpec(packDir);
  const { weights, tickets, seconds } = fitPackModel(pack, spec.inputs, root, 'settings' in spec ? spec.settings : undefined);
  const text = `${JSON.stringify(weights)}\n`;
  if (Buffer.byteLength(text) > MAX_MODEL_BYTES) {
    process.stderr.write(
      `the fitted weights take ${Buffer.byteLength(text)} bytes, over the ${MAX_MODEL_BYTES} allowed: raise minCount or lower charGrams\n`,
    );
    return 1;
  }
  const out = values.out ?? path.join(packDir, MODEL_FILE_NAME);
  fs.writeFileSync(out, text);
  process.stderr.write(
    `fitted on ${tickets} tickets in ${seconds.toFixed(1)} s: ${Object.keys(weights.named).length} named and ${Object.keys(weights.hashed).length} hashed features, ` +
      `temperature ${weights.temperature}, rules scale ${weights.priorScale}; ${Buffer.byteLength(text)} bytes -> ${out}\n`,
  );
  return 0;
}

if (require.main === module) process.exitCode = main();
