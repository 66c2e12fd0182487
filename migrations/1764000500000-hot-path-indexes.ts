import { MigrationInterface, QueryRunner } from 'typeorm';

export class HotPathIndexes1764000500000 implements MigrationInterface {
  name = 'HotPathIndexes1764000500000';

  async up(q: QueryRunner): Promise<void> {
    // ix_triage_results_triaged_macro (triaged_at) INCLUDE (macro_id) answers every query the plain
    // triaged_at index did; the plain one only cost an index insert on every stored triage.
    await q.query(`DROP INDEX IF EXISTS ix_triage_results_triaged`);
    // "Is another event of this ticket pending?" now reads the ticket's own events (ix_inbox_ticket). The
    // partial index it used let a plan cached while nothing was pending walk the whole pending index per
    // ticket once a backlog built up; it also cost an index insert on every accepted event.
    await q.query(`DROP INDEX IF EXISTS ix_inbox_pending_ticket`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_inbox_pending_ticket ON inbox_events (ticket_id) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX ix_triage_results_triaged ON triage_results (triaged_at)`);
  }
}
