// One database and one queue prefix for this run; the suites create the schema through the service's own migrations.
const { baseDatabaseUrl, write } = require('./run-settings');

module.exports = async () => {
  const runId = `${Date.now().toString(36)}_${process.pid}`;
  const dbName = `triage_test_${runId}`;
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${dbName}`;
  write({
    databaseUrl: url.toString(),
    databaseName: dbName,
    redisUrl: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    queuePrefix: `{triage-test-${runId}}`,
  });
};
