/**
 * Checks a knowledge pack folder, then scores its labelled examples.
 *
 *   npm run pack:check DIR
 *
 * Validation: every file against its schema, then the checks across files (ids, regex safety, plugins and
 * their parameters, derived rules, variant keys), pack.yaml's routing, the cause-model weights and
 * training.yaml; each problem
 * on its own line of stderr as `file: field path: problem`, and exit code 1. A valid pack then has its
 * labelled examples scored with `npm run eval`'s code: `examples.jsonl` in the folder, else each file its
 * training.yaml lists (the held-out quarter of those marked `exclude: holdout`). Exit code 0 when valid.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { CompiledPack } from './engine';
import { main as evalMain } from './eval-cli';
import { findProjectRoot, loadPackFromDir, splitServiceFields } from './knowledge/pack-loader';
import { trainingFileSchema } from './knowledge/pack-schema';
import {
  checkPack,
  formatPackProblem,
  PACK_FILE_NAMES,
  PackValidationError,
  parsePackFile,
  type PackFiles,
  type PackProblem,
} from './knowledge/pack-validation';
import { TRAINING_FILE_NAME, type TrainingInput } from './model/pack-fit';

const USAGE = 'usage: npm run pack:check DIR';

/** A pack's own labelled tickets, scored after validation when present. */
export const EXAMPLES_FILE_NAME = 'examples.jsonl';

/** Runs the command with `argv` (without the node and script paths); returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  let dir: string;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new Error('give one pack folder');
    // npm runs scripts from the project root; a relative folder is the caller's.
    dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    process.stderr.write(`${dir}: not a folder\n${USAGE}\n`);
    return 2;
  }
  const { problems, pack, training } = validate(dir);
  if (!pack) {
    for (const problem of problems) process.stderr.write(`${formatPackProblem(problem)}\n`);
    process.stderr.write(`pack ${dir}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n`);
    return 1;
  }
  const plugins = pack.definition.plugins.map((p) => p.name).join(', ') || 'none';
  process.stdout.write(
    `pack ${dir}: valid: ${pack.definition.name} ${pack.version}, ${pack.causeIds.length} causes, ${pack.definition.symptoms.length} symptoms, ` +
      `${pack.definition.macros.length} macros, plugins ${plugins}${pack.modelWeights ? `, cause model ${pack.modelWeights.version}` : ''}\n`,
  );
  return scoreExamples(dir, training);
}

/** Reads and parses one YAML file of the pack; a missing optional file is undefined. */
function readYaml(dir: string, file: string, problems: PackProblem[], optional = false): unknown {
  const full = path.join(dir, file);
  if (optional && !fs.existsSync(full)) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (err) {
    problems.push({ file, path: 'file', problem: `cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
    return undefined;
  }
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    problems.push({ file, path: 'yaml', problem: (err as Error).message.split('\n')[0] });
    return undefined;
  }
}

/** Every problem of the pack in `dir`, and its training inputs when training.yaml is valid. */
function validate(dir: string): { problems: PackProblem[]; pack?: CompiledPack; training?: readonly TrainingInput[] } {
  const problems: PackProblem[] = [];
  const files: PackFiles = {
    pack: readYaml(dir, PACK_FILE_NAMES.pack, problems),
    causes: readYaml(dir, PACK_FILE_NAMES.causes, problems),
    symptoms: readYaml(dir, PACK_FILE_NAMES.symptoms, problems),
    macros: readYaml(dir, PACK_FILE_NAMES.macros, problems),
  };
  if (problems.length === 0) problems.push(...checkPack(withoutServiceFields(files, problems)).problems);
  const trainingYaml = readYaml(dir, TRAINING_FILE_NAME, problems, true);
  const training =
    trainingYaml === undefined ? undefined : parsePackFile(TRAINING_FILE_NAME, undefined, trainingYaml, trainingFileSchema, problems);
  if (problems.length) return { problems };
  try {
    // What validation leaves to loading: the cause-model weights against the pack, and compilation.
    return { problems: [], pack: loadPackFromDir(dir), training: training?.inputs };
  } catch (err) {
    if (err instanceof PackValidationError) return { problems: [...err.problems] };
    return { problems: [{ file: PACK_FILE_NAMES.pack, path: 'document', problem: `does not compile: ${(err as Error).message}` }] };
  }
}

/** The files as validation reads them: pack.yaml's `routing` (the service's, not the engine's) checked apart. */
function withoutServiceFields(files: PackFiles, problems: PackProblem[]): PackFiles {
  try {
    return splitServiceFields(files).files;
  } catch (err) {
    if (!(err instanceof PackValidationError)) throw err;
    problems.push(...err.problems);
    const pack = { ...(files.pack as Record<string, unknown>) };
    delete pack.routing;
    return { ...files, pack };
  }
}

/** Scores the pack's labelled examples with `npm run eval`; 0 when every file scored (or there is none). */
function scoreExamples(dir: string, training: readonly TrainingInput[] | undefined): number {
  const examples = path.join(dir, EXAMPLES_FILE_NAME);
  if (fs.existsSync(examples)) return evalMain(['--input', examples, '--pack', dir]) === 0 ? 0 : 1;
  if (!training?.length) {
    process.stdout.write(`no labelled examples (${EXAMPLES_FILE_NAME} or ${TRAINING_FILE_NAME} inputs) to score\n`);
    return 0;
  }
  const root = findProjectRoot();
  let code = 0;
  for (const input of training) {
    const file = path.resolve(root, input.path);
    if (!fs.existsSync(file)) {
      process.stdout.write(`\n${input.path}: not found, not scored\n`);
      continue;
    }
    // The cause model was fitted on the files training.yaml lists: only a held-out part measures accuracy.
    const heldOut = input.exclude === 'holdout';
    process.stdout.write(
      `\n${input.path}: ${heldOut ? 'its held-out quarter (not fitted on)' : 'a fit, not accuracy: the cause model was fitted on these tickets'}\n`,
    );
    if (evalMain(['--input', file, '--pack', dir, ...(heldOut ? ['--split', 'holdout'] : [])]) !== 0) code = 1;
  }
  return code;
}

if (require.main === module) process.exitCode = main();
