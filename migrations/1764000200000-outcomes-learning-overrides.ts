import { MigrationInterface, QueryRunner } from 'typeorm';

export class OutcomesLearningOverrides1764000200000 implements MigrationInterface {
  name = 'OutcomesLearningOverrides1764000200000';

  async up(q: QueryRunner): Promise<void> {
    // The current outcome of each fix tried on a ticket; a later signal updates it.
    await q.query(`
      CREATE TABLE outcomes (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        macro_id varchar(100) NOT NULL,
        resolved boolean NOT NULL,
        signal varchar(20) NOT NULL,
        attribution varchar(20) NOT NULL,
        weight double precision NOT NULL,
        cause_id varchar(100),
        symptom_ids text[] NOT NULL DEFAULT '{}',
        note text,
        actor varchar(200),
        event_at timestamptz NOT NULL,
        time_to_resolution_seconds double precision,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_outcomes_ticket_macro UNIQUE (ticket_id, macro_id),
        CONSTRAINT ck_outcomes_signal CHECK (signal IN ('agent', 'status', 'csat')),
        CONSTRAINT ck_outcomes_attribution CHECK (attribution IN ('agent', 'applied', 'suggested'))
      )`);
    await q.query(`CREATE INDEX ix_outcomes_event_at ON outcomes (event_at)`);
    await q.query(`CREATE INDEX ix_outcomes_macro ON outcomes (macro_id, event_at)`);
    // Weighted successes and failures per (symptom or cause) x macro, kept in step with outcomes.
    await q.query(`
      CREATE TABLE fix_stats (
        dimension varchar(10) NOT NULL,
        key varchar(100) NOT NULL,
        macro_id varchar(100) NOT NULL,
        successes double precision NOT NULL DEFAULT 0,
        failures double precision NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dimension, key, macro_id),
        CONSTRAINT ck_fix_stats_dimension CHECK (dimension IN ('symptom', 'cause'))
      )`);
    // Agent confirmations and rejections of a cause given a symptom: re-weights the diagnosis.
    await q.query(`
      CREATE TABLE cause_feedback (
        symptom_id varchar(100) NOT NULL,
        cause_id varchar(100) NOT NULL,
        confirmations double precision NOT NULL DEFAULT 0,
        rejections double precision NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symptom_id, cause_id)
      )`);
    await q.query(`
      CREATE TABLE triage_overrides (
        id uuid PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets(id),
        triage_result_id uuid NOT NULL REFERENCES triage_results(id),
        cause_id varchar(100),
        macro_id varchar(100),
        reason text NOT NULL,
        actor varchar(200) NOT NULL,
        original jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_triage_overrides_ticket ON triage_overrides (ticket_id, created_at)`);
    await q.query(`CREATE INDEX ix_triage_overrides_created ON triage_overrides (created_at)`);
    // The effective triage of each ticket, for filtering lists without reading result documents.
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN cause_id varchar(100),
        ADD COLUMN macro_id varchar(100),
        ADD COLUMN symptom_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN override_id uuid REFERENCES triage_overrides(id)`);
    await q.query(`CREATE INDEX ix_tickets_cause ON tickets (cause_id, created_at)`);
    await q.query(`CREATE INDEX ix_tickets_symptoms ON tickets USING gin (symptom_ids)`);
    await q.query(`CREATE INDEX ix_triage_results_triaged ON triage_results (triaged_at)`);
    await q.query(`CREATE INDEX ix_outcome_signals_event ON outcome_signals (event_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_outcome_signals_event`);
    await q.query(`DROP INDEX ix_triage_results_triaged`);
    await q.query(`ALTER TABLE tickets DROP COLUMN override_id, DROP COLUMN symptom_ids, DROP COLUMN macro_id, DROP COLUMN cause_id`);
    await q.query(`DROP TABLE triage_overrides`);
    await q.query(`DROP TABLE cause_feedback`);
    await q.query(`DROP TABLE fix_stats`);
    await q.query(`DROP TABLE outcomes`);
  }
}
