import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { defaultPackDir, describePack, findMacro, loadDefaultPack, loadPackFromDir, PackValidationError } from '.';

type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- YAML documents edited in tests

/** A copy of the default pack in a temp folder, with one file changed by `edit`. */
function packWith(file: string, edit: (doc: Yaml) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
  for (const name of fs.readdirSync(defaultPackDir())) fs.copyFileSync(path.join(defaultPackDir(), name), path.join(dir, name));
  const doc = parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Yaml;
  edit(doc);
  fs.writeFileSync(path.join(dir, file), stringify(doc));
  return dir;
}

function loadError(dir: string): PackValidationError {
  try {
    loadPackFromDir(dir);
  } catch (err) {
    if (err instanceof PackValidationError) return err;
    throw err;
  }
  throw new Error('the pack loaded without error');
}

const symptom = (doc: Yaml, id: string) => doc.symptoms.find((s: Yaml) => s.id === id);

/** `symptoms[12]`: where the rule `id` stands in the default pack's `file` under `list`. */
function entry(file: string, list: string, id: string): string {
  const doc = parse(fs.readFileSync(path.join(defaultPackDir(), file), 'utf8')) as Yaml;
  const index = doc[list].findIndex((e: Yaml) => e.id === id);
  if (index < 0) throw new Error(`${id} is not in ${file}`);
  return `${list}[${index}]`;
}
const symptomAt = (id: string) => entry('symptoms.yaml', 'symptoms', id);
const macroAt = (id: string) => entry('macros.yaml', 'macros', id);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('pack loading and validation', () => {
  it('loads the default pack once, from the project folder', () => {
    const pack = loadDefaultPack();
    expect(loadDefaultPack()).toBe(pack);
    expect(pack.version).toMatch(/\d/);
    expect(pack.causeIds).toEqual(
      expect.arrayContaining([
        'backup_disabled',
        'wifi',
        'power',
        'storage_full',
        'icloud_outage',
        'account_signin',
        'software_glitch',
        'settings_corrupt',
        'ios_outdated',
        'large_data',
        'device_not_locked',
        'restricted',
        'other',
      ]),
    );
    expect(pack.causeIds).toHaveLength(13);
  });

  it('names file, field path, rule and problem for an unknown cause in a symptom', () => {
    const err = loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'greyed_out').causes = { restrictd: 2 })));
    expect(err.message).toBe(`symptoms.yaml: ${symptomAt('greyed_out')}.causes: names unknown cause "restrictd" (symptom greyed_out)`);
    expect(err.file).toBe('symptoms.yaml');
    expect(err.rule).toBe(`${symptomAt('greyed_out')}.causes`);
  });

  it('lists every problem, each with its file and field path', () => {
    const dir = packWith('symptoms.yaml', (doc) => {
      symptom(doc, 'greyed_out').causes = { restrictd: 2 };
      symptom(doc, 'ios_old').weight = 3;
      symptom(doc, 'screen_near_on').near.within = 'close';
    });
    expect(loadError(dir).problems.map((p) => `${p.file}: ${p.path}: ${p.problem}`)).toEqual([
      `symptoms.yaml: ${symptomAt('ios_old')}.weight: unknown field (symptom ios_old)`,
      `symptoms.yaml: ${symptomAt('screen_near_on')}.near.within: must be a number (got "close") (symptom screen_near_on)`,
    ]);
    // Cross-file checks run once every file matches its schema.
    const crossOnly = packWith('symptoms.yaml', (doc) => {
      symptom(doc, 'greyed_out').causes = { restrictd: 2 };
      symptom(doc, 'ios_old').tried = ['no_such_macro'];
    });
    const problems = loadError(crossOnly).problems.map((p) => `${p.file}: ${p.path}: ${p.problem}`);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        `symptoms.yaml: ${symptomAt('ios_old')}.tried[0]: names unknown macro "no_such_macro" (symptom ios_old)`,
        `symptoms.yaml: ${symptomAt('greyed_out')}.causes: names unknown cause "restrictd" (symptom greyed_out)`,
      ]),
    );
  });

  it('refuses a regex that can backtrack catastrophically', () => {
    const err = loadError(
      packWith('symptoms.yaml', (doc) => (symptom(doc, 'stuck_progress').regexes = [{ pattern: '(stuck\\s*)+$', anchors: ['stuck'] }])),
    );
    expect(err.message).toMatch(
      new RegExp(
        `^symptoms\\.yaml: ${escape(symptomAt('stuck_progress'))}\\.regexes\\[0\\]\\.pattern: .* can backtrack catastrophically: nested quantifiers.* \\(symptom stuck_progress\\)$`,
      ),
    );
  });

  it('refuses a regex without anchors, an invalid regex, and duplicate ids', () => {
    expect(loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'ios_old').regexes = [{ pattern: 'ios 1\\d' }]))).message).toBe(
      `symptoms.yaml: ${symptomAt('ios_old')}.regexes[0].anchors: must list at least one literal that every match contains (symptom ios_old)`,
    );
    expect(
      loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'ios_old').regexes = [{ pattern: 'ios (1', anchors: ['ios'] }]))).message,
    ).toMatch(
      new RegExp(
        `^symptoms\\.yaml: ${escape(symptomAt('ios_old'))}\\.regexes\\[0\\]\\.pattern: /ios \\(1/ is not a valid regular expression`,
      ),
    );
    let last = 0;
    expect(loadError(packWith('symptoms.yaml', (doc) => (last = doc.symptoms.push({ ...symptom(doc, 'ios_old') }) - 1))).message).toBe(
      `symptoms.yaml: symptoms[${last}].id: duplicate symptom id "ios_old" (or an alias already used)`,
    );
  });

  it('refuses unknown fields, bad placeholders, bad variants and missing priors in macros', () => {
    const macro = (doc: Yaml, id: string) => doc.macros.find((m: Yaml) => m.id === id);
    expect(loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'ios_old').weight = 3))).message).toBe(
      `symptoms.yaml: ${symptomAt('ios_old')}.weight: unknown field (symptom ios_old)`,
    );
    expect(loadError(packWith('macros.yaml', (doc) => (macro(doc, 'update_ios').body = 'Hi {{customer.name}}'))).message).toBe(
      `macros.yaml: ${macroAt('update_ios')}.body: uses unknown placeholder {{customer.name}} (known: customer.first_name, device.model) (macro update_ios)`,
    );
    expect(loadError(packWith('macros.yaml', (doc) => (macro(doc, 'restart_device').variants[0].when = 'android'))).message).toMatch(
      new RegExp(
        `^macros\\.yaml: ${escape(macroAt('restart_device'))}\\.variants\\[0\\]\\.when: must be one of .*; got "android" \\(macro restart_device\\)$`,
      ),
    );
    expect(loadError(packWith('macros.yaml', (doc) => delete macro(doc, 'update_ios').prior)).message).toBe(
      `macros.yaml: ${macroAt('update_ios')}.prior: is required: {alpha, beta} (macro update_ios)`,
    );
  });

  it('checks co-occurrence rules', () => {
    expect(loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'screen_near_on').near.within = 0))).message).toBe(
      `symptoms.yaml: ${symptomAt('screen_near_on')}.near.within: must be at least 1 (symptom screen_near_on)`,
    );
    expect(loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'screen_near_on').near.b = []))).message).toBe(
      `symptoms.yaml: ${symptomAt('screen_near_on')}.near.b: must list at least one word (symptom screen_near_on)`,
    );
  });

  it('requires a macro for every cause and a known fallback', () => {
    expect(
      loadError(packWith('macros.yaml', (doc) => (doc.macros = doc.macros.filter((m: Yaml) => m.id !== 'let_device_lock')))).message,
    ).toBe('macros.yaml: macros: no macro fixes cause "device_not_locked" (list it in some macro\'s causeIds)');
    expect(loadError(packWith('pack.yaml', (doc) => (doc.fallbackCause = 'nothing'))).message).toBe(
      'pack.yaml: fallbackCause: names unknown cause "nothing"',
    );
  });

  it('reports YAML syntax errors and missing files by file name', () => {
    const dir = packWith('causes.yaml', () => undefined);
    fs.writeFileSync(path.join(dir, 'causes.yaml'), 'causes: [ {id: wifi');
    expect(loadError(dir).message).toMatch(/^causes\.yaml: yaml: /);
    fs.rmSync(path.join(dir, 'macros.yaml'));
    expect(loadError(dir).message).toMatch(/^(causes|macros)\.yaml: /);
  });
});

