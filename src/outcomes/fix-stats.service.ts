import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BetaCounts, FixStatsSnapshot } from '../engine';
import { applyStatsDelta } from './outcomes.service';
import { contribution, OutcomeFacts, StatsDelta } from './outcome-contribution';
import { DEFAULT_PACK_NAME } from '../knowledge';
import { AppConfig } from '../platform/config/app-config.service';

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
    @InjectDataSource() private readonly db: DataSource,
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
    const rows: { dimension: 'symptom' | 'cause'; key: string; macro_id: string; successes: number; failures: number }[] =
      await this.db.query('SELECT dimension, key, macro_id, successes, failures FROM fix_stats WHERE pack_id = $1', [packId]);
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
    return this.db.query(
      `SELECT dimension, key, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE pack_id = $2 AND macro_id = ANY($1) GROUP BY dimension, key ORDER BY dimension, key`,
      [macroIds, this.packOrDefault(packId)],
    ) as Promise<{ dimension: 'symptom' | 'cause'; key: string; successes: number; failures: number }[]>;
  }

  /** Counts of every macro under one symptom. */
  async forSymptom(symptomIds: readonly string[], packId?: string) {
    return this.db.query(
      `SELECT macro_id, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE pack_id = $2 AND dimension = 'symptom' AND key = ANY($1) GROUP BY macro_id`,
      [symptomIds, this.packOrDefault(packId)],
    ) as Promise<{ macro_id: string; successes: number; failures: number }[]>;
  }

  /**
   * Recomputes fix_stats from the outcome rows, in one transaction: every pack's (each outcome credits the pack it
   * names), or one pack's when `packId` is given.
   */
  async rebuild(packId?: string): Promise<{ outcomes: number; cells: number }> {
    const result = await this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE outcomes IN SHARE MODE');
      const only = packId ?? null;
      await tx.query('DELETE FROM fix_stats WHERE $1::varchar IS NULL OR pack_id = $1', [only]);
      const outcomes: {
        pack_id: string;
        macro_id: string;
        resolved: boolean;
        weight: number;
        cause_id: string | null;
        symptom_ids: string[];
      }[] = await tx.query(
        'SELECT pack_id, macro_id, resolved, weight, cause_id, symptom_ids FROM outcomes WHERE $1::varchar IS NULL OR pack_id = $1',
        [only],
      );
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
        await applyStatsDelta(tx, [...cells.values()], pack);
        cellCount += cells.size;
      }
      return { outcomes: outcomes.length, cells: cellCount };
    });
    this.invalidate();
    return result;
  }
}
