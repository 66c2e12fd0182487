import { Column, Entity, PrimaryColumn } from 'typeorm';

export const SCOPES = ['ingest', 'agent', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** An API key; only the SHA-256 of the secret is stored. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('varchar', { length: 100 })
  name: string;

  /** First characters of the key, to recognise it in listings. */
  @Column('varchar', { length: 16 })
  prefix: string;

  @Column('char', { name: 'key_hash', length: 64, unique: true })
  keyHash: string;

  @Column('text', { array: true })
  scopes: Scope[];

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  /** After this time the key is refused like a revoked one; null: never expires. */
  @Column('timestamptz', { name: 'expires_at', nullable: true })
  expiresAt: Date | null;

  /** Last request made with the key, written at most once a minute per process. */
  @Column('timestamptz', { name: 'last_used_at', nullable: true })
  lastUsedAt: Date | null;
}
