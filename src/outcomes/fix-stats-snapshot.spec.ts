import type { DataSource } from 'typeorm';
import { FixStatsService } from './fix-stats.service';

/** A database that answers the snapshot read after a delay and counts them. */
function fakeDb() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const db = {
    query: async (sql: string, params: unknown[] = []) => {
      calls.push(`${sql} ${JSON.stringify(params)}`);
      await gate;
      return sql.includes('fix_stats')
        ? [{ dimension: 'cause', key: 'storage_full', macro_id: 'm1', successes: calls.length, failures: 0 }]
        : [];
    },
  };
  return {
    db: db as unknown as DataSource,
    calls,
    open: () => release(),
  };
}

describe('FixStatsService.snapshot', () => {
  it('serves every job that finds the snapshot stale from one read, not one read each', async () => {
    const fake = fakeDb();
    const stats = new FixStatsService(fake.db);
    const pending = Array.from({ length: 200 }, () => stats.snapshot());
    fake.open();
    const snapshots = await Promise.all(pending);
    expect(fake.calls).toHaveLength(1); // fix_stats
    expect(new Set(snapshots).size).toBe(1);
    await stats.snapshot();
    expect(fake.calls).toHaveLength(1); // still fresh: no read
  });

  it('reads afresh after invalidate, even while an older read is in progress', async () => {
    const fake = fakeDb();
    const stats = new FixStatsService(fake.db);
    const before = stats.snapshot();
    stats.invalidate();
    const after = stats.snapshot();
    fake.open();
    await Promise.all([before, after]);
    expect(fake.calls.filter((q) => q.includes('fix_stats'))).toHaveLength(2);
    // The read started after invalidate is the one kept.
    expect(await stats.snapshot()).toBe(await after);
  });

  it("keeps each pack's statistics apart: one read per pack, the default pack's when none is named", async () => {
    const fake = fakeDb();
    const stats = new FixStatsService(fake.db);
    fake.open();
    await Promise.all([stats.snapshot('printer-jams'), stats.snapshot(), stats.snapshot('icloud-backup')]);
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls.map((q) => q.slice(q.lastIndexOf(' ') + 1)).sort()).toEqual(['["icloud-backup"]', '["printer-jams"]']);
  });
});
