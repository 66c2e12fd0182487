import { MigrationInterface, QueryRunner } from 'typeorm';

export class HotPathStorage1764000400000 implements MigrationInterface {
  name = 'HotPathStorage1764000400000';

  async up(q: QueryRunner): Promise<void> {
    // "Does this ticket have another pending event?" is asked on every stored triage and every accepted
    // event. Without this index the planner intersected the whole pending index with the ticket's rows, a
    // cost that grew with the backlog; with it the answer is one short index probe whatever the backlog.
    await q.query(`CREATE INDEX ix_inbox_pending_ticket ON inbox_events (ticket_id) WHERE state = 'pending'`);
    // A stored triage (about 2.5 KB of JSON) is compressed on every insert; lz4 does it at a fraction of the
    // CPU of the default pglz. Only where the server was built with lz4 (every mainstream build is).
    const [{ lz4 }]: { lz4: boolean }[] = await q.query(
      `SELECT 'lz4' = ANY(enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
    );
    if (lz4) await q.query(`ALTER TABLE triage_results ALTER COLUMN result SET COMPRESSION lz4`);
    // Events accepted together are triaged by one queue job; the sweeper looks for that job before it
    // enqueues an event again.
    await q.query(`ALTER TABLE inbox_events ADD COLUMN batch_job_id varchar(64)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inbox_events DROP COLUMN batch_job_id`);
    await q.query(`ALTER TABLE triage_results ALTER COLUMN result SET COMPRESSION default`);
    await q.query(`DROP INDEX ix_inbox_pending_ticket`);
  }
}
