import { MigrationInterface, QueryRunner } from 'typeorm';

export class DropRedundantIndex1764000500000 implements MigrationInterface {
  name = 'DropRedundantIndex1764000500000';

  async up(q: QueryRunner): Promise<void> {
    // ix_triage_results_triaged_macro (triaged_at) INCLUDE (macro_id) answers every query the plain
    // triaged_at index did; the plain one only cost an index insert on every stored triage.
    await q.query(`DROP INDEX IF EXISTS ix_triage_results_triaged`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_triage_results_triaged ON triage_results (triaged_at)`);
  }
}
