// Runs before each suite's imports: the suite gets its own database and queue prefix within this run,
// so suites never see each other's tickets or learned statistics.
const { randomBytes } = require('node:crypto');
const { read } = require('./run-settings');

const settings = read();
const suite = randomBytes(4).toString('hex');
const databaseName = `${settings.databaseName}_${suite}`;
if (!databaseName.includes('test')) throw new Error('integration tests only run against a database named *test*');
const url = new URL(settings.databaseUrl);
url.pathname = `/${databaseName}`;
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = url.toString();
process.env.REDIS_URL = settings.redisUrl;
process.env.QUEUE_PREFIX = `${settings.queuePrefix.replace(/}$/, '')}-${suite}}`;
process.env.ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL || 'silent';
process.env.INBOX_SWEEP_SECONDS = '1';
process.env.WORKER_METRICS_PORT = '0';
