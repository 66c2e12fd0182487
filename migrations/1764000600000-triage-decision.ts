import { MigrationInterface, QueryRunner } from 'typeorm';

export class TriageDecision1764000600000 implements MigrationInterface {
  name = 'TriageDecision1764000600000';

  async up(q: QueryRunner): Promise<void> {
    // The write-back decision (auto | review) of the ticket's latest triage, kept beside cause_id for the list
    // filter and the outcome attribution; NULL for a ticket never triaged or triaged before decisions existed.
    await q.query(`ALTER TABLE tickets ADD COLUMN decision varchar(10)`);
    // Results stored with a decision already carry it in their JSON.
    await q.query(`
      UPDATE tickets t SET decision = r.result->>'decision'
      FROM triage_results r
      WHERE r.id = t.latest_triage_id AND r.result->>'decision' IN ('auto', 'review')`);
    // No index of its own: ?decision= lists walk ix_tickets_created newest first, and either decision is common
    // enough that a page fills after a short walk; an index would cost every stored triage one more insert.
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN decision`);
  }
}
