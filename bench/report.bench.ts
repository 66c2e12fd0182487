/**
 * Weekly report benchmark: seeds a week with over 1,000,000 outcomes (and the week before it) into a
 * dedicated database with generate_series, then times the report's generation.
 *
 *   npm run bench:report            (BENCH_TICKETS=260000 tickets in the week, 4 outcomes each; KEEP_DB=1 keeps it)
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadDefaultPack } from '../src/knowledge';
import { dataSourceOptions } from '../src/platform/database/data-source';
import { prepareDatabase } from '../src/platform/database/prepare-database';
import { parseIsoWeek } from '../src/reports/iso-week';
import { catalogFromPack } from '../src/reports/report-catalog';
import { ReportGenerator } from '../src/reports/report-generator';
import { ReportStatisticsRepository } from '../src/reports/report-statistics.repository';

const DB_NAME = 'triage_bench_report';
const WEEK = '2020-W11';
const TICKETS = Number(process.env.BENCH_TICKETS ?? 260_000);
const PREVIOUS_TICKETS = Math.round(TICKETS / 4);
const OUTCOMES_PER_TICKET = 4;

function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/triage');
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Rows for one week: tickets with their triage, 5% overridden, and OUTCOMES_PER_TICKET outcomes each. */
async function seedWeek(
  db: Client,
  offset: number,
  count: number,
  weekStart: string,
  macros: string[],
  causes: string[],
  symptoms: string[],
) {
  const params = [offset, count, weekStart, macros, causes, symptoms];
  // Ids are derived from the row number, so every table can refer to the others without a lookup.
  await db.query(
    `INSERT INTO tickets (id, source, external_id, subject, description, triage_state, created_at, updated_at,
                          cause_id, macro_id, symptom_ids, latest_triage_id, latest_event_at)
     SELECT md5('t' || i)::uuid, 'api', 'bench-' || i, 'Backup problem',
            (ARRAY['My backup stopped working after the family sharing invite expired',
                   'Watch pairing lost and the backup never finishes',
                   'It says not enough storage although I paid for more',
                   'The backup is stuck on estimating time remaining since yesterday',
                   'Restore from backup failed with an unknown error'])[1 + i % 5],
            'done', ts, ts, c, ($4::text[])[1 + i % array_length($4::text[], 1)],
            ARRAY[($6::text[])[1 + i % array_length($6::text[], 1)], ($6::text[])[1 + (i / 7) % array_length($6::text[], 1)]],
            md5('r' || i)::uuid, ts
     FROM (SELECT i, $3::timestamptz + ((i - $1) * 604799.0 / $2) * interval '1 second' AS ts,
                  ($5::text[])[1 + i % array_length($5::text[], 1)] AS c
           FROM generate_series($1::int, $1::int + $2::int - 1) AS i) s`,
    params,
  );
  await db.query(
    `INSERT INTO inbox_events (id, ticket_id, source, dedupe_key, kind, payload, event_at, received_at, state)
     SELECT md5('e' || i)::uuid, md5('t' || i)::uuid, 'api', 'bench:' || i, 'created', '{}', t.created_at, t.created_at, 'processed'
     FROM generate_series($1::int, $1::int + $2::int - 1) AS i JOIN tickets t ON t.id = md5('t' || i)::uuid`,
    [offset, count],
  );
  await db.query(
    `INSERT INTO triage_results (id, ticket_id, inbox_id, pack_version, cause_id, confidence, macro_id, symptom_ids, result, event_at, triaged_at)
     SELECT md5('r' || i)::uuid, t.id, md5('e' || i)::uuid, 'bench', t.cause_id, 0.8, t.macro_id, t.symptom_ids, '{}', t.created_at, t.created_at + interval '1 second'
     FROM generate_series($1::int, $1::int + $2::int - 1) AS i JOIN tickets t ON t.id = md5('t' || i)::uuid`,
    [offset, count],
  );
  await db.query(
    `INSERT INTO triage_overrides (id, ticket_id, triage_result_id, cause_id, macro_id, reason, actor, original, created_at)
     SELECT md5('o' || i)::uuid, t.id, t.latest_triage_id, NULL, ($3::text[])[1 + (i + 1) % array_length($3::text[], 1)], 'bench', 'bench', '{}', t.created_at + interval '10 minutes'
     FROM generate_series($1::int, $1::int + $2::int - 1) AS i JOIN tickets t ON t.id = md5('t' || i)::uuid WHERE i % 20 = 0`,
    [offset, count, macros],
  );
  await db.query(
    `UPDATE tickets SET override_id = md5('o' || substr(external_id, 7))::uuid
     WHERE created_at >= $1::timestamptz AND created_at < $1::timestamptz + interval '7 days' AND substr(external_id, 7)::int % 20 = 0`,
    [weekStart],
  );
  // k * 3 (k < 4) are distinct modulo 14: each ticket gets four different macros.
  await db.query(
    `INSERT INTO outcomes (id, ticket_id, macro_id, resolved, signal, attribution, weight, cause_id, symptom_ids, event_at, time_to_resolution_seconds)
     SELECT md5('u' || i || '-' || k)::uuid, t.id, ($3::text[])[1 + (i + k * 3) % array_length($3::text[], 1)],
            resolved, 'agent', (ARRAY['agent', 'applied', 'suggested'])[1 + (i + k) % 3],
            CASE (i + k) % 3 WHEN 2 THEN 0.5 ELSE 1 END, t.cause_id, t.symptom_ids,
            least(t.created_at + interval '1 hour' * (1 + (i * 7 + k) % 30), $4::timestamptz + interval '7 days' - interval '1 second'),
            CASE WHEN resolved THEN 3600 * (1 + (i * 7 + k) % 30) END
     FROM generate_series($1::int, $1::int + $2::int - 1) AS i
     CROSS JOIN generate_series(0, ${OUTCOMES_PER_TICKET - 1}) AS k
     JOIN tickets t ON t.id = md5('t' || i)::uuid
     CROSS JOIN LATERAL (SELECT ((i * 31 + k * 17) % 100) < 40 + 10 * k AS resolved) r`,
    [offset, count, macros, weekStart],
  );
}

