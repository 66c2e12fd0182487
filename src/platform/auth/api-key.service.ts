import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.service';
import { ApiKeyEntity, Scope, SCOPES } from './api-key.entity';

export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
}

const CACHE_MS = 10_000;
/** last_used_at is written at most this often per key and process. */
const LAST_USED_WRITE_MS = 60_000;

export interface ListedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** SHA-256 of a key, hex: the stored form. One-shot hashing, as this runs on every request. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly cache = new Map<string, { principal: Principal | null; expiresAt: number | null; until: number }>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly adminKeyHash: Buffer | null;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    config: AppConfig,
  ) {
    const admin = config.get('ADMIN_API_KEY');
    this.adminKeyHash = admin ? Buffer.from(hashKey(admin), 'hex') : null;
  }

  /** Resolves a presented key to its principal, or null. Lookups are cached briefly: this runs on every request. */
  async authenticate(presented: string): Promise<Principal | null> {
    const keyHash = hashKey(presented);
    if (this.adminKeyHash && timingSafeEqual(Buffer.from(keyHash, 'hex'), this.adminKeyHash)) {
      return { keyId: 'env:ADMIN_API_KEY', name: 'ADMIN_API_KEY', scopes: SCOPES };
    }
    const now = Date.now();
    let entry = this.cache.get(keyHash);
    if (!entry || entry.until <= now) {
      const row = await this.keys.findOne({ where: { keyHash, revokedAt: IsNull() } });
      entry = {
        principal: row ? { keyId: row.id, name: row.name, scopes: row.scopes } : null,
        expiresAt: row?.expiresAt ? row.expiresAt.getTime() : null,
        until: now + CACHE_MS,
      };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(keyHash, entry);
    }
    // An expired key is refused like a revoked one, to the millisecond even while cached.
    if (!entry.principal || (entry.expiresAt !== null && entry.expiresAt <= now)) return null;
    this.touch(entry.principal.keyId, now);
    return entry.principal;
  }

  /** Records the key's use at most once a minute; never delays nor fails the request. */
  private touch(keyId: string, now: number): void {
    const last = this.lastUsedWritten.get(keyId);
    if (last !== undefined && now - last < LAST_USED_WRITE_MS) return;
    if (this.lastUsedWritten.size > 10_000) this.lastUsedWritten.clear();
    this.lastUsedWritten.set(keyId, now);
    this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id: keyId })
      .execute()
      .catch((err: unknown) => this.logger.warn({ err, keyId }, 'could not record when the key was last used'));
  }

  /** `expiresAt`: refused from that time on (null: never). */
  async create(name: string, scopes: Scope[], expiresAt: Date | null = null): Promise<{ key: string; row: ApiKeyEntity }> {
    const key = `tk_${randomBytes(24).toString('base64url')}`;
    const row = this.keys.create({
      id: randomUUID(),
      name,
      prefix: key.slice(0, 10),
      keyHash: hashKey(key),
      scopes,
      revokedAt: null,
      expiresAt,
      lastUsedAt: null,
    });
    await this.keys.insert(row);
    return { key, row };
  }

  async list(): Promise<ListedApiKey[]> {
    const rows = await this.keys.find({ order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes,
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
      expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
      lastUsedAt: r.lastUsedAt ? r.lastUsedAt.toISOString() : null,
    }));
  }

  /** Revokes by id or by the key's printed prefix; returns how many keys were revoked. */
  async revoke(idOrPrefix: string): Promise<number> {
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where(isUuid ? 'id = :v' : 'prefix = :v', { v: idOrPrefix })
      .andWhere('revoked_at IS NULL')
      .execute();
    this.cache.clear();
    return result.affected ?? 0;
  }

  /** Outside production, with no ADMIN_API_KEY and no stored key, makes an admin key so the quick start works. */
  async ensureDevelopmentKey(isProduction: boolean): Promise<void> {
    if (this.adminKeyHash || isProduction) return;
    if ((await this.keys.count()) > 0) return;
    const { key } = await this.create('development admin (created at start)', [...SCOPES]);
    this.logger.warn(`No API key was configured: created an admin key for development: ${key}`);
  }
}
