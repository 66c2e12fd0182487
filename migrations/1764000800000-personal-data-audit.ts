import { MigrationInterface, QueryRunner } from 'typeorm';

export class PersonalDataAudit1764000800000 implements MigrationInterface {
  name = 'PersonalDataAudit1764000800000';

  async up(q: QueryRunner): Promise<void> {
    // When a ticket's personal data was erased (on request or by RETENTION_DAYS); NULL while its text is held.
    await q.query(`ALTER TABLE tickets ADD COLUMN erased_at timestamptz`);
    // DELETE /v1/requesters/:email finds a person's tickets by the lowercased address.
    await q.query(`CREATE INDEX ix_tickets_requester_email ON tickets ((lower(requester->>'email')))`);
    // The daily retention run reads only tickets not yet erased, oldest first by the time the ticket was created.
    await q.query(`CREATE INDEX ix_tickets_retention ON tickets ((COALESCE(source_created_at, created_at))) WHERE erased_at IS NULL`);
    // Admin actions: who (API key name, ADMIN_API_KEY or cli), what, on what. Never a customer's address.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(200) NOT NULL,
        action varchar(100) NOT NULL,
        target varchar(300),
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN expires_at timestamptz, ADD COLUMN last_used_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN last_used_at, DROP COLUMN expires_at`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP INDEX ix_tickets_retention`);
    await q.query(`DROP INDEX ix_tickets_requester_email`);
    await q.query(`ALTER TABLE tickets DROP COLUMN erased_at`);
  }
}