describe('describePack and findMacro', () => {
  const pack = loadDefaultPack();
  const described = describePack(pack);

  it('lists causes, symptoms with weights, and macros with unrendered bodies and variants', () => {
    expect(described.version).toBe(pack.version);
    expect(described.causes.find((c) => c.id === 'other')).toMatchObject({ title: expect.any(String), prior: expect.any(Number) });
    expect(described.symptoms.find((s) => s.id === 'greyed_out')?.causes).toEqual([{ id: 'restricted', weight: 4 }]);
    const restart = described.macros.find((m) => m.id === 'restart_device')!;
    expect(restart.generic).toBe(true);
    expect(restart.body).toContain('{{customer.first_name}}');
    expect(restart.variants.map((v) => v.when).sort()).toEqual(['ipad_home', 'ipad_no_home', 'iphone_home', 'iphone_no_home']);
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });

  it('finds a macro by id or by an old id', () => {
    expect(findMacro(pack, 'connect_stable_wifi')?.id).toBe('connect_stable_wifi');
    expect(findMacro(pack, 'check_wifi')?.id).toBe('connect_stable_wifi');
    expect(findMacro(pack, 'no_such_macro')).toBeUndefined();
  });
});

describe('product plugins named by a pack', () => {
  const plugin = (doc: Yaml, name: string) => doc.plugins.find((p: Yaml) => p.name === name);

  it('refuses a plugin the service does not have', () => {
    expect(loadError(packWith('pack.yaml', (doc) => doc.plugins.push({ name: 'android-devices' }))).message).toBe(
      'pack.yaml: plugins[2].name: unknown plugin "android-devices" (known: apple-devices, icloud-backup)',
    );
  });

  it('refuses a bad, missing or unknown parameter, naming file and field', () => {
    expect(loadError(packWith('pack.yaml', (doc) => (plugin(doc, 'apple-devices').params.latestIosMajor = 'eighteen'))).message).toBe(
      'pack.yaml: plugins[0].params.latestIosMajor: must be an integer from 1 to 99 (got "eighteen")',
    );
    expect(loadError(packWith('pack.yaml', (doc) => delete plugin(doc, 'apple-devices').params)).message).toBe(
      'pack.yaml: plugins[0].params.latestIosMajor: is required by plugin "apple-devices" (an integer from 1 to 99)',
    );
    expect(loadError(packWith('pack.yaml', (doc) => (plugin(doc, 'icloud-backup').params = { quotaGb: 5 }))).message).toBe(
      'pack.yaml: plugins[1].params.quotaGb: unknown parameter of plugin "icloud-backup" (it takes none)',
    );
  });

  it('keeps plugin parameters out of the top level', () => {
    expect(loadError(packWith('pack.yaml', (doc) => (doc.latestIosMajor = 18))).message).toBe('pack.yaml: latestIosMajor: unknown field');
  });

  it('refuses a derived rule that none of the named plugins provides', () => {
    expect(loadError(packWith('symptoms.yaml', (doc) => (symptom(doc, 'ios_old').derived = 'firmware_old'))).message).toMatch(
      new RegExp(
        `^symptoms\\.yaml: ${escape(symptomAt('ios_old'))}\\.derived: names "firmware_old", a rule none of the pack's plugins \\(apple-devices, icloud-backup\\) provides; known: ios_old, ios_current, storage_nearly_full.* \\(symptom ios_old\\)$`,
      ),
    );
    // Without the plugin that provides them, its rules and variant keys are unknown.
    expect(
      loadError(packWith('pack.yaml', (doc) => (doc.plugins = doc.plugins.filter((p: Yaml) => p.name !== 'apple-devices')))).message,
    ).toMatch(
      new RegExp(
        `^symptoms\\.yaml: ${escape(symptomAt('ios_old'))}\\.derived: names "ios_old", a rule none of the pack's plugins \\(icloud-backup\\) provides`,
      ),
    );
  });

  it("refuses a macro variant key the pack's plugins do not pick", () => {
    const macro = (doc: Yaml, id: string) => doc.macros.find((m: Yaml) => m.id === id);
    expect(loadError(packWith('macros.yaml', (doc) => (macro(doc, 'restart_device').variants[0].when = 'pixel_phone'))).message).toBe(
      `macros.yaml: ${macroAt('restart_device')}.variants[0].when: must be one of iphone_no_home, iphone_home, ipad_no_home, ipad_home, the variant keys of the pack's plugins apple-devices, icloud-backup; got "pixel_phone" (macro restart_device)`,
    );
  });
});
