import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        source varchar(20) NOT NULL,
        external_id varchar(200) NOT NULL,
        subject text NOT NULL,
        description text NOT NULL,
        status varchar(20),
        requester jsonb,
        tags text[] NOT NULL DEFAULT '{}',
        source_created_at timestamptz,
        source_updated_at timestamptz,
        triage_state varchar(10) NOT NULL,
        triage_error text,
        latest_triage_id uuid,
        latest_event_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_tickets_source_external UNIQUE (source, external_id)
      )`);
    await q.query(`CREATE INDEX ix_tickets_created ON tickets (created_at, id)`);
    await q.query(`
      CREATE TABLE inbox_events (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        source varchar(20) NOT NULL,
        dedupe_key varchar(300) NOT NULL,
        kind varchar(30) NOT NULL,
        payload jsonb NOT NULL,
        event_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        state varchar(10) NOT NULL DEFAULT 'pending',
        processed_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        CONSTRAINT uq_inbox_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT ck_inbox_state CHECK (state IN ('pending', 'processed', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_inbox_pending ON inbox_events (received_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX ix_inbox_ticket ON inbox_events (ticket_id, received_at)`);
    await q.query(`
      CREATE TABLE triage_results (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        inbox_id uuid NOT NULL REFERENCES inbox_events(id),
        pack_version varchar(50) NOT NULL,
        cause_id varchar(100) NOT NULL,
        confidence double precision NOT NULL,
        macro_id varchar(100) NOT NULL,
        symptom_ids text[] NOT NULL,
        result jsonb NOT NULL,
        event_at timestamptz NOT NULL,
        triaged_at timestamptz NOT NULL,
        CONSTRAINT uq_triage_results_inbox UNIQUE (inbox_id)
      )`);
    await q.query(`CREATE INDEX ix_triage_results_ticket ON triage_results (ticket_id, triaged_at)`);
    await q.query(`
      ALTER TABLE tickets ADD CONSTRAINT fk_tickets_latest_triage
        FOREIGN KEY (latest_triage_id) REFERENCES triage_results(id)`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name varchar(100) NOT NULL,
        prefix varchar(16) NOT NULL,
        key_hash char(64) NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT uq_api_keys_hash UNIQUE (key_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
    await q.query(`ALTER TABLE tickets DROP CONSTRAINT fk_tickets_latest_triage`);
    await q.query(`DROP TABLE triage_results`);
    await q.query(`DROP TABLE inbox_events`);
    await q.query(`DROP TABLE tickets`);
  }
}
