#!/usr/bin/env node
// `npm test`: every suite (unit and integration) in one Jest run, then one line "N passed, N failed".
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const resultFile = path.join(root, '.test-results', 'jest.json');
fs.mkdirSync(path.dirname(resultFile), { recursive: true });
fs.rmSync(resultFile, { force: true });

const jest = require.resolve('jest/bin/jest');
const args = [jest, '--config', 'jest.all.config.js', '--runInBand', '--json', `--outputFile=${resultFile}`, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });

let summary;
try {
  const results = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  summary = { passed: results.numPassedTests, failed: results.numFailedTests + results.numRuntimeErrorTestSuites };
} catch {
  summary = null;
}
if (summary) process.stdout.write(`\n${summary.passed} passed, ${summary.failed} failed\n`);
else process.stdout.write('\n0 passed, 1 failed\n');
process.exit(run.status === 0 && summary && summary.failed === 0 ? 0 : 1);
