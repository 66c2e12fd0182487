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
 * that the other is still writing.
 *
 * The lock is a directory holding the builder's pid. It is put in place whole, by renaming a prepared directory:
 * a rename onto a directory that exists and is not empty fails, so only one process wins. A lock whose process
 * is gone (or that names this very process, a pid reused after a restart) is first moved aside under a name of
 * its own, which again only one process can do, and then taken. Waiting ends after WAIT_MS with an error that
 * names the lock.
 */
const lock = path.join(root, 'dist', '.build-lock');
const WAIT_MS = 5 * 60_000;

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The pid a lock directory names, or null when it names none. */
function readPid(dir) {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid) {
  if (pid === null || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return err.code === 'EPERM';
  }
}

function tryLock() {
  const mine = fs.mkdtempSync(`${lock}-new-`);
  fs.writeFileSync(path.join(mine, 'pid'), String(process.pid));
  try {
    fs.renameSync(mine, lock);
    return true;
  } catch (err) {
    fs.rmSync(mine, { recursive: true, force: true });
    if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') return false;
    throw err;
  }
}

/** Moves aside a lock whose process is gone; true when the lock may be tried again. */
function removeIfStale() {
  const pid = readPid(lock);
  if (alive(pid)) return false;
  const aside = `${lock}-stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lock, aside);
  } catch (err) {
    if (err.code === 'ENOENT') return true;
    throw err;
  }
  if (readPid(aside) !== pid) {
    // Another process took the lock between the read and the move: give it back.
    try {
      fs.renameSync(aside, lock);
    } catch {
      fs.rmSync(aside, { recursive: true, force: true });
    }
    return false;
  }
  fs.rmSync(aside, { recursive: true, force: true });
  return true;
}

function acquire() {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let told = false;
  while (!tryLock()) {
    if (removeIfStale()) continue;
    if (Date.now() > deadline) {
      process.stderr.write(`gave up waiting for another build of dist/; if none is running, remove ${lock}\n`);
      process.exit(1);
    }
    if (!told) process.stderr.write('waiting for another build of dist/\n');
    told = true;
    sleep(200);
  }
}

function release() {
  if (readPid(lock) === process.pid) fs.rmSync(lock, { recursive: true, force: true });
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
    release();
  }
  if (status !== 0) process.exit(status);
}
