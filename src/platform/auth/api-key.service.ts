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

/** SHA-256 of a key, hex: the stored form. One-shot hashing, as this runs on every request. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
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
    const cached = this.cache.get(keyHash);
    if (cached && cached.until > now) return cached.principal;
    const row = await this.keys.findOne({ where: { keyHash, revokedAt: IsNull() } });
    const principal = row ? { keyId: row.id, name: row.name, scopes: row.scopes } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(keyHash, { principal, until: now + CACHE_MS });
    return principal;
  }

  async create(name: string, scopes: Scope[]): Promise<{ key: string; row: ApiKeyEntity }> {
    const key = `tk_${randomBytes(24).toString('base64url')}`;
    const row = this.keys.create({
      id: randomUUID(),
      name,
      prefix: key.slice(0, 10),
      keyHash: hashKey(key),
      scopes,
      revokedAt: null,
    });
    await this.keys.insert(row);
    return { key, row };
  }

  async list(): Promise<{ id: string; name: string; prefix: string; scopes: Scope[]; createdAt: string; revokedAt: string | null }[]> {
    const rows = await this.keys.find({ order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes,
      createdAt: r.createdAt.toISOString(),
      revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
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
