/**
 * Packs are data the operator owns: PACKS_DIR holds the bundled iCloud pack and a printer pack from
 * test/fixtures (its plugin compiled into this test app only). Tickets are routed by the packs' routing,
 * triaged by the unchanged engine and pipeline, written back and credited per pack; packs reload on SIGHUP and
 * on the admin call, in every process, and a bad pack is refused while the running packs stay.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { bundledPacksDir } from '../src/knowledge';
import { AppConfig } from '../src/platform/config/app-config.service';
import { MetricsService } from '../src/platform/metrics/metrics.service';
import { EngineService } from '../src/triage/engine.service';
import { FakeZendesk } from './fakes/fake-zendesk';
import { startFakeHelpdesks, type FakeHelpdesks } from './support/fake-helpdesks';
import { PLUGINS_WITH_PRINTERS } from './support/printer-plugin';
import { ADMIN_KEY, createTestApp, TestApp, waitFor, writebackSettled } from './support/test-app';
import { postSignedZendesk } from './support/zendesk';

const SECRET = 'zendesk-signing-secret-for-tests';
const PRINTERS = path.join(__dirname, 'fixtures', 'packs', 'printer-jams');
const PRINTER_TEXT = 'Our LaserJet 4250 shows a paper jam every morning, the jam light blinks and the paper is stuck.';
const STORAGE_TEXT =
  'My iPhone 14 backup fails every night. It says Not Enough Storage: my 5 GB iCloud plan is full and the backup needs 11 GB.';
const auth = { Authorization: `Bearer ${ADMIN_KEY}` };

/** The test app with the printer plugin registered beside the service's own. */
const withPrinterPlugin = (builder: TestingModuleBuilder) =>
  builder
    .overrideProvider(EngineService)
    .useFactory({ factory: (cfg: AppConfig) => new EngineService(cfg, PLUGINS_WITH_PRINTERS), inject: [AppConfig] });

