/**
 * Engine benchmark: accuracy on the labelled evaluation set, then single-core
 * throughput on ~2 KB synthetic tickets with the default pack and with 1,000
 * extra generated rules.
 *
 *   npm run bench:engine            (EVAL_FILE=path overrides the evaluation set)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compilePack, TriageEngine, type TriageResult } from '../src/engine';
import { defaultPackDir, findProjectRoot, readModelWeights, readPackFiles, validatePack } from '../src/knowledge';
import { PRODUCT_PLUGINS } from '../src/products';
import { seededRandom, syntheticSymptoms, syntheticTicket } from './engine-synthetic';

interface LabelledTicket {
  readonly id: string;
  readonly subject?: string;
  readonly description: string;
  readonly label: string;
}

const FALLBACK = 'other';

function readEvalSet(file: string): LabelledTicket[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledTicket);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function accuracy(engine: TriageEngine, tickets: readonly LabelledTicket[], options: { brief?: boolean } = {}): void {
  let top1 = 0;
  let top3 = 0;
  let predictedOther = 0;
  let trueOther = 0;
  let bothOther = 0;
  const labels = new Set<string>();
  const confusion = new Map<string, Map<string, number>>();
  const wrong: string[] = [];
  const confidences: { confidence: number; correct: boolean }[] = [];
  for (const t of tickets) {
    const result: TriageResult = engine.triage({ subject: t.subject, description: t.description });
    const predicted = result.cause.id;
    const top = result.causes.slice(0, 3).map((c) => c.id);
    labels.add(t.label).add(predicted);
    const row = confusion.get(t.label) ?? new Map<string, number>();
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    confusion.set(t.label, row);
    confidences.push({ confidence: result.cause.confidence, correct: predicted === t.label });
    if (predicted === t.label) top1++;
    else wrong.push(`  ${t.id}  label=${t.label}  predicted=${predicted} (${result.cause.confidence})  top3=${top.join(',')}`);
    if (top.includes(t.label)) top3++;
    if (predicted === FALLBACK) predictedOther++;
    if (t.label === FALLBACK) trueOther++;
    if (predicted === FALLBACK && t.label === FALLBACK) bothOther++;
  }
  const n = tickets.length;
  console.log(`tickets: ${n}`);
  console.log(`top-1 accuracy: ${pct(top1 / n)} (${top1}/${n})`);
  console.log(`top-3 accuracy: ${pct(top3 / n)} (${top3}/${n})`);
  console.log(`other precision: ${predictedOther ? pct(bothOther / predictedOther) : 'n/a'} (${bothOther}/${predictedOther})`);
  console.log(`other recall: ${trueOther ? pct(bothOther / trueOther) : 'n/a'} (${bothOther}/${trueOther})`);

  const brier = confidences.reduce((s, c) => s + (c.confidence - (c.correct ? 1 : 0)) ** 2, 0) / n;
  console.log(
    `calibration: mean confidence ${pct(confidences.reduce((s, c) => s + c.confidence, 0) / n)}, Brier score of top-1 ${brier.toFixed(3)}`,
  );
  for (const [lo, hi] of [
    [0, 0.5],
    [0.5, 0.7],
    [0.7, 0.85],
    [0.85, 1.01],
  ]) {
    const bucket = confidences.filter((c) => c.confidence >= lo && c.confidence < hi);
    if (bucket.length) {
      console.log(
        `  confidence ${lo.toFixed(2)}-${Math.min(hi, 1).toFixed(2)}: ${bucket.length} tickets, ${pct(bucket.filter((c) => c.correct).length / bucket.length)} correct`,
      );
    }
  }

  if (options.brief) {
    for (const line of wrong) console.log(line);
    return;
  }
  const ids = [...labels].sort();
  const short = (id: string) => id.slice(0, 8);
  console.log('\nconfusion matrix (rows: label, columns: predicted)');
  console.log(['label \\ predicted'.padEnd(18), ...ids.map((id) => short(id).padStart(9))].join(''));
  for (const label of ids) {
    const row = confusion.get(label);
    if (!row) continue;
    console.log([label.padEnd(18), ...ids.map((id) => String(row.get(id) ?? '.').padStart(9))].join(''));
  }
  console.log(`\nwrong (${wrong.length}):`);
  for (const line of wrong) console.log(line);
}

function throughput(engine: TriageEngine, tickets: readonly { subject: string; description: string }[], seconds = 2): number {
  for (let i = 0; i < 300; i++) engine.triage(tickets[i % tickets.length]);
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 200; i++) engine.triage(tickets[(count + i) % tickets.length]);
    count += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

function main(): void {
  const root = findProjectRoot();
  const evalFile = process.env.EVAL_FILE ?? path.resolve(root, '../shared/eval/dev.jsonl');
  const definition = validatePack(readPackFiles(defaultPackDir()));
  const weights = readModelWeights(defaultPackDir(), definition);
  const engine = new TriageEngine(compilePack(definition, PRODUCT_PLUGINS, weights));
  console.log(`cause model ${engine.modelVersion}${weights ? '' : ' (rules only: the pack ships no model.json)'}`);
  console.log(`pack ${engine.packVersion}`);
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`);

  if (fs.existsSync(evalFile)) {
    console.log(
      `\n== fit on ${evalFile} (tickets the rules were written from and the cause model fitted on: not accuracy; npm run eval -- --cv 5 gives that)`,
    );
    accuracy(engine, readEvalSet(evalFile));
  } else {
    console.log(`\n(no evaluation set at ${evalFile}; set EVAL_FILE)`);
  }

  const fixtureFile = path.join(root, 'bench', 'fixtures', 'paraphrased.jsonl');
  if (fs.existsSync(fixtureFile) && path.resolve(fixtureFile) !== path.resolve(evalFile)) {
    console.log(
      `\n== fit on the service's own paraphrased tickets (${path.relative(root, fixtureFile)}; in the training set too: not accuracy)`,
    );
    accuracy(engine, readEvalSet(fixtureFile), { brief: true });
  }

  console.log('\n== throughput (one core, ~2 KB synthetic tickets)');
  const rand = seededRandom(42);
  const tickets = Array.from({ length: 500 }, () => syntheticTicket(rand, 2048));
  const avg = tickets.reduce((s, t) => s + t.subject.length + t.description.length, 0) / tickets.length;
  console.log(`average ticket size: ${Math.round(avg)} characters`);
  const buildStart = process.hrtime.bigint();
  const extra = { ...definition, symptoms: [...definition.symptoms, ...syntheticSymptoms(definition, 1000)] };
  const bigEngine = new TriageEngine(compilePack(extra, PRODUCT_PLUGINS, weights));
  const buildMs = Number(process.hrtime.bigint() - buildStart) / 1e6;
  const seconds = Number(process.env.BENCH_SECONDS ?? 3);
  // Alternate the two engines and keep each one's best round, so both get the same warm-up and machine noise.
  let base = 0;
  let big = 0;
  for (let round = 0; round < 3; round++) {
    base = Math.max(base, throughput(engine, tickets, seconds / 3));
    big = Math.max(big, throughput(bigEngine, tickets, seconds / 3));
  }
  console.log(`default pack (${definition.symptoms.length} symptoms): ${Math.round(base).toLocaleString('en-US')} tickets/s`);
  console.log(
    `with 1,000 extra rules (${extra.symptoms.length} symptoms, compiled in ${buildMs.toFixed(0)} ms): ${Math.round(big).toLocaleString('en-US')} tickets/s`,
  );
  console.log(`ratio default / extra rules: ${(base / big).toFixed(2)}x`);
}

main();
