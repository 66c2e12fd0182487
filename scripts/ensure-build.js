#!/usr/bin/env node
// Builds dist/ with tsc when it is missing or older than any source file.
// Writes only to stderr, so commands that print JSON on stdout stay clean.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const sourceDirs = ['src', 'migrations', 'bench'].map((d) => path.join(root, d));
const extraFiles = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => path.join(root, f));

function newestMtime(dir) {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  const newestSource = Math.max(
    ...sourceDirs.map(newestMtime),
    ...extraFiles.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs),
  );
  return newestSource > built;
}

/**
 * One build at a time: a second process (`npm start` and `npm run start:worker` started together) waits for the
 * first, then finds dist/ fresh. Two compilers writing the same files at once could let a process load a file
 * that the other is still writing. The lock is a directory (creating one is atomic) holding the builder's pid;
 * a lock whose process is gone is taken over.
 */
const lock = path.join(root, 'dist', '.build-lock');

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function holderGone() {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // Created but its pid not written yet, or removed meanwhile: gone only if it stays so for a while.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

function acquire() {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    if (holderGone()) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (!told) process.stderr.write('waiting for another build of dist/\n');
    told = true;
    sleep(200);
  }
}

function build() {
  process.stderr.write('building dist/ (sources changed)\n');
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    process.stderr.write('build failed\n');
    return result.status ?? 1;
  }
  fs.writeFileSync(stamp, new Date().toISOString());
  return 0;
}

if (isStale()) {
  acquire();
  let status = 0;
  try {
    // Another process may have built it while this one waited.
    if (isStale()) status = build();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  if (status !== 0) process.exit(status);
}
