import { MigrationInterface, QueryRunner } from 'typeorm';

export class WeeklyReports1764000300000 implements MigrationInterface {
  name = 'WeeklyReports1764000300000';

  async up(q: QueryRunner): Promise<void> {
    // One report per ISO week: generating a week again replaces its row.
    await q.query(`
      CREATE TABLE weekly_reports (
        iso_week varchar(8) PRIMARY KEY,
        time_zone varchar(64) NOT NULL,
        week_start timestamptz NOT NULL,
        week_end timestamptz NOT NULL,
        pack_version varchar(50) NOT NULL,
        report jsonb NOT NULL,
        generated_at timestamptz NOT NULL,
        generation_ms int NOT NULL,
        CONSTRAINT ck_weekly_reports_iso_week CHECK (iso_week ~ '^[0-9]{4}-W[0-9]{2}$')
      )`);
    // The report reads a week of outcomes without visiting the table (index-only scans).
    await q.query(`
      CREATE INDEX ix_outcomes_event_report ON outcomes (event_at)
        INCLUDE (macro_id, resolved, attribution, time_to_resolution_seconds)`);
    await q.query(`CREATE INDEX ix_triage_results_triaged_macro ON triage_results (triaged_at) INCLUDE (macro_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_triage_results_triaged_macro`);
    await q.query(`DROP INDEX ix_outcomes_event_report`);
    await q.query(`DROP TABLE weekly_reports`);
  }
}