describe('packs from PACKS_DIR: routing, a second domain end to end, per-pack statistics, reload', () => {
  let t: TestApp;
  let worker: TestApp;
  let db: DataSource;
  let zendesk: FakeZendesk;
  let fakes: FakeHelpdesks;
  let packsDir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    packsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'packs-e2e-'));
    fs.symlinkSync(path.join(bundledPacksDir(), 'icloud-backup'), path.join(packsDir, 'icloud-backup'));
    fs.cpSync(PRINTERS, path.join(packsDir, 'printer-jams'), { recursive: true });
    fakes = await startFakeHelpdesks({ zendeskSecret: SECRET, freshdeskToken: 'freshdesk-webhook-token-0123456789' });
    zendesk = fakes.zendesk;
    process.env.PACKS_DIR = packsDir;
    t = await createTestApp({ override: withPrinterPlugin });
    // A second process's engine (a worker): reloads reach it through Redis.
    worker = await createTestApp({ role: 'worker', override: withPrinterPlugin });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await fakes?.stop();
    process.env = savedEnv;
    fs.rmSync(packsDir, { recursive: true, force: true });
  });

  const postZendesk = (ticket: Record<string, string>) =>
    postSignedZendesk(
      t.http,
      SECRET,
      JSON.stringify({
        ticket: {
          status: 'open',
          requester_first_name: 'Kim',
          created_at: '2026-11-23T09:00:00Z',
          updated_at: '2026-11-23T09:15:02Z',
          ...ticket,
        },
        current_user: { id: '42', email: 'agent@example.com' },
      }),
    );
  const ticket = (ref: string) =>
    t
      .http()
      .get(`/v1/tickets/${ref}`)
      .set(auth)
      .then((r) => r.body);
  const writebackDone = (ref: string) => writebackSettled(t, ref, auth);

  it('lists the loaded packs with their plugins, routing and which is the default', async () => {
    const { body } = await t.http().get('/v1/packs').set(auth).expect(200);
    expect(body.items).toEqual([
      expect.objectContaining({
        id: 'icloud-backup',
        default: true,
        rulesOnly: false,
        routing: {},
        plugins: [expect.objectContaining({ name: 'apple-devices' }), expect.objectContaining({ name: 'icloud-backup' })],
      }),
      expect.objectContaining({
        id: 'printer-jams',
        default: false,
        rulesOnly: true,
        version: '2026.12.0',
        routing: { tags: ['printers'] },
        plugins: [{ name: 'printer-models', params: { legacyBelow: 2000 } }],
      }),
    ]);
  });

  it('routes a later event without tags by the tags the ticket holds', async () => {
    const externalId = `pr-${Date.now()}`;
    const post = (body: object) => t.http().post('/v1/tickets').set(auth).send(body).expect(202);
    const ref = `api:${externalId}`;
    await post({ externalId, subject: 'Printer', description: PRINTER_TEXT, tags: ['printers'] });
    await waitFor(
      () => ticket(ref),
      (b) => b.triage?.state === 'done',
    );
    // New content, no tags: the ticket keeps ["printers"], so routing still sends it to the printer pack.
    await post({
      externalId,
      subject: 'Printer',
      description: `${PRINTER_TEXT} It jammed again today.`,
      updatedAt: new Date().toISOString(),
    });
    const body = await waitFor(
      () => ticket(ref),
      (b) => b.triage?.state === 'done' && b.history?.length === 2,
    );
    expect(body.tags).toEqual(['printers']);
    expect(body.history.map((h: { packId: string }) => h.packId)).toEqual(['printer-jams', 'printer-jams']);
  });

  it('triages a webhook ticket tagged printers with the printer pack, writes it back, and credits that pack', async () => {
    const id = String(7_100_000 + (Date.now() % 1e5));
    zendesk.seedTicket(id, { tags: ['printers'] });
    await postZendesk({ id, title: 'Printer', description: PRINTER_TEXT, tags: 'printers office' }).expect(202);
    const body = await writebackDone(`zendesk:${id}`);
    expect(body.triage).toMatchObject({ packId: 'printer-jams', packVersion: '2026.12.0', cause: { id: 'paper_jam' }, decision: 'auto' });
    expect(body.triage.macro).toMatchObject({ id: 'clear_paper_jam', title: 'Clear the paper jam' });
    expect(body.triage.macro.body).toContain('Turn the LaserJet 4250 off and let the fuser cool');
    expect(body.triage.causes.map((c: { id: string }) => c.id).sort()).toEqual([
      'end_of_life',
      'ink_empty',
      'other',
      'paper_jam',
      'wrong_paper',
    ]);
    expect(body.triage.entities).toMatchObject({ printer: { kind: 'laser', number: 4250 } });

    const helpdesk = zendesk.tickets.get(id)!;
    expect(helpdesk.tags).toEqual(expect.arrayContaining(['triage_cause_paper_jam', 'triage_symptom_paper_stuck']));
    const notes = helpdesk.comments.filter((c) => !c.public);
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0])).toContain('Clear the paper jam');

    const [stored] = await db.query(
      `SELECT r.pack_id FROM triage_results r JOIN tickets k ON k.latest_triage_id = r.id WHERE k.external_id = $1`,
      [id],
    );
    expect(stored).toEqual({ pack_id: 'printer-jams' });

    // Solved: the suggested macro is credited in the printer pack's statistics, not the iCloud pack's.
    await postZendesk({
      id,
      title: 'Printer',
      description: PRINTER_TEXT,
      tags: 'printers office',
      status: 'solved',
      updated_at: '2026-11-23T10:00:00Z',
    }).expect(202);
    const stats = await waitFor(
      () =>
        t
          .http()
          .get('/v1/macros/clear_paper_jam/stats?pack=printer-jams')
          .set(auth)
          .then((r) => r.body),
      (b) => b.overall?.uses > 0,
    );
    expect(stats).toMatchObject({ packId: 'printer-jams', macroId: 'clear_paper_jam', overall: { uses: 0.5, successes: 0.5 } });
    expect(await db.query(`SELECT DISTINCT pack_id FROM fix_stats WHERE macro_id = 'clear_paper_jam'`)).toEqual([
      { pack_id: 'printer-jams' },
    ]);
    const fixes = await t.http().get('/v1/symptoms/paper_stuck/fixes?pack=printer-jams').set(auth).expect(200);
    expect(fixes.body.fixes[0]).toMatchObject({ macroId: 'clear_paper_jam', uses: 0.5 });
  });

  it('still triages an untagged ticket with the default pack', async () => {
    const id = String(7_200_000 + (Date.now() % 1e5));
    zendesk.seedTicket(id);
    await postZendesk({ id, title: 'Backup problem', description: STORAGE_TEXT, tags: 'ios' }).expect(202);
    const body = await writebackDone(`zendesk:${id}`);
    expect(body.triage).toMatchObject({ packId: 'icloud-backup', cause: { id: 'storage_full' } });
    expect(body.triage.packVersion).toBe(t.app.get(EngineService).packVersion);
  });

  it('serves the catalog and the preview per pack; an unknown pack is a 404 with the error shape', async () => {
    const causes = await t.http().get('/v1/causes?pack=printer-jams').set(auth).expect(200);
    expect(causes.body).toMatchObject({ packId: 'printer-jams', packVersion: '2026.12.0' });
    expect(causes.body.items.map((c: { id: string }) => c.id)).toEqual(['paper_jam', 'ink_empty', 'wrong_paper', 'end_of_life', 'other']);
    const byDefault = await t.http().get('/v1/causes').set(auth).expect(200);
    expect(byDefault.body.packId).toBe('icloud-backup');
    await t.http().get('/v1/macros/clear_paper_jam?pack=printer-jams').set(auth).expect(200);
    await t.http().get('/v1/macros/clear_paper_jam').set(auth).expect(404);

    const preview = await t
      .http()
      .post('/v1/triage/preview?pack=printer-jams')
      .set(auth)
      .send({ description: 'The Pixma 3150 says out of ink and prints blank pages' })
      .expect(200);
    expect(preview.body).toMatchObject({ packId: 'printer-jams', cause: { id: 'ink_empty' }, macro: { id: 'replace_ink_cartridge' } });
    const icloud = await t.http().post('/v1/triage/preview').set(auth).send({ description: STORAGE_TEXT }).expect(200);
    expect(icloud.body.packId).toBe('icloud-backup');

    for (const [method, url] of [
      ['get', '/v1/causes?pack=nope'],
      ['get', '/v1/symptoms?pack=nope'],
      ['get', '/v1/macros?pack=nope'],
      ['get', '/v1/macros/clear_paper_jam/stats?pack=nope'],
      ['get', '/v1/symptoms/paper_stuck/fixes?pack=nope'],
      ['post', '/v1/triage/preview?pack=nope'],
    ] as const) {
      const res = await t
        .http()
        [method](url)
        .set(auth)
        .send(method === 'post' ? { description: 'x' } : undefined);
      expect([url, res.status, res.body.error?.code]).toEqual([url, 404, 'PACK.NOT_FOUND']);
    }
  });

  it("reports per pack: the week in progress of the printer pack holds its tickets, the default pack's does not", async () => {
    const printers = await t.http().get('/v1/reports/weekly/current?pack=printer-jams').set(auth).expect(200);
    expect(printers.body).toMatchObject({ packId: 'printer-jams', packVersion: '2026.12.0', partial: true });
    expect(printers.body.volume.byCause.map((c: { id: string }) => c.id)).toEqual(['paper_jam']);
    expect(printers.body.macros.map((m: { macroId: string }) => m.macroId)).toContain('clear_paper_jam');
    const icloud = await t.http().get('/v1/reports/weekly/current').set(auth).expect(200);
    expect(icloud.body.packId).toBe('icloud-backup');
    expect(icloud.body.volume.byCause.map((c: { id: string }) => c.id)).not.toContain('paper_jam');
    expect(icloud.body.summary.tickets).toBeGreaterThan(0);
    const csv = await t.http().get('/v1/reports/weekly/current?pack=printer-jams&format=csv&section=macros').set(auth).expect(200);
    expect(csv.text).toContain('clear_paper_jam');
    const html = await t.http().get('/v1/reports/weekly/current?pack=printer-jams&format=html').set(auth).expect(200);
    expect(html.text).toContain('Clear the paper jam');
    const lastWeek = await t.http().get('/v1/reports/weekly/2026-W01?pack=printer-jams').set(auth).expect(200);
    expect(lastWeek.body).toMatchObject({ packId: 'printer-jams', isoWeek: '2026-W01', summary: { tickets: 0 } });
    for (const url of ['/v1/reports/weekly/current?pack=nope', '/v1/reports/weekly/2026-W01?pack=nope']) {
      const res = await t.http().get(url).set(auth);
      expect([url, res.status, res.body.error?.code]).toEqual([url, 404, 'PACK.NOT_FOUND']);
    }
  });

  describe("agent actions read the ticket's pack", () => {
    /** A Zendesk ticket tagged printers, triaged by the printer pack (paper jam) and written back. */
    const printerTicket = async (base: number) => {
      const id = String(base + (Date.now() % 1e5));
      zendesk.seedTicket(id, { tags: ['printers'] });
      await postZendesk({ id, title: 'Printer', description: PRINTER_TEXT, tags: 'printers office' }).expect(202);
      const body = await writebackDone(`zendesk:${id}`);
      expect(body.triage).toMatchObject({ packId: 'printer-jams', cause: { id: 'paper_jam' }, macro: { id: 'clear_paper_jam' } });
      return { id, ticketId: body.id as string };
    };
    const statsOf = (macroId: string) =>
      db.query(`SELECT pack_id, dimension, key, successes, failures FROM fix_stats WHERE macro_id = $1 ORDER BY dimension, key`, [macroId]);
    const solve = (id: string, tags: string, updatedAt: string) =>
      postZendesk({ id, title: 'Printer', description: PRINTER_TEXT, tags, status: 'solved', updated_at: updatedAt }).expect(202);
    const unknownMacroTags = async () => (await t.app.get(MetricsService).unknownMacroTags.get()).values[0]?.value ?? 0;

    it("overrides a printer ticket with the printer pack's causes and macros, rendered from that pack; another pack's ids are 422", async () => {
      const { id } = await printerTicket(7_300_000);
      const byCause = await t
        .http()
        .patch(`/v1/tickets/zendesk:${id}/triage`)
        .set(auth)
        .send({ cause: 'ink_empty', reason: 'The toner light is on' })
        .expect(200);
      expect(byCause.body.triage).toMatchObject({
        packId: 'printer-jams',
        cause: { id: 'ink_empty', confidence: 1 },
        macro: { id: 'replace_ink_cartridge', title: 'Replace the cartridge' },
        override: { reason: 'The toner light is on', original: { causeId: 'paper_jam', macroId: 'clear_paper_jam' } },
      });
      expect(byCause.body.triage.macro.body).toContain('reports an empty cartridge');
      expect(byCause.body.triage.macro.body).toContain('Hi Kim');

      const byMacro = await t
        .http()
        .patch(`/v1/tickets/zendesk:${id}/triage`)
        .set(auth)
        .send({ macroId: 'use_supported_paper', reason: 'Card stock in the main tray' })
        .expect(200);
      expect(byMacro.body.triage.macro).toMatchObject({ id: 'use_supported_paper', title: 'Use supported paper' });
      expect(byMacro.body.triage.macro.body).toContain('Thick, glossy or damp paper often jams');

      for (const send of [
        { cause: 'storage_full', reason: 'an iCloud cause' },
        { macroId: 'manage_icloud_storage', reason: 'an iCloud macro' },
        { cause: 'paper_jam', macroId: 'manage_icloud_storage', reason: 'a printer cause with an iCloud macro' },
      ]) {
        const res = await t.http().patch(`/v1/tickets/zendesk:${id}/triage`).set(auth).send(send);
        expect([send.reason, res.status, res.body.error?.code]).toEqual([send.reason, 422, 'UNPROCESSABLE']);
        expect(res.body.error.details).toEqual([expect.stringContaining('of the pack printer-jams')]);
      }
      const after = await ticket(`zendesk:${id}`);
      expect(after.triage.macro.id).toBe('use_supported_paper');
      expect(after.overrides).toHaveLength(2);
    });

    it("credits an outcome naming a printer macro to the printer pack's statistics; an iCloud macro is 422", async () => {
      const { id, ticketId } = await printerTicket(7_400_000);
      expect(await statsOf('replace_ink_cartridge')).toEqual([]);
      const res = await t
        .http()
        .post(`/v1/tickets/zendesk:${id}/outcome`)
        .set(auth)
        .send({ macroId: 'replace_ink_cartridge', resolved: true, note: 'New toner fixed it' })
        .expect(200);
      expect(res.body).toMatchObject({ ticketId, outcome: { macroId: 'replace_ink_cartridge', resolved: true, attribution: 'agent' } });
      const rows = await statsOf('replace_ink_cartridge');
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((r: { pack_id: string }) => r.pack_id))).toEqual(new Set(['printer-jams']));
      expect(rows).toContainEqual({ pack_id: 'printer-jams', dimension: 'cause', key: 'paper_jam', successes: 1, failures: 0 });
      const stats = await t.http().get('/v1/macros/replace_ink_cartridge/stats?pack=printer-jams').set(auth).expect(200);
      expect(stats.body).toMatchObject({ packId: 'printer-jams', overall: { uses: 1, successes: 1 } });
      const [stored] = await db.query(`SELECT pack_id FROM outcomes WHERE ticket_id = $1 AND macro_id = 'replace_ink_cartridge'`, [
        ticketId,
      ]);
      expect(stored).toEqual({ pack_id: 'printer-jams' });
      const listed = await t.http().get('/v1/tickets').query({ macro: 'replace_ink_cartridge', resolved: 'true' }).set(auth).expect(200);
      expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(ticketId);

      const icloudBefore = await statsOf('manage_icloud_storage');
      const refused = await t
        .http()
        .post(`/v1/tickets/zendesk:${id}/outcome`)
        .set(auth)
        .send({ macroId: 'manage_icloud_storage', resolved: true })
        .expect(422);
      expect(refused.body.error).toMatchObject({
        code: 'UNPROCESSABLE',
        details: ['macroId: manage_icloud_storage is not a macro of the pack printer-jams'],
      });
      expect(await statsOf('manage_icloud_storage')).toEqual(icloudBefore);
      expect(await db.query(`SELECT macro_id FROM outcomes WHERE ticket_id = $1`, [ticketId])).toEqual([
        { macro_id: 'replace_ink_cartridge' },
      ]);
    });

    it("credits a printer macro's applied tag on a Zendesk solve in the printer pack; an iCloud macro's tag is ignored and counted", async () => {
      const applied = await printerTicket(7_500_000);
      const before = await unknownMacroTags();
      await solve(applied.id, 'printers office triage_applied_use_supported_paper', '2026-11-23T10:00:00Z');
      const body = await ticket(`zendesk:${applied.id}`);
      expect(body.status).toBe('solved');
      expect(body.outcomes).toEqual([expect.objectContaining({ macroId: 'use_supported_paper', attribution: 'applied', resolved: true })]);
      expect(await unknownMacroTags()).toBe(before);
      const rows = await statsOf('use_supported_paper');
      expect(new Set(rows.map((r: { pack_id: string }) => r.pack_id))).toEqual(new Set(['printer-jams']));
      expect(rows).toContainEqual({ pack_id: 'printer-jams', dimension: 'cause', key: 'paper_jam', successes: 1, failures: 0 });

      // manage_icloud_storage is the iCloud pack's: on a printer ticket its tag names no macro of the ticket's pack.
      const foreign = await printerTicket(7_600_000);
      const icloudBefore = await statsOf('manage_icloud_storage');
      await solve(foreign.id, 'printers triage_applied_manage_icloud_storage', '2026-11-23T10:00:00Z');
      expect(await unknownMacroTags()).toBe(before + 1);
      const solved = await ticket(`zendesk:${foreign.id}`);
      expect(solved.status).toBe('solved');
      // The solve still credits the suggested macro, in the printer pack.
      expect(solved.outcomes).toEqual([expect.objectContaining({ macroId: 'clear_paper_jam', attribution: 'suggested' })]);
      expect(await statsOf('manage_icloud_storage')).toEqual(icloudBefore);
    });

    it('shows the pack of every triage in the history', async () => {
      const { id } = await printerTicket(7_700_000);
      const body = await ticket(`zendesk:${id}`);
      expect(body.history).toEqual([expect.objectContaining({ packId: 'printer-jams', causeId: 'paper_jam' })]);
      const icloud = String(7_800_000 + (Date.now() % 1e5));
      zendesk.seedTicket(icloud);
      await postZendesk({ id: icloud, title: 'Backup problem', description: STORAGE_TEXT, tags: 'ios' }).expect(202);
      const other = await writebackDone(`zendesk:${icloud}`);
      expect(other.history).toEqual([expect.objectContaining({ packId: 'icloud-backup', causeId: 'storage_full' })]);
    });
  });

  it('reloads on the admin call in every process, audited; a bad pack is refused with its file and field and the running packs stay', async () => {
    const packYaml = path.join(packsDir, 'printer-jams', 'pack.yaml');
    const original = fs.readFileSync(packYaml, 'utf8');
    fs.writeFileSync(packYaml, original.replace('version: "2026.12.0"', 'version: "2026.12.1"'));
    const ok = await t.http().post('/v1/admin/packs/reload').set(auth).expect(200);
    expect(ok.body.items.find((p: { id: string }) => p.id === 'printer-jams')).toMatchObject({ version: '2026.12.1' });
    const workerEngine = worker.app.get(EngineService);
    await waitFor(
      async () => workerEngine.list().find((p) => p.id === 'printer-jams')?.version,
      (v) => v === '2026.12.1',
    );

    fs.writeFileSync(packYaml, original.replace('tags: [printers]', 'tags: [printers]\n  queues: [x]'));
    const bad = await t.http().post('/v1/admin/packs/reload').set(auth).expect(422);
    expect(bad.body.error.code).toBe('PACK.INVALID');
    expect(bad.body.error.details).toEqual([expect.stringContaining('printer-jams/pack.yaml: routing.queues: unknown field')]);
    const packs = await t.http().get('/v1/packs').set(auth).expect(200);
    expect(packs.body.items.map((p: { id: string; version: string }) => `${p.id} ${p.version}`)).toEqual([
      expect.stringMatching(/^icloud-backup /),
      'printer-jams 2026.12.1',
    ]);
    const agent = await t.http().post('/v1/admin/packs/reload').set({ Authorization: 'Bearer not-a-key' });
    expect(agent.status).toBe(401);

    const audit = await t.http().get('/v1/audit?limit=50').set(auth).expect(200);
    expect(audit.body.items.filter((r: { action: string }) => r.action === 'packs.reload')).toHaveLength(1);
    fs.writeFileSync(packYaml, original);
  });

  it('reloads on SIGHUP in each process, which keeps running', async () => {
    const packYaml = path.join(packsDir, 'printer-jams', 'pack.yaml');
    const original = fs.readFileSync(packYaml, 'utf8');
    fs.writeFileSync(packYaml, original.replace('version: "2026.12.0"', 'version: "2026.12.2"'));
    // Jest gives the suite its own copy of `process`, whose listeners the real signal never reaches: the signal is
    // emitted on that copy, where the service's listener is.
    process.emit('SIGHUP', 'SIGHUP');
    await waitFor(
      () =>
        t
          .http()
          .get('/v1/packs')
          .set(auth)
          .then((r) => r.body.items.find((p: { id: string }) => p.id === 'printer-jams')?.version),
      (v) => v === '2026.12.2',
    );
    expect(
      worker.app
        .get(EngineService)
        .list()
        .find((p) => p.id === 'printer-jams')?.version,
    ).toBe('2026.12.2');
    await t.http().get('/health/live').expect(200);
    fs.writeFileSync(packYaml, original);
  });
});
