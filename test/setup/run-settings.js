// Where one test run keeps its database and queue names (written by global setup, read by every suite).
const fs = require('node:fs');
const path = require('node:path');

const file = path.resolve(__dirname, '../../.test-results/run-settings.json');

function baseDatabaseUrl() {
  return process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

function write(settings) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
}

function read() {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

module.exports = { baseDatabaseUrl, write, read, file };
