import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { CauseModelWeights } from '../engine';
import { AppConfig } from '../platform/config/app-config.service';

/** The pack's own weights (model.json): never stored, active whenever no stored version is. */
export const SHIPPED_VERSION = '0';

export type CauseModelStatus = 'candidate' | 'active' | 'retired';

export interface StoredCauseModel {
  id: string;
  version: string;
  packVersion: string;
  status: CauseModelStatus;
  metrics: Record<string, unknown>;
  createdAt: string;
  activatedAt: string | null;
}

interface Row {
  id: string;
  version: string;
  pack_version: string;
  status: CauseModelStatus;
  metrics: Record<string, unknown>;
  created_at: Date;
  activated_at: Date | null;
}

/** The Redis channel on which a switch of the active version is announced, under the run's key prefix. */
export function causeModelChannel(queuePrefix: string): string {
  return `${queuePrefix}:cause-model`;
}

/** Serializes version numbering and switches across processes (one transaction at a time). */
const LOCK_KEY = 0x63617573; // "caus"

/**
 * Stored cause-model versions: candidates written by a refit, the active one, and the retired ones. Switches
 * are announced on Redis; every process also re-reads the active version periodically (CauseModelReloader).
 */
@Injectable()
export class CauseModelStore implements OnApplicationShutdown {
  private readonly logger = new Logger('CauseModels');
  private publisher?: Redis;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** The active stored version ("0" when none is: the pack's own weights). */
  async activeVersion(): Promise<string> {
    const [row]: { version: string }[] = await this.db.query(`SELECT version FROM cause_models WHERE status = 'active'`);
    return row?.version ?? SHIPPED_VERSION;
  }

  /** A stored version's weights document, as stored (validate before use). */
  async weightsOf(version: string): Promise<unknown> {
    const [row]: { weights: unknown }[] = await this.db.query('SELECT weights FROM cause_models WHERE version = $1', [version]);
    return row?.weights;
  }

  async list(): Promise<StoredCauseModel[]> {
    const rows: Row[] = await this.db.query(
      `SELECT id, version, pack_version, status, metrics, created_at, activated_at FROM cause_models
       ORDER BY created_at, version`,
    );
    return rows.map(toView);
  }

  /** A version by its number or its row id. */
  async find(idOrVersion: string): Promise<StoredCauseModel | null> {
    const rows: Row[] = await this.db.query(
      `SELECT id, version, pack_version, status, metrics, created_at, activated_at FROM cause_models
       WHERE version = $1 OR id::text = $1`,
      [idOrVersion],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /**
   * Stores a candidate under the next version number; `build` makes the weights and metrics for that number
   * (it runs before the numbering transaction, so the fit holds no lock: a concurrent refit gets the next one).
   */
  async addCandidate(
    packVersion: string,
    weights: (version: string) => { weights: CauseModelWeights; metrics: object },
  ): Promise<StoredCauseModel> {
    const version = await this.nextVersion();
    const built = weights(version);
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const taken = (await tx.query('SELECT 1 FROM cause_models WHERE version = $1', [version])).length > 0;
      if (taken) throw new Error(`version ${version} was stored by another refit meanwhile: run the refit again`);
      const [row]: Row[] = await tx.query(
        `INSERT INTO cause_models (id, version, pack_version, weights, metrics, status)
         VALUES ($1, $2, $3, $4, $5, 'candidate')
         RETURNING id, version, pack_version, status, metrics, created_at, activated_at`,
        [randomUUID(), version, packVersion, JSON.stringify(built.weights), JSON.stringify(built.metrics)],
      );
      return toView(row);
    });
  }

  /** The number after the highest stored one. */
  async nextVersion(): Promise<string> {
    const [row]: { max: string | null }[] = await this.db.query(
      `SELECT max(version::bigint)::text AS max FROM cause_models WHERE version ~ '^[0-9]{1,15}$'`,
    );
    return String(Number(row?.max ?? 0) + 1);
  }

  /**
   * Makes a stored version active (the active one retired), or with "0" the pack's own weights (no active
   * row). Returns the previous active version. Announces the switch.
   */
  async activate(idOrVersion: string): Promise<{ previous: string; active: string }> {
    const result = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      return this.switchTo(tx, idOrVersion);
    });
    if (result.previous !== result.active) await this.announce(result.active);
    return result;
  }

  /** The version that was active before the current one ("0" when there was none): what a rollback goes to. */
  async previousVersion(): Promise<string> {
    const current = await this.activeVersion();
    const [before]: { version: string }[] = await this.db.query(
      `SELECT version FROM cause_model_activations
       WHERE id < (SELECT max(id) FROM cause_model_activations WHERE version = $1) AND version <> $1
       ORDER BY id DESC LIMIT 1`,
      [current],
    );
    return before?.version ?? SHIPPED_VERSION;
  }

  private async activeIn(tx: EntityManager): Promise<string> {
    const [row]: { version: string }[] = await tx.query(`SELECT version FROM cause_models WHERE status = 'active'`);
    return row?.version ?? SHIPPED_VERSION;
  }

  private async switchTo(tx: EntityManager, idOrVersion: string): Promise<{ previous: string; active: string }> {
    const previous = await this.activeIn(tx);
    let target = SHIPPED_VERSION;
    if (idOrVersion !== SHIPPED_VERSION) {
      const [row]: { version: string }[] = await tx.query('SELECT version FROM cause_models WHERE version = $1 OR id::text = $1', [
        idOrVersion,
      ]);
      if (!row) throw new Error(`no stored cause model ${idOrVersion} (see: npm run cli -- model list)`);
      target = row.version;
    }
    if (target === previous) return { previous, active: target };
    await tx.query(`UPDATE cause_models SET status = 'retired' WHERE status = 'active'`);
    if (target !== SHIPPED_VERSION) {
      await tx.query(`UPDATE cause_models SET status = 'active', activated_at = now() WHERE version = $1`, [target]);
    }
    // The version switched from is logged too when it was never logged (the shipped one at the first switch).
    const logged = (await tx.query('SELECT 1 FROM cause_model_activations LIMIT 1')).length > 0;
    if (!logged) await tx.query('INSERT INTO cause_model_activations (version) VALUES ($1)', [previous]);
    await tx.query('INSERT INTO cause_model_activations (version) VALUES ($1)', [target]);
    return { previous, active: target };
  }

  /** Tells every running process to load the active version now (they also check every 30 s). */
  async announce(version: string): Promise<void> {
    try {
      this.publisher ??= new Redis(this.config.get('REDIS_URL'), { maxRetriesPerRequest: 2, enableOfflineQueue: true });
      await this.publisher.publish(causeModelChannel(this.config.get('QUEUE_PREFIX')), version);
    } catch (err) {
      // The switch is committed; processes that miss the message find it at their next periodic check.
      this.logger.warn(`could not announce cause model ${version} on Redis: ${(err as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const publisher = this.publisher;
    this.publisher = undefined;
    if (publisher) await publisher.quit().catch(() => publisher.disconnect());
  }
}

function toView(r: Row): StoredCauseModel {
  return {
    id: r.id,
    version: r.version,
    packVersion: r.pack_version,
    status: r.status,
    metrics: r.metrics,
    createdAt: new Date(r.created_at).toISOString(),
    activatedAt: r.activated_at ? new Date(r.activated_at).toISOString() : null,
  };
}
