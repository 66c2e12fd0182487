import { fakeTransactions } from '../platform/database/testing/fake-transactions';
import type { FixStatsRepository } from './fix-stats.repository';
import { FixStatsService } from './fix-stats.service';

/** A fix_stats table that answers each pack's read after a gate opens, and lists the packs read. */
function fakeStats() {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const repository = {
    cellsOfPack: async (packId: string) => {
      calls.push(packId);
      await gate;
      return [{ dimension: 'cause', key: 'storage_full', macro_id: 'm1', successes: calls.length, failures: 0 }];
    },
  } as unknown as FixStatsRepository;
  return {
    stats: new FixStatsService(repository, fakeTransactions()),
    calls,
    open: () => release(),
  };
}

describe('FixStatsService.snapshot', () => {
  it('serves every job that finds the snapshot stale from one read, not one read each', async () => {
    const fake = fakeStats();
    const { stats } = fake;
    const pending = Array.from({ length: 200 }, () => stats.snapshot());
    fake.open();
    const snapshots = await Promise.all(pending);
    expect(fake.calls).toHaveLength(1);
    expect(new Set(snapshots).size).toBe(1);
    await stats.snapshot();
    expect(fake.calls).toHaveLength(1); // still fresh: no read
  });

  it('reads afresh after invalidate, even while an older read is in progress', async () => {
    const fake = fakeStats();
    const { stats } = fake;
    const before = stats.snapshot();
    stats.invalidate();
    const after = stats.snapshot();
    fake.open();
    await Promise.all([before, after]);
    expect(fake.calls).toHaveLength(2);
    // The read started after invalidate is the one kept.
    expect(await stats.snapshot()).toBe(await after);
  });

  it("keeps each pack's statistics apart: one read per pack, the default pack's when none is named", async () => {
    const fake = fakeStats();
    const { stats } = fake;
    fake.open();
    await Promise.all([stats.snapshot('printer-jams'), stats.snapshot(), stats.snapshot('icloud-backup')]);
    expect(fake.calls).toHaveLength(2);
    expect([...fake.calls].sort()).toEqual(['icloud-backup', 'printer-jams']);
  });
});
