import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CauseModelReloader } from '../src/cause-models/cause-model-reloader';
import { runModelCommand, type ModelCommandOptions } from '../src/cause-models/model-command';
import { generateLabelledTickets } from '../src/cause-models/testing/labelled-tickets';
import { CauseModelsService } from '../src/cause-models/cause-models.service';
import { CliModule } from '../src/cli.module';
import { ErasureService } from '../src/privacy/erasure.service';
import { EngineService } from '../src/triage/engine.service';
import { ADMIN_KEY, createTestApp, TestApp, uniqueId, waitFor } from './support/test-app';

const auth = { Authorization: `Bearer ${ADMIN_KEY}` };
/** Small fit settings: the refit runs in seconds; the CLI's defaults are larger. */
const FAST: ModelCommandOptions = { folds: '2', 'calibration-folds': '2', 'max-iterations': '40' };

describe("cause-model refit from agents' labels, and version switches", () => {
  let t: TestApp;
  let cli: INestApplicationContext;
  let db: DataSource;
  let packVersion: string;

  beforeAll(async () => {
    t = await createTestApp();
    // The admin CLI's own application context, as `npm run cli -- model ...` builds it.
    cli = await NestFactory.createApplicationContext(CliModule, { logger: false });
    db = t.app.get(DataSource);
    packVersion = t.app.get(EngineService).packVersion;
  }, 60_000);

  afterAll(async () => {
    await cli?.close();
    await t?.close();
  });

  async function model(command: string, arg?: string, options: ModelCommandOptions = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runModelCommand(cli, command, arg, options, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return {
      code,
      stdout,
      stderr,
      lines: stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    };
  }

  const previewVersion = async (): Promise<string> => {
    const res = await t
      .http()
      .post('/v1/triage/preview')
      .set(auth)
      .send({ subject: 'Backup', description: 'My iPhone says there is not enough iCloud storage for the backup.' })
      .expect(200);
    return res.body.modelVersion;
  };
  const servedVersion = (version: string) => waitFor(previewVersion, (v) => v === `${packVersion}/${version}`, { timeoutMs: 10_000 });

  it('refuses to refit on fewer than 200 labels and says how many it has', async () => {
    const res = await model('refit', undefined, FAST);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/at least 200 labelled tickets; the service holds 0/);
    expect((await db.query('SELECT count(*)::int AS n FROM cause_models'))[0].n).toBe(0);
  });

  it('refits on overrides, cause_is_ tags and solved outcomes, stores the candidate with its comparison, and switches versions', async () => {
    const tickets = generateLabelledTickets(17, uniqueId('refit'));
    const ids = new Map<string, string>();
    const macroOf = (cause: string) => t.app.get(EngineService).macroForCause(cause)!;
    // A third of the labels are tags the agents put on the ticket, a third overrides, a third solved outcomes.
    await Promise.all(
      tickets.map(async (ticket, i) => {
        const res = await t
          .http()
          .post('/v1/tickets')
          .set(auth)
          .send({
            externalId: ticket.id,
            subject: ticket.subject,
            description: ticket.description,
            tags: i % 3 === 0 ? ['vip', `triage_cause_is_${ticket.label}`] : ['vip'],
          })
          .expect(202);
        ids.set(ticket.id, res.body.id);
      }),
    );
    await waitFor(
      () => db.query(`SELECT count(*)::int AS n FROM tickets WHERE id = ANY($1) AND triage_state = 'done'`, [[...ids.values()]]),
      (rows) => rows[0].n === tickets.length,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    for (const [i, ticket] of tickets.entries()) {
      const id = ids.get(ticket.id)!;
      if (i % 3 === 1) {
        await t.http().patch(`/v1/tickets/${id}/triage`).set(auth).send({ cause: ticket.label, reason: 'agent label' }).expect(200);
      } else if (i % 3 === 2) {
        await t
          .http()
          .post(`/v1/tickets/${id}/outcome`)
          .set(auth)
          .send({ macroId: macroOf(ticket.label), resolved: true })
          .expect(200);
      }
    }

    const refit = await model('refit', undefined, FAST);
    expect(refit.stderr).toBe('');
    expect(refit.code).toBe(0);
    const summary = refit.lines[0];
    expect(summary).toMatchObject({ version: '1', base: '0', labels: { total: tickets.length, tag: 74, override: 74, outcome: 73 } });
    expect(summary.metrics).toMatchObject({ labels: tickets.length, folds: 2, active: { version: '0', n: tickets.length } });
    expect(summary.activated).toBe(summary.metrics.candidate.logLoss <= summary.metrics.active.logLoss);

    const [stored] = await db.query(
      `SELECT status, pack_version, metrics, weights->>'version' AS wv FROM cause_models WHERE version = '1'`,
    );
    expect(stored).toMatchObject({ status: summary.status, pack_version: packVersion, wv: '1' });
    expect(stored.metrics).toEqual(summary.metrics);

    // Activation reaches the running service through the announcement, without a restart.
    if (!summary.activated) expect((await model('activate', '1')).code).toBe(0);
    await servedVersion('1');
    const listed = (await model('list')).lines;
    expect(listed.map((m) => [m.version, m.status])).toEqual([
      ['0', 'shipped'],
      ['1', 'active'],
    ]);
    expect(listed[1].metrics.candidate.logLoss).toBe(summary.metrics.candidate.logLoss);

    // A ticket triaged now records the version it was triaged with.
    const posted = await t
      .http()
      .post('/v1/tickets')
      .set(auth)
      .send({ externalId: uniqueId('after'), description: 'My iCloud storage is full, backup fails.' })
      .expect(202);
    const ticket = await waitFor(
      () =>
        t
          .http()
          .get(`/v1/tickets/${posted.body.id}`)
          .set(auth)
          .then((r) => r.body),
      (b) => b.triage?.state === 'done',
    );
    expect(ticket.triage.modelVersion).toBe(`${packVersion}/1`);

    // Rollback goes back to what was active before (the shipped weights), and again to version 1.
    expect((await model('rollback')).lines[0]).toEqual({ previous: '1', active: '0' });
    await servedVersion('0');
    expect((await db.query(`SELECT status FROM cause_models WHERE version = '1'`))[0].status).toBe('retired');
    expect((await model('rollback')).lines[0]).toEqual({ previous: '0', active: '1' });
    await servedVersion('1');
    expect((await model('activate', '0')).lines[0]).toEqual({ previous: '1', active: '0' });
    await servedVersion('0');
  }, 180_000);

  it('catches a switch whose announcement was missed at its periodic check', async () => {
    await db.query(`UPDATE cause_models SET status = 'active', activated_at = now() WHERE version = '1'`);
    expect(await previewVersion()).toBe(`${packVersion}/0`);
    await t.app.get(CauseModelReloader).check(); // what the 30 s timer runs
    expect(await previewVersion()).toBe(`${packVersion}/1`);
  });

  it('refuses a version whose weights do not fit the pack, and keeps the one running', async () => {
    const [good] = await db.query(`SELECT weights FROM cause_models WHERE version = '1'`);
    const bad = { ...good.weights, version: '2', causes: [...good.weights.causes.slice(1), 'no_such_cause'] };
    await db.query(
      `INSERT INTO cause_models (id, version, pack_version, weights, metrics, status) VALUES (gen_random_uuid(), '2', $1, $2, '{}', 'candidate')`,
      [packVersion, JSON.stringify(bad)],
    );
    await expect(model('activate', '2')).rejects.toThrow(/names causes the pack does not have: no_such_cause/);
    expect((await db.query(`SELECT version FROM cause_models WHERE status = 'active'`))[0].version).toBe('1');

    // Made active behind the CLI's back: the process refuses it and stays on version 1.
    await db.query(`UPDATE cause_models SET status = 'retired' WHERE version = '1'`);
    await db.query(`UPDATE cause_models SET status = 'active' WHERE version = '2'`);
    await t.app.get(CauseModelReloader).check();
    expect(await previewVersion()).toBe(`${packVersion}/1`);
    await db.query(`UPDATE cause_models SET status = 'retired' WHERE version = '2'`);
  });

  it('tells how to name a version', async () => {
    const res = await model('activate');
    expect(res.code).toBe(2);
    await expect(model('activate', '77')).rejects.toThrow(/no stored cause model 77/);
  });

  it('learns only from tickets whose text is still held: erased ones leave the labels', async () => {
    const models = cli.get(CauseModelsService);
    const before = await models.collect();
    const erased = before.tickets.slice(0, 5).map((l) => l.id);
    await t.app.get(ErasureService).eraseWhere({ sql: 't.id = ANY($1::uuid[])', params: [erased] });
    const after = await models.collect();
    expect(after.tickets).toHaveLength(before.tickets.length - 5);
    expect(after.tickets.map((l) => l.id)).not.toEqual(expect.arrayContaining([erased[0]]));
    expect(after.skipped.no_text ?? 0).toBe(before.skipped.no_text ?? 0);
  });
});
