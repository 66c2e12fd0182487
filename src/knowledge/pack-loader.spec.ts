import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TriageEngine } from '../engine';
import { PLUGINS_WITH_PRINTERS } from '../../test/support/printer-plugin';
import { bundledPacksDir, loadPack, loadPacks } from './pack-loader';
import { PackValidationError } from './pack-validation';
import { routeTicket } from './pack-routing';

const PRINTERS = path.join(__dirname, '..', '..', 'test', 'fixtures', 'packs', 'printer-jams');

const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** A PACKS_DIR holding the bundled pack (linked) and a copy of the printer pack. */
function packsDir(extra: Record<string, (dir: string) => void> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packs-'));
  made.push(dir);
  fs.symlinkSync(path.join(bundledPacksDir(), 'icloud-backup'), path.join(dir, 'icloud-backup'));
  fs.cpSync(PRINTERS, path.join(dir, 'printer-jams'), { recursive: true });
  for (const [name, write] of Object.entries(extra)) write(path.join(dir, name));
  return dir;
}

describe('packs of PACKS_DIR', () => {
  it('loads every pack folder, sorted by id, a pack without model.json on its rules alone', () => {
    const logged: string[] = [];
    const set = loadPacks(packsDir(), 'icloud-backup', PLUGINS_WITH_PRINTERS, (line) => logged.push(line));
    expect(set.packs.map((p) => [p.id, p.rulesOnly])).toEqual([
      ['icloud-backup', false],
      ['printer-jams', true],
    ]);
    expect(set.packs[1].routing).toEqual({ tags: ['printers'] });
    expect(logged).toEqual(['pack printer-jams has no model.json: it runs on its rules alone']);
  });

  it('routes by every given list, first match by id, else the default pack', () => {
    const packs = [
      { id: 'a-zendesk-printers', routing: { sources: ['zendesk' as const], tags: ['printers'] } },
      { id: 'b-printers', routing: { tags: ['printers'] } },
      { id: 'icloud-backup', routing: {} },
    ];
    expect(routeTicket(packs, 'icloud-backup', { source: 'zendesk', tags: ['vip', 'Printers'] })).toBe('a-zendesk-printers');
    expect(routeTicket(packs, 'icloud-backup', { source: 'api', tags: ['printers'] })).toBe('b-printers');
    expect(routeTicket(packs, 'icloud-backup', { source: 'zendesk', tags: ['ios'] })).toBe('icloud-backup');
    expect(routeTicket(packs, 'icloud-backup', { source: 'zendesk' })).toBe('icloud-backup');
  });

  it('triages a printer ticket with the printer plugin, its causes and its macro variant', () => {
    const pack = loadPack(PRINTERS, PLUGINS_WITH_PRINTERS);
    const engine = new TriageEngine(pack.pack);
    const jam = engine.triage({
      description: 'My LaserJet 1020 has a paper jam again, the jam light blinks',
      requester: { firstName: 'Ada' },
    });
    expect(jam.cause.id).toBe('paper_jam');
    expect(jam.macro.id).toBe('clear_paper_jam');
    expect(jam.macro.body).toContain('let the fuser cool');
    expect(jam.entities).toMatchObject({ printer: { kind: 'laser', number: 1020 } });
    expect(jam.symptoms.map((s) => s.id)).toEqual(expect.arrayContaining(['paper_stuck', 'old_printer']));
    const ink = engine.triage({ description: 'The Pixma 3150 says out of ink and prints blank pages' });
    expect(ink.cause.id).toBe('ink_empty');
    expect(ink.macro.id).toBe('replace_ink_cartridge');
    expect(engine.triage({ description: 'my printer makes a weird noise' }).cause.id).toBe('other');
  });

  it('refuses a set with a bad pack, naming the pack folder, file and field', () => {
    const dir = packsDir({
      'bad-pack': (d) => {
        fs.cpSync(PRINTERS, d, { recursive: true });
        fs.writeFileSync(
          path.join(d, 'pack.yaml'),
          fs.readFileSync(path.join(d, 'pack.yaml'), 'utf8').replace('tags: [printers]', 'tags: [printers]\n  queues: [x]'),
        );
      },
    });
    expect(() => loadPacks(dir, 'icloud-backup', PLUGINS_WITH_PRINTERS)).toThrow(PackValidationError);
    expect(() => loadPacks(dir, 'icloud-backup', PLUGINS_WITH_PRINTERS)).toThrow('bad-pack/pack.yaml: routing.queues: unknown field');
  });

  it('refuses a pack naming a plugin the service does not have, and a missing default pack', () => {
    expect(() => loadPacks(packsDir(), 'icloud-backup')).toThrow(/printer-jams\/pack\.yaml/);
    expect(() => loadPacks(packsDir(), 'nope', PLUGINS_WITH_PRINTERS)).toThrow(
      'DEFAULT_PACK: no pack "nope" here (found: icloud-backup, printer-jams)',
    );
  });
});
