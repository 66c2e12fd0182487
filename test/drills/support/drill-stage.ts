import { createDatabase, databaseUrl, deleteQueueKeys, drillNames, dropDatabase, SHARED_POSTGRES, SHARED_REDIS } from './probes';
import { ensureBuild, ServiceSettings, stopAll } from './service';

export interface DrillStage {
  settings: ServiceSettings;
  /** Stops every service process, drops the drill's database and deletes its queue keys. */
  cleanup(): Promise<void>;
}

/**
 * A database and queue prefix of the drill's own, on the shared servers unless the drill brings its own
 * Postgres or Redis (the ones it stops). Builds dist/ first, since the drill runs the compiled service.
 */
export async function prepareStage(drill: string, servers: { postgresUrl?: string; redisUrl?: string } = {}): Promise<DrillStage> {
  ensureBuild();
  const { database, queuePrefix } = drillNames(drill);
  const postgresUrl = servers.postgresUrl ?? SHARED_POSTGRES;
  const redisUrl = servers.redisUrl ?? SHARED_REDIS;
  // Made here, not by the service: API and worker booting together could both try to create it.
  await createDatabase(postgresUrl, database);
  return {
    settings: { databaseUrl: databaseUrl(postgresUrl, database), redisUrl, queuePrefix },
    async cleanup() {
      await stopAll();
      await deleteQueueKeys(redisUrl, queuePrefix);
      await dropDatabase(postgresUrl, database);
    },
  };
}
