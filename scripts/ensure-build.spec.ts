/**
 * `npm start` and `npm run start:worker` both build dist/ first when it is stale. Started together they must
 * not compile at once: one builds, the other waits and then finds dist/ fresh. Each test runs the script in a
 * small project of its own (one source file), whose build takes long enough for the two to overlap.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '..');

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-build-'));
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.copyFileSync(path.join(repo, 'scripts/ensure-build.js'), path.join(dir, 'scripts/ensure-build.js'));
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.build.json'),
    JSON.stringify({ compilerOptions: { outDir: 'dist', rootDir: '.', module: 'commonjs', target: 'es2022', types: [] }, include: ['src'] }),
  );
  fs.writeFileSync(path.join(dir, 'src/answer.ts'), 'export const answer: number = 42;\n');
  return dir;
}

function run(dir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, 'scripts/ensure-build.js')], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('scripts/ensure-build.js', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('builds once when two processes start together; the other waits for that build', async () => {
    const dir = project();
    dirs.push(dir);
    const results = await Promise.all([run(dir), run(dir)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const stderr = results.map((r) => r.stderr).join('');
    expect(stderr.match(/building dist\//g)).toHaveLength(1);
    expect(stderr).toContain('waiting for another build of dist/');
    expect(fs.readFileSync(path.join(dir, 'dist/src/answer.js'), 'utf8')).toContain('42');
    expect(fs.existsSync(path.join(dir, 'dist/.build-lock'))).toBe(false);

    // Fresh now: a further start neither builds nor waits.
    const again = await run(dir);
    expect(again).toEqual({ code: 0, stderr: '' });
  }, 60_000);

  it('takes over a lock left by a build whose process is gone, once when two processes start together', async () => {
    const dir = project();
    dirs.push(dir);
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    fs.mkdirSync(path.join(dir, 'dist/.build-lock'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist/.build-lock/pid'), gone.stdout.trim());
    const results = await Promise.all([run(dir), run(dir)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => r.stderr).join('').match(/building dist\//g)).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'dist/src/answer.js'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.startsWith('.build-lock'))).toEqual([]);
  }, 60_000);

  it('takes over a lock that names no process', async () => {
    const dir = project();
    dirs.push(dir);
    fs.mkdirSync(path.join(dir, 'dist/.build-lock'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dist/.build-lock/pid'), 'not a pid');
    const result = await run(dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('building dist/');
  }, 60_000);
});
