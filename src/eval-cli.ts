/**
 * Scores the triage engine on labelled tickets: top-1/top-3, per-cause precision and recall, log-loss,
 * Brier score, calibration (ECE), precision at 70%, confident-wrong share, a confusion table, figures per
 * language and the precision/coverage curve of the confidence with what the write-back gate would
 * auto-apply. Needs no server or database.
 *
 *   npm run eval -- --input FILE.jsonl [--pack DIR] [--cv K] [--train FILE]... [--split fit|holdout]
 *                   [--threshold T] [--json]
 *
 * Without --cv it scores the pack's own fitted weights (only honest on tickets they were not fitted on).
 * With --cv K it refits everything learned (weights, and the rules' scale and temperature nested inside each
 * fold) on K-1 folds of the input plus every --train file, and scores the K-th. --with-pack-training adds
 * the tickets the pack's training.yaml lists (those of the input left out), as `npm run pack:fit` uses them.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_GATE, TriageEngine } from './engine';
import { defaultPackDir, findProjectRoot, loadPackFromDir } from './knowledge';
import { crossValidate, DEFAULT_FIT_SETTINGS, encodeTickets, type FitSettings, type LabelledTicket } from './model/fit';
import { readLabelledFile } from './model/labelled-file';
import { evaluate, formatReport, type ScoredTicket } from './model/metrics';
import { splitHoldout } from './evaluation/split';
import { fitSettingsOf, readTrainingSpec, readTrainingTickets } from './model/pack-fit';

const USAGE =
  'usage: npm run eval -- --input FILE.jsonl [--pack DIR] [--cv K [--train FILE]... [--with-pack-training]] [--split fit|holdout] [--threshold T] [--json]';

/** A usage or input problem: reported on stderr with exit code 2. */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/** Runs the command with `argv` (without the node and script paths); returns the exit code. */
export function main(argv: string[] = process.argv.slice(2)): number {
  try {
    run(argv);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

function run(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        pack: { type: 'string' },
        cv: { type: 'string' },
        train: { type: 'string', multiple: true },
        'with-pack-training': { type: 'boolean' },
        split: { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.input) fail('--input is required');
  const folds = values.cv === undefined ? 0 : Number(values.cv);
  if (values.cv !== undefined && (!Number.isInteger(folds) || folds < 2)) fail('--cv takes a whole number of folds, at least 2');
  const envThreshold = process.env.WRITEBACK_MIN_CONFIDENCE || undefined; // set but empty: unset, as for the service
  const threshold = Number(values.threshold ?? envThreshold ?? DEFAULT_GATE.autoMin);
  if (!(threshold >= 0 && threshold <= 1)) fail('--threshold (or WRITEBACK_MIN_CONFIDENCE) must be a number from 0 to 1');
  if (values.split && values.split !== 'fit' && values.split !== 'holdout') fail('--split takes fit or holdout');

  const packDir = values.pack ?? defaultPackDir();
  const pack = loadPackFromDir(packDir);
  const engine = new TriageEngine(pack);
  const read = (path: string) => {
    try {
      return readLabelledFile(path).tickets;
    } catch (err) {
      fail((err as Error).message);
    }
  };
  let tickets: LabelledTicket[] = read(values.input);
  if (values.split) tickets = splitHoldout(tickets)[values.split as 'fit' | 'holdout'];
  const unknown = [...new Set(tickets.map((t) => t.label).filter((l) => !pack.causeIndex.has(l)))];
  if (unknown.length) fail(`labels that are not causes of pack ${pack.version}: ${unknown.join(', ')}`);
  const extra = (values.train ?? []).flatMap(read);
  let packTraining: { fixed: LabelledTicket[]; calibration: LabelledTicket[] } = { fixed: [], calibration: [] };
  if (values['with-pack-training']) {
    if (folds === 0) fail('--with-pack-training goes with --cv');
    try {
      packTraining = readTrainingTickets(pack, readTrainingSpec(packDir).inputs, findProjectRoot());
    } catch (err) {
      fail((err as Error).message);
    }
    const inInput = new Set(tickets.map((t) => t.id));
    packTraining = {
      fixed: packTraining.fixed.filter((t) => !inInput.has(t.id)),
      calibration: packTraining.calibration.filter((t) => !inInput.has(t.id)),
    };
  }

  const languageOf = (t: LabelledTicket) => t.lang ?? engine.analyse({ subject: t.subject, description: t.description }).language.code;
  let scored: ScoredTicket[];
  let title: string;
  if (folds === 0) {
    title = `${values.input}: pack ${pack.version}, cause model ${engine.modelVersion} as shipped`;
    scored = tickets.map((t) => {
      const result = engine.triage({ subject: t.subject, description: t.description });
      return {
        id: t.id,
        label: t.label,
        lang: t.lang ?? result.language.code,
        probabilities: new Map(result.causes.map((c) => [c.id, c.score])),
      };
    });
  } else {
    const settings: FitSettings = fitSettingsOf(pack.modelWeights) ?? DEFAULT_FIT_SETTINGS;
    const encoded = encodeTickets(engine, tickets, settings);
    const always = {
      fixed: encodeTickets(engine, [...extra, ...packTraining.fixed], settings),
      calibration: encodeTickets(engine, packTraining.calibration, settings),
    };
    const probabilities = crossValidate(encoded, always, pack.causeIds.length, folds, settings);
    const added = always.fixed.length + always.calibration.length;
    title = `${values.input}: pack ${pack.version}, ${folds}-fold cross-validation (everything learned refitted per fold${added ? `, plus ${added} training tickets in every fold` : ''})`;
    scored = tickets.map((t, i) => ({
      id: t.id,
      label: t.label,
      lang: languageOf(t),
      probabilities: new Map(pack.causeIds.map((id, c) => [id, probabilities[i][c]])),
    }));
  }
  const report = evaluate(scored, pack.causeIds, threshold);
  if (values.json) process.stdout.write(`${JSON.stringify({ title, ...report })}\n`);
  else process.stdout.write(`${formatReport(report, title)}\n`);
}

if (require.main === module) process.exitCode = main();
