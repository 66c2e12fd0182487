import { Injectable, Optional } from '@nestjs/common';
import type { BetaCounts, FixStatsSnapshot } from '../engine';
import { contribution, OutcomeFacts, StatsDelta } from './outcome-contribution';
import { DEFAULT_PACK_NAME } from '../knowledge';
import { AppConfig } from '../platform/config/app-config.service';
import { Transactions } from '../platform/database/transactions';
import { FixStatsRepository } from './fix-stats.repository';

/** Re-reading the statistics at most this often keeps triage fast while outcomes stream in. */
const SNAPSHOT_TTL_MS = 2000;

type MutableTable = Record<string, Record<string, BetaCounts>>;

interface Snapshot {
  at: number;
  stats: FixStatsSnapshot;
}

/** The learned fix statistics, per pack: served to the engine as a snapshot, rebuilt exactly from outcomes on demand. */
@Injectable()
export class FixStatsService {
  private readonly cached = new Map<string, Snapshot>();
  /** The reads in progress: the jobs that find a pack's snapshot stale together wait for one read, not one each. */
  private readonly loading = new Map<string, Promise<Snapshot>>();
  private generation = 0;

  constructor(
    private readonly repository: FixStatsRepository,
    private readonly transactions: Transactions,
    @Optional() private readonly config?: AppConfig,
  ) {}

  /** The pack statistics belong to when none is named: the default pack. */
  private packOrDefault(packId: string | undefined): string {
    return packId ?? this.config?.get('DEFAULT_PACK') ?? DEFAULT_PACK_NAME;
  }

  async snapshot(packId?: string): Promise<{ stats: FixStatsSnapshot }> {
    const pack = this.packOrDefault(packId);
    const cached = this.cached.get(pack);
    if (cached && Date.now() - cached.at < SNAPSHOT_TTL_MS) return cached;
    let loading = this.loading.get(pack);
    if (!loading) {
      const generation = this.generation;
      const started = this.load(pack).then((snapshot) => {
        if (generation === this.generation) this.cached.set(pack, snapshot);
        return snapshot;
      });
      loading = started;
      this.loading.set(pack, started);
      const done = () => this.loading.get(pack) === started && this.loading.delete(pack);
      void started.then(done, done);
    }
    return loading;
  }

  private async load(packId: string): Promise<Snapshot> {
    const rows = await this.repository.cellsOfPack(packId);
    const bySymptomMacro: MutableTable = {};
    const byCauseMacro: MutableTable = {};
    for (const r of rows) {
      const table = r.dimension === 'symptom' ? bySymptomMacro : byCauseMacro;
      (table[r.key] ??= {})[r.macro_id] = { successes: Math.max(0, r.successes), failures: Math.max(0, r.failures) };
    }
    return { at: Date.now(), stats: { bySymptomMacro, byCauseMacro } };
  }

  /** The next snapshots are read afresh (a read already in progress may hold older figures). */
  invalidate(): void {
    this.generation++;
    this.cached.clear();
    this.loading.clear();
  }

  /** Statistics of one macro: overall and per symptom and cause. */
  async forMacro(macroIds: readonly string[], packId?: string) {
    return this.repository.sumsOfMacros(macroIds, this.packOrDefault(packId));
  }

  /** Counts of every macro under one symptom. */
  async forSymptom(symptomIds: readonly string[], packId?: string) {
    return this.repository.sumsUnderSymptoms(symptomIds, this.packOrDefault(packId));
  }

  /**
   * Recomputes fix_stats from the outcome rows, in one transaction: every pack's (each outcome credits the pack it
   * names), or one pack's when `packId` is given.
   */
  async rebuild(packId?: string): Promise<{ outcomes: number; cells: number }> {
    const result = await this.transactions.run(async (tx) => {
      const outcomes = await this.repository.clearForRebuild(tx, packId ?? null);
      const byPack = new Map<string, Map<string, StatsDelta>>();
      for (const o of outcomes) {
        const cells = byPack.get(o.pack_id) ?? new Map<string, StatsDelta>();
        byPack.set(o.pack_id, cells);
        const facts: OutcomeFacts = {
          macroId: o.macro_id,
          resolved: o.resolved,
          weight: o.weight,
          causeId: o.cause_id,
          symptomIds: o.symptom_ids,
        };
        for (const d of contribution(facts)) {
          const k = `${d.dimension}\u0000${d.key}\u0000${d.macroId}`;
          const c = cells.get(k);
          cells.set(k, c ? { ...c, successes: c.successes + d.successes, failures: c.failures + d.failures } : d);
        }
      }
      let cellCount = 0;
      for (const [pack, cells] of byPack) {
        await this.repository.applyDelta(tx, [...cells.values()], pack);
        cellCount += cells.size;
      }
      return { outcomes: outcomes.length, cells: cellCount };
    });
    this.invalidate();
    return result;
  }
}
