import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Tx } from '../platform/database/transactions';
import { DomainError } from '../platform/errors/domain-error';
import { AuditRepository } from './audit.repository';

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
  constructor(private readonly rows: AuditRepository) {}

  /** `tx`: write the row in the caller's transaction, so it commits (or not) with the action. */
  async record(entry: AuditEntry, tx?: Tx): Promise<void> {
    await this.rows.insert(
      {
        actor: entry.actor.slice(0, 200),
        action: entry.action,
        target: entry.target?.slice(0, 300) ?? null,
        details: JSON.stringify(entry.details ?? {}),
      },
      tx,
    );
  }

  async list(limit: number, cursor?: string): Promise<{ items: AuditRow[]; nextCursor: string | null }> {
    const before = cursor === undefined ? null : decodeCursor(cursor);
    // One row more than the page: whether it exists says whether there is a next page.
    const rows = await this.rows.newestBefore(before, limit + 1);
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
