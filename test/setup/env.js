// Runs before each suite's imports: point the service at this run's database and queue prefix.
const { read } = require('./run-settings');

const settings = read();
if (!settings.databaseName.includes('test')) throw new Error('integration tests only run against a database named *test*');
process.env.NODE_ENV = 'test';
process.env.DATABASE_URL = settings.databaseUrl;
process.env.REDIS_URL = settings.redisUrl;
process.env.QUEUE_PREFIX = settings.queuePrefix;
process.env.ADMIN_API_KEY = 'test-admin-key-0123456789abcdef';
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL || 'silent';
process.env.INBOX_SWEEP_SECONDS = '1';
