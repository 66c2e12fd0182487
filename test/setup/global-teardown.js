// Drops every database of this run and deletes its queue keys.
const { Client } = require('pg');
const Redis = require('ioredis');
const { baseDatabaseUrl, read, remove } = require('./run-settings');

module.exports = async () => {
  const settings = read();
  if (!settings.databaseName.includes('test')) throw new Error(`refusing to drop ${settings.databaseName}`);
  const client = new Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${settings.databaseName}%`]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const prefix = settings.queuePrefix.replace(/}$/, '');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
    remove();
  }
};
