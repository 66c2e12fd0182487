import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';
import { ENTITIES } from './entities';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
}

/** The one definition of the database connection, shared by the app and the TypeORM CLI. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: settings.poolSize, connectionTimeoutMillis: 5000 },
  };
}

/** Used by `npm run migration:*` (typeorm -d dist/src/platform/database/data-source.js). */
export default new DataSource(
  dataSourceOptions({
    url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/triage',
    poolSize: 2,
  }),
);
