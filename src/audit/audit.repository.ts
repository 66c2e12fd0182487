import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions';

/** An audit row as stored: `details` is its JSON text. */
export interface AuditInsert {
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

/** An audit row as read: `at` as the driver returns it, before the service formats it. */
export interface StoredAuditRow {
  id: string;
  at: string | Date;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

/** The `audit_log` table. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** `tx`: in the caller's transaction, so the row commits (or not) with the action. */
  async insert(row: AuditInsert, tx?: Tx): Promise<void> {
    await (tx ?? this.db).query(`INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)`, [
      row.actor,
      row.action,
      row.target,
      row.details,
    ]);
  }

  /** Up to `count` rows with an id below `before` (null: from the newest), newest first. */
  newestBefore(before: string | null, count: number): Promise<StoredAuditRow[]> {
    return this.db.query(
      `SELECT id::text AS id, at, actor, action, target, details FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY id DESC LIMIT $2`,
      [before, count],
    );
  }
}
