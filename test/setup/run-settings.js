// Where one test run keeps its database and queue names: written by global setup, read by every suite.
// Keyed by the Jest process id, so runs started side by side never share (or drop) each other's databases.
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '../../.test-results');

function baseDatabaseUrl() {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

function fileFor(pid) {
  return path.join(dir, `run-settings-${pid}.json`);
}

function write(settings) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(fileFor(process.pid), JSON.stringify(settings, null, 2));
}

/** In the Jest process itself (--runInBand) or in one of its workers. */
function read() {
  for (const pid of [process.pid, process.ppid]) {
    if (fs.existsSync(fileFor(pid))) return JSON.parse(fs.readFileSync(fileFor(pid), 'utf8'));
  }
  throw new Error('no test run settings: run the suites through Jest with test/setup/global-setup.js');
}

function remove() {
  fs.rmSync(fileFor(process.pid), { force: true });
}

module.exports = { baseDatabaseUrl, write, read, remove };
