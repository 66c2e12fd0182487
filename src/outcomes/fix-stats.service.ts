import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BetaCounts, FixStatsSnapshot } from '../engine';
import { applyStatsDelta } from './outcomes.service';
import { contribution, OutcomeFacts } from './outcome-contribution';

/** Re-reading the statistics at most this often keeps triage fast while outcomes stream in. */
const SNAPSHOT_TTL_MS = 2000;

type MutableTable = Record<string, Record<string, BetaCounts>>;

interface Snapshot {
  at: number;
  stats: FixStatsSnapshot;
}

/** The learned fix statistics: served to the engine as a snapshot, rebuilt exactly from outcomes on demand. */
@Injectable()
export class FixStatsService {
  private cached?: Snapshot;
  /** The read in progress: the jobs that find the snapshot stale together wait for one read, not one each. */
  private loading?: Promise<Snapshot>;
  private generation = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async snapshot(): Promise<{ stats: FixStatsSnapshot }> {
    if (this.cached && Date.now() - this.cached.at < SNAPSHOT_TTL_MS) return this.cached;
    if (!this.loading) {
      const generation = this.generation;
      const loading = this.load().then((snapshot) => {
        if (generation === this.generation) this.cached = snapshot;
        return snapshot;
      });
      this.loading = loading;
      void loading.then(
        () => this.loading === loading && (this.loading = undefined),
        () => this.loading === loading && (this.loading = undefined),
      );
    }
    return this.loading;
  }

  private async load(): Promise<Snapshot> {
    const rows: { dimension: 'symptom' | 'cause'; key: string; macro_id: string; successes: number; failures: number }[] =
      await this.db.query('SELECT dimension, key, macro_id, successes, failures FROM fix_stats');
    const bySymptomMacro: MutableTable = {};
    const byCauseMacro: MutableTable = {};
    for (const r of rows) {
      const table = r.dimension === 'symptom' ? bySymptomMacro : byCauseMacro;
      (table[r.key] ??= {})[r.macro_id] = { successes: Math.max(0, r.successes), failures: Math.max(0, r.failures) };
    }
    return { at: Date.now(), stats: { bySymptomMacro, byCauseMacro } };
  }

  /** The next snapshot is read afresh (a read already in progress may hold older figures). */
  invalidate(): void {
    this.generation++;
    this.cached = undefined;
    this.loading = undefined;
  }

  /** Statistics of one macro: overall and per symptom and cause. */
  async forMacro(macroIds: readonly string[]) {
    return this.db.query(
      `SELECT dimension, key, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE macro_id = ANY($1) GROUP BY dimension, key ORDER BY dimension, key`,
      [macroIds],
    ) as Promise<{ dimension: 'symptom' | 'cause'; key: string; successes: number; failures: number }[]>;
  }

  /** Counts of every macro under one symptom. */
  async forSymptom(symptomIds: readonly string[]) {
    return this.db.query(
      `SELECT macro_id, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE dimension = 'symptom' AND key = ANY($1) GROUP BY macro_id`,
      [symptomIds],
    ) as Promise<{ macro_id: string; successes: number; failures: number }[]>;
  }

  /** Recomputes fix_stats from the outcome rows, in one transaction. */
  async rebuild(): Promise<{ outcomes: number; cells: number }> {
    const result = await this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE outcomes IN SHARE MODE');
      await tx.query('DELETE FROM fix_stats');
      const outcomes: { macro_id: string; resolved: boolean; weight: number; cause_id: string | null; symptom_ids: string[] }[] =
        await tx.query('SELECT macro_id, resolved, weight, cause_id, symptom_ids FROM outcomes');
      const cells = new Map<string, { dimension: 'symptom' | 'cause'; key: string; macroId: string; successes: number; failures: number }>();
      for (const o of outcomes) {
        const facts: OutcomeFacts = { macroId: o.macro_id, resolved: o.resolved, weight: o.weight, causeId: o.cause_id, symptomIds: o.symptom_ids };
        for (const d of contribution(facts)) {
          const k = `${d.dimension}\u0000${d.key}\u0000${d.macroId}`;
          const c = cells.get(k) ?? { ...d, successes: 0, failures: 0 };
          c.successes += d.successes;
          c.failures += d.failures;
          cells.set(k, c);
        }
      }
      await applyStatsDelta(tx, [...cells.values()]);
      return { outcomes: outcomes.length, cells: cells.size };
    });
    this.invalidate();
    return result;
  }
}
