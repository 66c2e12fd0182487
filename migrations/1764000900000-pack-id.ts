import { MigrationInterface, QueryRunner } from 'typeorm';

/** The pack bundled with the service: every row written before packs were routed was made with it. */
const BUNDLED_PACK = 'icloud-backup';

export class PackId1764000900000 implements MigrationInterface {
  name = 'PackId1764000900000';

  async up(q: QueryRunner): Promise<void> {
    // A constant default fills existing rows without rewriting the tables (Postgres 11+); the service names the
    // pack on every row it writes.
    await q.query(`ALTER TABLE triage_results ADD COLUMN pack_id varchar(64) NOT NULL DEFAULT '${BUNDLED_PACK}'`);
    // An outcome credits the fix statistics of its ticket's pack; a later signal moves that pack's cells back.
    await q.query(`ALTER TABLE outcomes ADD COLUMN pack_id varchar(64) NOT NULL DEFAULT '${BUNDLED_PACK}'`);
    // Fix statistics per pack: the same macro or symptom id in two packs are two things.
    await q.query(`ALTER TABLE fix_stats ADD COLUMN pack_id varchar(64) NOT NULL DEFAULT '${BUNDLED_PACK}'`);
    await q.query(`ALTER TABLE fix_stats DROP CONSTRAINT fix_stats_pkey`);
    await q.query(`ALTER TABLE fix_stats ADD PRIMARY KEY (pack_id, dimension, key, macro_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM fix_stats WHERE pack_id <> '${BUNDLED_PACK}'`);
    await q.query(`ALTER TABLE fix_stats DROP CONSTRAINT fix_stats_pkey`);
    await q.query(`ALTER TABLE fix_stats ADD PRIMARY KEY (dimension, key, macro_id)`);
    await q.query(`ALTER TABLE fix_stats DROP COLUMN pack_id`);
    await q.query(`ALTER TABLE outcomes DROP COLUMN pack_id`);
    await q.query(`ALTER TABLE triage_results DROP COLUMN pack_id`);
  }
}
