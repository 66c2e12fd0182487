import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Tx } from '../platform/database/transactions';
import type { StatsDelta } from './outcome-contribution';

/** A `fix_stats` cell: a macro's counts under one symptom or cause of a pack. */
export interface FixStatsCell {
  dimension: 'symptom' | 'cause';
  key: string;
  macro_id: string;
  successes: number;
  failures: number;
}

/** What the rebuild reads of an outcome. */
export interface OutcomeCredit {
  pack_id: string;
  macro_id: string;
  resolved: boolean;
  weight: number;
  cause_id: string | null;
  symptom_ids: string[];
}

/** The `fix_stats` table: the learned counts of each macro, per pack, under each symptom and cause. */
@Injectable()
export class FixStatsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every cell of the pack. */
  cellsOfPack(packId: string): Promise<FixStatsCell[]> {
    return this.db.query('SELECT dimension, key, macro_id, successes, failures FROM fix_stats WHERE pack_id = $1', [packId]);
  }

  /** The counts of the macros (a macro and its aliases) summed per symptom and cause. */
  sumsOfMacros(macroIds: readonly string[], packId: string) {
    return this.db.query(
      `SELECT dimension, key, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE pack_id = $2 AND macro_id = ANY($1) GROUP BY dimension, key ORDER BY dimension, key`,
      [macroIds, packId],
    ) as Promise<{ dimension: 'symptom' | 'cause'; key: string; successes: number; failures: number }[]>;
  }

  /** The counts of every macro under the symptoms, summed per macro. */
  sumsUnderSymptoms(symptomIds: readonly string[], packId: string) {
    return this.db.query(
      `SELECT macro_id, sum(successes) AS successes, sum(failures) AS failures
       FROM fix_stats WHERE pack_id = $2 AND dimension = 'symptom' AND key = ANY($1) GROUP BY macro_id`,
      [symptomIds, packId],
    ) as Promise<{ macro_id: string; successes: number; failures: number }[]>;
  }

  /**
   * Holds outcomes still until the transaction ends (reads go on, writes wait), so a rebuild counts exactly the
   * outcomes it read; then deletes the cells of the pack (null: of every pack) and answers the outcomes that
   * credit it.
   */
  async clearForRebuild(tx: Tx, packId: string | null): Promise<OutcomeCredit[]> {
    await tx.query('LOCK TABLE outcomes IN SHARE MODE');
    await tx.query('DELETE FROM fix_stats WHERE $1::varchar IS NULL OR pack_id = $1', [packId]);
    return tx.query(
      'SELECT pack_id, macro_id, resolved, weight, cause_id, symptom_ids FROM outcomes WHERE $1::varchar IS NULL OR pack_id = $1',
      [packId],
    );
  }

  /** Moves one pack's cells by the deltas (a cell not stored yet starts at zero). */
  async applyDelta(tx: Tx, deltas: readonly StatsDelta[], packId: string): Promise<void> {
    if (deltas.length === 0) return;
    await tx.query(
      `INSERT INTO fix_stats (pack_id, dimension, key, macro_id, successes, failures)
       SELECT $6, * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::float8[], $5::float8[])
       ON CONFLICT (pack_id, dimension, key, macro_id) DO UPDATE SET
         successes = fix_stats.successes + EXCLUDED.successes,
         failures = fix_stats.failures + EXCLUDED.failures,
         updated_at = now()`,
      [
        deltas.map((d) => d.dimension),
        deltas.map((d) => d.key),
        deltas.map((d) => d.macroId),
        deltas.map((d) => d.successes),
        deltas.map((d) => d.failures),
        packId,
      ],
    );
  }
}
