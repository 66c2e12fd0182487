/** Spawns the offline CLI on a fixture written here and reads its JSON Lines output. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTsCli } from './testing/ts-cli';

const CLI = path.join(__dirname, 'triage-cli.ts');

/** Runs the CLI's TypeScript source in a child Node process (compiled on the fly with swc). */
function runCli(args: string[], stdin?: string, env: NodeJS.ProcessEnv = {}) {
  return runTsCli(CLI, args, { stdin, env: { WRITEBACK_MIN_CONFIDENCE: '', BAND_MEDIUM_MIN: '', ...env } });
}

function fixture(lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'triage-cli-')), 'tickets.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const tickets = [
  {
    id: 't-1',
    subject: 'Backup',
    description: 'Every morning: not enough iCloud storage. Only the free 5 GB.',
    requester: { name: 'ignored' },
  },
  {
    id: 't-2',
    subject: '',
    description: 'The iCloud Backup switch is greyed out on my company iPhone, a management profile is installed.',
  },
  { id: 't-3', description: 'I need an invoice for my iCloud+ plan.' },
];

describe('triage CLI', () => {
  it('prints one JSON object per input line and nothing else on stdout', () => {
    const run = runCli(['--input', fixture(tickets.map((t) => JSON.stringify(t)))]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    const results = lines.map((l) => JSON.parse(l));
    expect(results.map((r) => [r.id, r.cause])).toEqual([
      ['t-1', 'storage_full'],
      ['t-2', 'restricted'],
      ['t-3', 'other'],
    ]);
    const first = results[0];
    expect(Object.keys(first).sort()).toEqual(
      ['causes', 'confidence', 'id', 'macro', 'symptoms', 'cause', 'decision', 'band', 'language', 'packId', 'modelVersion'].sort(),
    );
    expect(first.language).toEqual({ code: expect.stringMatching(/^[a-z]{2}$/), confidence: expect.any(Number) });
    expect(first.modelVersion).toEqual(expect.any(String));
    expect(first.confidence).toBeGreaterThan(0.5);
    expect(first.causes[0]).toEqual({ id: 'storage_full', score: first.confidence });
    expect(first.causes.every((c: { score: number }) => c.score > 0)).toBe(true);
    expect(first.causes.map((c: { score: number }) => c.score)).toEqual(
      [...first.causes.map((c: { score: number }) => c.score)].sort((a, b) => b - a),
    );
    const symptom = first.symptoms.find((s: { id: string }) => s.id === 'not_enough_storage');
    expect(tickets[0].description.slice(symptom.start, symptom.end)).toBe(symptom.text);
    expect(first.macro).toEqual({ id: 'manage_icloud_storage', title: expect.any(String) });
    expect(run.stderr).toMatch(/triaged 3 ticket/);
  });

  it('reads stdin with --input -', () => {
    const run = runCli(['--input', '-'], `${JSON.stringify(tickets[1])}\n`);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).cause).toBe('restricted');
  });

  it('reports a bad line on stderr with its number, goes on, and exits non-zero', () => {
    const run = runCli([
      '--input',
      fixture([JSON.stringify(tickets[0]), '{not json', JSON.stringify({ id: 'x' }), JSON.stringify(tickets[2])]),
    ]);
    expect(run.status).toBe(1);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['t-1', 't-3']);
    expect(run.stderr).toMatch(/line 2: /);
    expect(run.stderr).toMatch(/line 3: "description" must be a string/);
  });

  describe('decision and band', () => {
    const input = () => fixture(tickets.map((t) => JSON.stringify(t)));
    const results = (run: ReturnType<typeof runCli>) =>
      run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { confidence: number; decision: string; band: string });
    const expected = (confidence: number, autoMin: number, mediumMin: number) =>
      confidence >= autoMin ? { decision: 'auto', band: 'high' } : { decision: 'review', band: confidence >= mediumMin ? 'medium' : 'low' };

    it('follow the default gate when the variables are unset', () => {
      const run = runCli(['--input', input()]);
      expect(run.status).toBe(0);
      for (const r of results(run)) expect({ decision: r.decision, band: r.band }).toEqual(expected(r.confidence, 0.8, 0.5));
    });

    it.each([
      ['1', '0.5'],
      ['0.6', '0.3'],
      ['0', '0'],
    ])('follow WRITEBACK_MIN_CONFIDENCE=%s and BAND_MEDIUM_MIN=%s as the service does', (autoMin, mediumMin) => {
      const run = runCli(['--input', input()], undefined, { WRITEBACK_MIN_CONFIDENCE: autoMin, BAND_MEDIUM_MIN: mediumMin });
      expect(run.status).toBe(0);
      const lines = results(run);
      expect(lines).toHaveLength(3);
      for (const r of lines) {
        expect({ decision: r.decision, band: r.band }).toEqual(expected(r.confidence, Number(autoMin), Number(mediumMin)));
      }
      if (autoMin === '0') expect(lines.every((r) => r.decision === 'auto')).toBe(true);
    });

    it('refuses a bad gate before reading any line, naming the variable', () => {
      const run = runCli(['--input', input()], undefined, { WRITEBACK_MIN_CONFIDENCE: '0.4', BAND_MEDIUM_MIN: '0.7' });
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/BAND_MEDIUM_MIN must not be above WRITEBACK_MIN_CONFIDENCE/);
    });
  });

  it('fails with usage on stderr without --input', () => {
    const run = runCli([]);
    expect(run.status).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/--input is required/);
  });
});
