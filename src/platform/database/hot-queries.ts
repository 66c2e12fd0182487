import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * The few statements on the hot path (accepting an event, loading and storing a triage) run as named
 * prepared statements on the pool TypeORM already holds: Postgres parses and plans each once per connection
 * instead of once per call, and no query runner is built around them.
 */
@Injectable()
export class HotQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get pool(): Pool {
    return (this.db.driver as PostgresDriver).master as Pool;
  }

  async run<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const result = await this.pool.query<R>({ name, text, values });
    return result.rows;
  }
}
