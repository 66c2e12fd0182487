import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BetaCounts, FixStatsSnapshot } from '../engine';
import { applyFeedback, applyStatsDelta } from './outcomes.service';
import { contribution, OutcomeFacts } from './outcome-contribution';

/** Re-reading the statistics at most this often keeps triage fast while outcomes stream in. */
const SNAPSHOT_TTL_MS = 2000;

/** symptom -> cause -> confirmations minus rejections, as agents and outcomes said. */
/** Agents' verdicts on causes: per symptom and cause, confirmations minus rejections. */
export interface CauseFeedback {
  readonly bySymptomCause: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

type MutableTable = Record<string, Record<string, BetaCounts>>;

interface Snapshot {
  at: number;
  stats: FixStatsSnapshot;
  feedback: CauseFeedback;
}

/** The learned fix statistics: served to the engine as a snapshot, rebuilt exactly from outcomes on demand. */
@Injectable()
export class FixStatsService {
  private cached?: Snapshot;
  /** The read in progress: the jobs that find the snapshot stale together wait for one read, not one each. */
  private loading?: Promise<Snapshot>;
  private generation = 0;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async snapshot(): Promise<{ stats: FixStatsSnapshot; feedback: CauseFeedback }> {
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
    const fb: { symptom_id: string; cause_id: string; net: number }[] = await this.db.query(
      'SELECT symptom_id, cause_id, confirmations - rejections AS net FROM cause_feedback',
    );
    const bySymptomCause: Record<string, Record<string, number>> = {};
    for (const r of fb) (bySymptomCause[r.symptom_id] ??= {})[r.cause_id] = r.net;
    return { at: Date.now(), stats: { bySymptomMacro, byCauseMacro }, feedback: { bySymptomCause } };
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

  /** Recomputes fix_stats and cause_feedback from the outcome and override rows, in one transaction. */
  async rebuild(): Promise<{ outcomes: number; cells: number }> {
    const result = await this.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE outcomes, triage_overrides IN SHARE MODE');
      await tx.query('DELETE FROM fix_stats');
      await tx.query('DELETE FROM cause_feedback');
      const outcomes: { macro_id: string; resolved: boolean; weight: number; cause_id: string | null; symptom_ids: string[] }[] =
        await tx.query('SELECT macro_id, resolved, weight, cause_id, symptom_ids FROM outcomes');
      const cells = new Map<string, { dimension: 'symptom' | 'cause'; key: string; macroId: string; successes: number; failures: number }>();
      const feedback = new Map<string, { symptom: string; cause: string; confirmations: number; rejections: number }>();
      for (const o of outcomes) {
        const facts: OutcomeFacts = { macroId: o.macro_id, resolved: o.resolved, weight: o.weight, causeId: o.cause_id, symptomIds: o.symptom_ids };
        for (const d of contribution(facts)) {
          const k = `${d.dimension}\u0000${d.key}\u0000${d.macroId}`;
          const c = cells.get(k) ?? { ...d, successes: 0, failures: 0 };
          c.successes += d.successes;
          c.failures += d.failures;
          cells.set(k, c);
        }
        if (o.resolved && o.cause_id && o.cause_id !== 'other') {
          for (const s of new Set(o.symptom_ids)) bump(feedback, s, o.cause_id, o.weight, 0);
        }
      }
      const overrides: { cause_id: string | null; original: { causeId: string; symptomIds: string[] } }[] = await tx.query(
        `SELECT DISTINCT ON (ticket_id) cause_id, original FROM triage_overrides ORDER BY ticket_id, created_at DESC`,
      );
      for (const o of overrides) {
        if (!o.cause_id || o.cause_id === o.original.causeId) continue;
        for (const s of new Set(o.original.symptomIds)) {
          bump(feedback, s, o.cause_id, 1, 0);
          bump(feedback, s, o.original.causeId, 0, 1);
        }
      }
      await applyStatsDelta(tx, [...cells.values()]);
      await applyFeedback(tx, [...feedback.values()]);
      return { outcomes: outcomes.length, cells: cells.size };
    });
    this.invalidate();
    return result;
  }
}

function bump(
  map: Map<string, { symptom: string; cause: string; confirmations: number; rejections: number }>,
  symptom: string,
  cause: string,
  confirmations: number,
  rejections: number,
): void {
  const k = `${symptom}\u0000${cause}`;
  const c = map.get(k) ?? { symptom, cause, confirmations: 0, rejections: 0 };
  c.confirmations += confirmations;
  c.rejections += rejections;
  map.set(k, c);
}
