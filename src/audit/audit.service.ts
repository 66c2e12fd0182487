import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../platform/errors/domain-error';

/** Who acted: an API key's name, `ADMIN_API_KEY`, `cli` for the command line, `retention` for the daily erasure. */
export type AuditActor = string;

export interface AuditEntry {
  actor: AuditActor;
  /** Namespaced like error codes: `api_key.create`, `requester.erase`, `report.regenerate` ... */
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

/** SHA-256 of the lowercased address, hex: what the audit log keeps of an erased person. */
export function addressHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** The admin audit log: one row per admin action, newest first when listed. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `tx`: write the row in the caller's transaction, so it commits (or not) with the action. */
  async record(entry: AuditEntry, tx?: EntityManager): Promise<void> {
    await (tx ?? this.db).query(`INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)`, [
      entry.actor.slice(0, 200),
      entry.action,
      entry.target?.slice(0, 300) ?? null,
      JSON.stringify(entry.details ?? {}),
    ]);
  }

  async list(limit: number, cursor?: string): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
    const before = cursor === undefined ? null : decodeCursor(cursor);
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text AS id, at, actor, action, target, details FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
      [before, limit + 1],
    );
    const page = rows.slice(0, limit).map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
    return { items: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify(['audit', id])).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const [kind, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (kind !== 'audit' || typeof id !== 'string' || !/^\d{1,18}$/.test(id)) throw new Error('bad cursor');
    return id;
  } catch {
    throw new DomainError('REQUEST.INVALID', 'The cursor is not one this API returned', ['cursor is invalid']);
  }
}
