/** Spawns `npm run pack:check`'s entry point on copies of the bundled pack written here. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { generateLabelledTickets } from './cause-models/testing/labelled-tickets';
import { defaultPackDir } from './knowledge/pack-loader';
import { runTsCli } from './testing/ts-cli';

const CLI = path.join(__dirname, 'pack-check-cli.ts');

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- YAML documents edited in tests

/** A copy of the bundled pack in a temp folder, each file of `edits` changed by its function. */
function packCopy(edits: Record<string, (doc: Yaml) => void> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-check-'));
  for (const name of fs.readdirSync(defaultPackDir())) fs.copyFileSync(path.join(defaultPackDir(), name), path.join(dir, name));
  for (const [file, edit] of Object.entries(edits)) {
    const doc = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Yaml;
    edit(doc);
    fs.writeFileSync(path.join(dir, file), stringify(doc));
  }
  return dir;
}

const bundled = parse(fs.readFileSync(path.join(defaultPackDir(), 'symptoms.yaml'), 'utf8')) as Yaml;
const symptomIndex = (id: string) => bundled.symptoms.findIndex((s: Yaml) => s.id === id);
const symptom = (doc: Yaml, id: string) => doc.symptoms.find((s: Yaml) => s.id === id);

describe('npm run pack:check', () => {
  it('passes a valid pack and scores its labelled examples with the eval summary', () => {
    const dir = packCopy({ 'pack.yaml': (doc) => (doc.routing = { sources: ['zendesk'], tags: ['icloud'] }) });
    const tickets = generateLabelledTickets(3, 'check');
    fs.writeFileSync(path.join(dir, 'examples.jsonl'), tickets.map((t) => JSON.stringify(t)).join('\n') + '\n');
    const run = runTsCli(CLI, [dir], { env: { WRITEBACK_MIN_CONFIDENCE: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^pack .*: valid: iCloud Backup .* 13 causes, \d+ symptoms, \d+ macros, plugins apple-devices, icloud-backup/,
    );
    for (const measure of ['top-1', 'log-loss', 'ECE (10 bins)', 'precision at 70%', 'confusion']) expect(run.stdout).toContain(measure);
    expect(run.stdout).toContain(`tickets                 ${tickets.length}`);
  });

  it('fails a broken pack, one line per problem naming file and field', () => {
    const dir = packCopy({
      'symptoms.yaml': (doc) => {
        symptom(doc, 'ios_old').weight = 3;
        symptom(doc, 'screen_near_on').near.within = 0;
      },
      'pack.yaml': (doc) => (doc.temperature = 'warm'),
      'training.yaml': (doc) => (doc.inputs[0].exclude = 'everything'),
    });
    const run = runTsCli(CLI, [dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'pack.yaml: temperature: must be a number (got "warm")',
      `symptoms.yaml: symptoms[${symptomIndex('ios_old')}].weight: unknown field (symptom ios_old)`,
      `symptoms.yaml: symptoms[${symptomIndex('screen_near_on')}].near.within: must be at least 1 (symptom screen_near_on)`,
      'training.yaml: inputs[0].exclude: must be "holdout" (got "everything")',
      `pack ${dir}: 4 problems`,
    ]);
  });

  it('checks what the files say together once each matches its schema, and the routing', () => {
    const dir = packCopy({
      'symptoms.yaml': (doc) => (symptom(doc, 'greyed_out').causes = { restrictd: 2 }),
      'pack.yaml': (doc) => (doc.routing = { queues: ['printers'] }),
    });
    const run = runTsCli(CLI, [dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('pack.yaml: routing.queues: unknown field (allowed: sources, tags)\n');
    expect(run.stderr).toContain(
      `symptoms.yaml: symptoms[${symptomIndex('greyed_out')}].causes: names unknown cause "restrictd" (symptom greyed_out)\n`,
    );
  });

  it('refuses a folder that is not there', () => {
    const run = runTsCli(CLI, [path.join(os.tmpdir(), 'no-such-pack-folder')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run pack:check DIR');
  });
});