async function main(): Promise<void> {
  const url = databaseUrl(DB_NAME);
  await adminQuery(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await prepareDatabase(url);
  const pack = loadDefaultPack();
  const macros = pack.definition.macros.map((m) => m.id);
  const causes = pack.definition.causes.map((c) => c.id);
  const symptoms = pack.definition.symptoms.map((s) => s.id);
  const week = parseIsoWeek(WEEK)!;

  const seedStarted = performance.now();
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    // Bulk load: tickets and their triages refer to each other; the ids are consistent by construction.
    await db.query(`SET session_replication_role = replica`);
    await seedWeek(db, 1, PREVIOUS_TICKETS, '2020-03-02T00:00:00Z', macros, causes, symptoms);
    await seedWeek(db, 1 + PREVIOUS_TICKETS, TICKETS, '2020-03-09T00:00:00Z', macros, causes, symptoms);
    await db.query(`SET session_replication_role = origin`);
    await db.query('VACUUM (ANALYZE) tickets, triage_results, triage_overrides, outcomes');
  } finally {
    await db.end();
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const ds = new DataSource(dataSourceOptions({ url, poolSize: 2 }));
  await ds.initialize();
  try {
    const counts: { table: string; rows: string }[] = await ds.query(
      `SELECT 'tickets' AS table, count(*)::text AS rows FROM tickets
       UNION ALL SELECT 'triage_results', count(*)::text FROM triage_results
       UNION ALL SELECT 'triage_overrides', count(*)::text FROM triage_overrides
       UNION ALL SELECT 'outcomes', count(*)::text FROM outcomes
       UNION ALL SELECT 'outcomes in ${WEEK}', count(*)::text FROM outcomes WHERE event_at >= '2020-03-09' AND event_at < '2020-03-16'`,
    );
    const generator = new ReportGenerator(new ReportStatisticsRepository(ds), catalogFromPack(pack));
    const times: number[] = [];
    let report: Awaited<ReturnType<ReportGenerator['generate']>> | undefined;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      report = await generator.generate(week, 'UTC', new Date(), { minSamples: 5 });
      times.push((performance.now() - started) / 1000);
    }
    const out = {
      database: DB_NAME,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      rows: Object.fromEntries(counts.map((c) => [c.table, Number(c.rows)])),
      generationSeconds: times.map((t) => Number(t.toFixed(2))),
      report: {
        tickets: report!.summary.tickets,
        outcomes: report!.summary.outcomes,
        macros: report!.macros.length,
        symptoms: report!.symptoms.length,
        gaps: report!.gaps.length,
        actions: report!.actions.length,
        csatRatings: report!.csat.good + report!.csat.bad,
        phrases: report!.quality.phrases.length,
      },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(
      `generated ${WEEK} (${out.rows[`outcomes in ${WEEK}`]} outcomes) in ${Math.min(...times).toFixed(2)} s (best of 3; first ${times[0].toFixed(2)} s)\n`,
    );
  } finally {
    await ds.destroy();
    if (process.env.KEEP_DB !== '1') await adminQuery(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
