import type { AuditInsert, AuditRepository, StoredAuditRow } from '../audit.repository';

/**
 * The audit log in memory, for unit tests: `rows` holds what was recorded, oldest first, with ids counting
 * from 1 as the table's sequence does.
 */
export function fakeAuditRepository(at = () => new Date()): AuditRepository & { rows: StoredAuditRow[] } {
  const rows: StoredAuditRow[] = [];
  const fake = {
    rows,
    insert(row: AuditInsert): Promise<void> {
      rows.push({ id: String(rows.length + 1), at: at(), ...row, details: JSON.parse(row.details) as Record<string, unknown> });
      return Promise.resolve();
    },
    newestBefore(before: string | null, count: number): Promise<StoredAuditRow[]> {
      const newest = [...rows].reverse().filter((r) => before === null || BigInt(r.id) < BigInt(before));
      return Promise.resolve(newest.slice(0, count));
    },
  };
  return fake as unknown as AuditRepository & { rows: StoredAuditRow[] };
}
