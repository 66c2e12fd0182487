/** Spawns `npm run eval`'s entry point on labelled tickets written here. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateLabelledTickets } from './cause-models/testing/labelled-tickets';
import { runTsCli } from './testing/ts-cli';

const CLI = path.join(__dirname, 'eval-cli.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-cli-'));
const tickets = generateLabelledTickets(5, 'eval');
const file = path.join(dir, 'labelled.jsonl');
fs.writeFileSync(file, tickets.map((t) => JSON.stringify(t)).join('\n') + '\n');

describe('npm run eval', () => {
  it('prints every measure for the shipped model', () => {
    const run = runTsCli(CLI, ['--input', file], { env: { WRITEBACK_MIN_CONFIDENCE: '' } });
    expect(run.status).toBe(0);
    for (const measure of [
      'top-1',
      'top-3',
      'log-loss',
      'Brier score',
      'ECE (10 bins)',
      'precision at 70%',
      'confident wrong (>=0.9)',
      'write-back gate 0.90',
      'per cause',
      'per language',
      'precision / coverage',
      'confusion',
    ]) {
      expect(run.stdout).toContain(measure);
    }
    expect(run.stdout).toContain(`tickets                 ${tickets.length}`);
  });

  it('answers as JSON, with the gate at the threshold asked for', () => {
    const run = runTsCli(CLI, ['--input', file, '--json', '--threshold', '0.7']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.n).toBe(tickets.length);
    expect(report.gate.threshold).toBe(0.7);
    expect(report.top1).toBeGreaterThan(0.5); // templated tickets that name their cause plainly
    expect(report.perCause.find((c: { id: string }) => c.id === 'other').support).toBe(tickets.filter((t) => t.label === 'other').length);
  });

  it('cross-validates: every ticket scored once, by weights refitted without its fold', () => {
    const run = runTsCli(CLI, ['--input', file, '--cv', '3', '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.title).toContain('3-fold cross-validation');
    expect(report.n).toBe(tickets.length);
    expect(report.curve.at(0).auto).toBeLessThanOrEqual(tickets.length);
  });

  it('refuses labels the pack does not know, and bad options, with exit code 2', () => {
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, JSON.stringify({ id: 'x', description: 'backup fails', label: 'gremlins' }) + '\n');
    const unknown = runTsCli(CLI, ['--input', bad]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('gremlins');
    const folds = runTsCli(CLI, ['--input', file, '--cv', '1']);
    expect(folds.status).toBe(2);
    expect(folds.stderr).toContain('--cv');
    expect(runTsCli(CLI, []).status).toBe(2);
  });
});
