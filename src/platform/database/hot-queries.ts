import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool, QueryResultRow } from 'pg';
import { AppConfig } from '../config/app-config.service';

/**
 * The few statements on the hot path (accepting events, loading and storing a triage) run as named prepared
 * statements on a small pool of their own. Its connections plan each statement once (plan_cache_mode
 * force_generic_plan): these statements take arrays and ids whose values never change the best plan, and
 * replanning them per call cost Postgres more than running them. Every other query keeps the ORM's pool
 * and Postgres' usual per-call planning.
 *
 * A plan made once may be made while the tables are nearly empty, when reading a whole table looks cheapest,
 * and then kept as they grow. The hot statements reach every table by key (see STORE_BATCH), and their
 * connections also turn sequential scans off, so such a plan still probes indexes.
 */
/** Session settings of the hot-path connections (see above). */
export const HOT_PATH_SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off';

@Injectable()
export class HotQueries implements OnApplicationShutdown {
  private readonly logger = new Logger(HotQueries.name);
  private readonly pool: Pool;

  constructor(config: AppConfig) {
    this.pool = new Pool({
      connectionString: config.get('DATABASE_URL'),
      max: config.get('DATABASE_HOT_POOL_SIZE'),
      connectionTimeoutMillis: 5000,
      options: HOT_PATH_SESSION_OPTIONS,
      application_name: 'triage-hot-path',
    });
    // An idle connection that Postgres drops is only removed from the pool; the next query opens a new one.
    this.pool.on('error', (err) => this.logger.warn({ err }, 'idle hot-path connection lost'));
  }

  async run<R extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]> {
    const result = await this.pool.query<R>({ name, text, values });
    return result.rows;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
