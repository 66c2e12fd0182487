import { MigrationInterface, QueryRunner } from 'typeorm';

export class HelpdeskWritebackAndSignals1764000100000 implements MigrationInterface {
  name = 'HelpdeskWritebackAndSignals1764000100000';

  async up(q: QueryRunner): Promise<void> {
    // Customer comments after the first message, in order: triage reads the whole conversation.
    await q.query(`ALTER TABLE tickets ADD COLUMN conversation jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE TABLE writebacks (
        id uuid PRIMARY KEY,
        triage_result_id uuid NOT NULL REFERENCES triage_results(id),
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        helpdesk varchar(20) NOT NULL,
        state varchar(10) NOT NULL DEFAULT 'pending',
        tags_done_at timestamptz,
        note_done_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_writebacks_triage_result UNIQUE (triage_result_id),
        CONSTRAINT ck_writebacks_state CHECK (state IN ('pending', 'done', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_writebacks_pending ON writebacks (created_at) WHERE state = 'pending'`);
    await q.query(`CREATE INDEX ix_writebacks_ticket ON writebacks (ticket_id, created_at)`);
    await q.query(`
      CREATE TABLE outcome_signals (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        source varchar(20) NOT NULL,
        kind varchar(20) NOT NULL,
        status varchar(20),
        previous_status varchar(20),
        resolved boolean,
        macro_id varchar(100),
        attribution varchar(20),
        cause_id varchar(100),
        symptom_ids text[] NOT NULL DEFAULT '{}',
        triage_result_id uuid REFERENCES triage_results(id),
        dedupe_key varchar(300) NOT NULL,
        event_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_outcome_signals_dedupe UNIQUE (dedupe_key)
      )`);
    await q.query(`CREATE INDEX ix_outcome_signals_ticket ON outcome_signals (ticket_id, event_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outcome_signals`);
    await q.query(`DROP TABLE writebacks`);
    await q.query(`ALTER TABLE tickets DROP COLUMN conversation`);
  }
}
