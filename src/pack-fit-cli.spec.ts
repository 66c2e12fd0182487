/** Spawns `npm run pack:fit`'s entry point on labelled tickets written here. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateLabelledTickets } from './cause-models/testing/labelled-tickets';
import { loadDefaultPack, validateModelWeights } from './knowledge';
import { runTsCli } from './testing/ts-cli';

const CLI = path.join(__dirname, 'pack-fit-cli.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-fit-'));
const file = path.join(dir, 'labelled.jsonl');
fs.writeFileSync(
  file,
  generateLabelledTickets(4, 'fit')
    .map((t) => JSON.stringify(t))
    .join('\n') + '\n',
);

describe('npm run pack:fit', () => {
  it('writes weights the pack loads, the same bytes on every run', () => {
    const first = path.join(dir, 'one.json');
    const second = path.join(dir, 'two.json');
    const a = runTsCli(CLI, ['--input', file, '--out', first]);
    expect(a.status).toBe(0);
    expect(a.stderr).toMatch(/fitted on \d+ tickets/);
    expect(runTsCli(CLI, ['--input', file, '--out', second]).status).toBe(0);
    const text = fs.readFileSync(first, 'utf8');
    expect(fs.readFileSync(second, 'utf8')).toBe(text);
    const weights = validateModelWeights(JSON.parse(text), loadDefaultPack().causeIds, 'fitted');
    expect(weights.version).toBe('0');
    expect((weights.fitted as { inputs: { sha256: string }[] }).inputs[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('says which file it cannot read, with exit code 2', () => {
    const run = runTsCli(CLI, ['--input', path.join(dir, 'missing.jsonl'), '--out', path.join(dir, 'x.json')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('missing.jsonl');
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
  });
});
