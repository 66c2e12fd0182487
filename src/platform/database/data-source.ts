import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../migrations';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
}

/**
 * The one definition of the database connection, shared by the app and the TypeORM CLI. It names no entity:
 * each feature module registers its own (`TypeOrmModule.forFeature`, loaded by `autoLoadEntities`).
 */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { max: settings.poolSize, connectionTimeoutMillis: 5000 },
  };
}

/** Every entity file of the service, found beside this compiled file (`dist/src/**`) rather than listed here. */
const ENTITY_FILES = join(__dirname, '..', '..', '**', '*.entity.{ts,js}');

/** Used by `npm run migration:*` (typeorm -d dist/src/platform/database/data-source.js). */
export default new DataSource({
  ...dataSourceOptions({
    url: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/triage',
    poolSize: 2,
  }),
  entities: [ENTITY_FILES],
});
