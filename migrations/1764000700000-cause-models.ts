import { MigrationInterface, QueryRunner } from 'typeorm';

export class CauseModels1764000700000 implements MigrationInterface {
  name = 'CauseModels1764000700000';

  async up(q: QueryRunner): Promise<void> {
    // Cause-model weights refitted from agents' labels. Version "0" is the pack's own model.json and is never
    // stored; refits count up ("1", "2", ...). At most one version is active; without one, the shipped weights are.
    await q.query(`
      CREATE TABLE cause_models (
        id uuid PRIMARY KEY,
        version text NOT NULL,
        pack_version varchar(50) NOT NULL,
        weights jsonb NOT NULL,
        metrics jsonb NOT NULL DEFAULT '{}',
        status varchar(10) NOT NULL DEFAULT 'candidate',
        created_at timestamptz NOT NULL DEFAULT now(),
        activated_at timestamptz,
        CONSTRAINT uq_cause_models_version UNIQUE (version),
        CONSTRAINT ck_cause_models_version CHECK (version <> '0' AND version <> ''),
        CONSTRAINT ck_cause_models_status CHECK (status IN ('candidate', 'active', 'retired'))
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_cause_models_one_active ON cause_models (status) WHERE status = 'active'`);
    // Every switch of the active version, "0" included, so a rollback knows what was active before.
    await q.query(`
      CREATE TABLE cause_model_activations (
        id bigserial PRIMARY KEY,
        version text NOT NULL,
        activated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Agents' per-symptom cause verdicts no longer reach the engine: overrides and outcomes are labels for a refit.
    await q.query(`DROP TABLE cause_feedback`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cause_feedback (
        symptom_id varchar(100) NOT NULL,
        cause_id varchar(100) NOT NULL,
        confirmations double precision NOT NULL DEFAULT 0,
        rejections double precision NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symptom_id, cause_id)
      )`);
    await q.query(`DROP TABLE cause_model_activations`);
    await q.query(`DROP TABLE cause_models`);
  }
}
