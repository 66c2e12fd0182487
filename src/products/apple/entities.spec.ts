import { entitiesOf as viewOf, renderMacro, TriageEngine, type FieldText } from '../../engine';
import { normalizeText } from '../../engine/normalize';
import { growthRatio } from '../../engine/testing/growth';
import { loadDefaultPack } from '../../knowledge';
import { findBacktrackingRisks } from '../../knowledge/redos-check';
import { appleDevicesPlugin } from './apple-devices.plugin';
import { icloudBackupPlugin } from './icloud-backup.plugin';
import { STORAGE_PATTERNS, storageSummary } from './icloud-storage';

function fieldsOf(description: string, subject = ''): FieldText[] {
  const fields: FieldText[] = [];
  if (subject) fields.push({ field: 'subject', original: subject, norm: normalizeText(subject) });
  fields.push({ field: 'description', original: description, norm: normalizeText(description) });
  return fields;
}

/** What the iCloud pack's two plugins extract from a ticket. */
function entitiesOf(description: string, subject = '') {
  const fields = fieldsOf(description, subject);
  return { ...appleDevicesPlugin.extract!(fields), ...icloudBackupPlugin.extract!(fields) };
}

describe('device model', () => {
  it.each([
    ['My iPhone 15 Pro Max stopped backing up', 'iPhone 15 Pro Max', 'iphone_no_home'],
    ['it is an iphone xr', 'iPhone XR', 'iphone_no_home'],
    ['old iPhone 8 Plus here', 'iPhone 8 Plus', 'iphone_home'],
    ['iPhone SE (2nd generation), iOS 17', 'iPhone SE (2nd generation)', 'iphone_home'],
    ['my iPad Pro 11 inch', 'iPad Pro 11', 'ipad_no_home'],
    ['iPad (9th generation)', 'iPad (9th generation)', 'ipad_home'],
    ['an iPad Air 2 from 2015', 'iPad Air 2', 'ipad_home'],
    ['iPad mini 6', 'iPad Mini 6', 'ipad_no_home'],
  ])('%s -> %s (%s)', (text, model, deviceClass) => {
    const { device } = entitiesOf(text);
    expect(device?.model).toBe(model);
    expect(device?.deviceClass).toBe(deviceClass);
  });

  it('leaves the Home button unknown when the generation is not given', () => {
    const { device } = entitiesOf('my iPad keeps failing');
    expect(device?.family).toBe('ipad');
    expect(device?.homeButton).toBeNull();
  });

  it('points at the original text, also in the subject', () => {
    const subject = 'Backup on my iPhone 13 mini';
    const { device } = entitiesOf('it fails', subject);
    expect(device?.span.field).toBe('subject');
    expect(subject.slice(device!.span.start, device!.span.end)).toBe('iPhone 13 mini');
  });
});

describe('iOS version', () => {
  it.each([
    ['running iOS 17.5.1 on it', '17.5.1', 17],
    ['iPadOS 16.3', '16.3', 16],
    ['did backups break on 18.0?', '18.0', 18],
    ['ios15 still', '15', 15],
  ])('%s -> %s', (text, version, major) => {
    const { iosVersion } = entitiesOf(text);
    expect(iosVersion?.version).toBe(version);
    expect(iosVersion?.major).toBe(major);
  });

  it('does not take storage sizes for versions', () => {
    expect(entitiesOf('the backup is on 12.5 GB now').iosVersion).toBeUndefined();
  });
});

describe('iCloud storage figures', () => {
  it('reads needed and available space', () => {
    const s = storageSummary(entitiesOf('it needs 7.3 GB but only 1.2 GB available').storage);
    expect(s.neededGb).toBeCloseTo(7.3);
    expect(s.availableGb).toBeCloseTo(1.2);
  });

  it('reads used of total, in several languages', () => {
    expect(storageSummary(entitiesOf('198.7 of 200GB used').storage)).toMatchObject({ usedGb: 198.7, totalGb: 200 });
    expect(storageSummary(entitiesOf('la barra dice 5 GB de 5 GB').storage)).toMatchObject({ usedGb: 5, totalGb: 5 });
    expect(storageSummary(entitiesOf('4,8 GB von 5 GB belegt').storage)).toMatchObject({ usedGb: 4.8, totalGb: 5 });
  });

  it('reads the plan and free space, in TB too', () => {
    const s = storageSummary(entitiesOf('I have the 2 TB plan with 600 GB free').storage);
    expect(s.totalGb).toBe(2048);
    expect(s.availableGb).toBe(600);
  });

  it('ignores the device capacity', () => {
    expect(entitiesOf('iPhone 15 Pro 256 GB, nothing else').storage).toEqual([]);
  });
});

describe('iCloud storage figures as customers write them', () => {
  const summaryOf = (text: string) => {
    const s = storageSummary(entitiesOf(text).storage);
    return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
  };

  it.each([
    ["honestly it isn't space, we have 2 TB of iCloud", 2048],
    ['I pay for 50GB every month so storage is fine', 50],
    ["space can't be it, I've got 200GB", 200],
    ["we're on 200 GB since last year", 200],
    ['Speicher ist genug, ich habe 2 TB', 2048],
    ["j'ai 200 Go, ce n'est pas le stockage", 200],
    ['tengo contratados 50 GB', 50],
    ['meu plano é de 200 GB', 200],
  ])('a plan size stated alone: %s -> totalGb %d', (text, totalGb) => {
    expect(summaryOf(text)).toEqual({ totalGb });
  });

  it.each([
    ['mein iCloud hat 50 GB, davon 12 frei', { totalGb: 50, availableGb: 12 }],
    ['Tarif 200 GB, davon sind 3,5 GB frei', { totalGb: 200, availableGb: 3.5 }],
    ["j'ai 200 Go dont 2 libres", { totalGb: 200, availableGb: 2 }],
    ['forfait 50 Go dont 49,5 Go utilisés', { totalGb: 50, usedGb: 49.5, availableGb: 0.5 }],
    ['tenho 200 GB com 150 GB livres', { totalGb: 200, availableGb: 150 }],
    ['tengo 50 GB y uso 49,8 GB', { totalGb: 50, usedGb: 49.8 }],
    ['mi plan es de 200 GB y ya uso 180', { totalGb: 200, usedGb: 180, availableGb: 20 }],
  ])('a total with what is free or used: %s', (text, expected) => {
    const s = summaryOf(text);
    expect(s).toMatchObject({ totalGb: expected.totalGb });
    if ('availableGb' in expected) expect(s.availableGb).toBeCloseTo(expected.availableGb!);
    if ('usedGb' in expected) expect(s.usedGb).toBeCloseTo(expected.usedGb!);
  });

  it('reads French units (Go, To, Mo, Gio) and decimal commas', () => {
    expect(summaryOf('il me reste 300 Mo sur iCloud').availableGb).toBeCloseTo(300 / 1024);
    expect(summaryOf('mon forfait de 2 To est presque plein')).toEqual({ totalGb: 2048 });
    expect(summaryOf('iCloud : 4,9 Gio sur 5 Gio')).toMatchObject({ usedGb: 4.9, totalGb: 5 });
    expect(summaryOf('noch 1,5 GB frei')).toEqual({ availableGb: 1.5 });
    expect(summaryOf('quedan 0,8 GB libres')).toEqual({ availableGb: 0.8 });
    expect(summaryOf('restam 0,4 GB')).toEqual({ availableGb: 0.4 });
  });

  it('does not read English "to" and "mo" as units', () => {
    expect(entitiesOf('I went from 5 to 50 GB of photos in a year').storage).toEqual([]);
    expect(entitiesOf('it worked 2 mo ago, I have 200 photos').storage).toEqual([]);
    expect(entitiesOf('the last 1,024 GB upload').storage).toEqual([]);
  });

  it.each([
    ['the next backup would be 8.1 GB, but my plan is 5 GB', 8.1, 5],
    ['La prochaine sauvegarde fait 9,3 Go alors que mon forfait est de 5 Go', 9.3, 5],
    ['Das nächste Backup braucht 6,7 GB, ich habe nur 5 GB', 6.7, 5],
    ['la próxima copia ocupa 7,5 GB y solo tengo 5 GB', 7.5, 5],
    ['o próximo backup tem 5,9 GB e o meu plano é de 5 GB', 5.9, 5],
  ])('what the next backup needs against the plan: %s', (text, neededGb, totalGb) => {
    expect(summaryOf(text)).toEqual({ neededGb, totalGb });
  });

  it.each([
    ['50 GB total, 49.1 GB used', 49.1, 50],
    ['49.1 of 50 GB used', 49.1, 50],
    ['using 49.1GB of 50GB', 49.1, 50],
    ['iCloud zeigt 49,1 GB von 50 GB belegt', 49.1, 50],
    ['j’utilise 49,1 Go sur 50 Go', 49.1, 50],
  ])('used and total: %s', (text, usedGb, totalGb) => {
    expect(summaryOf(text)).toMatchObject({ usedGb, totalGb });
  });

  it.each([
    'Next Backup Size 3.6 GB',
    'Next Backup Size: 3.6 GB',
    'Tamaño de la próxima copia: 3,6 GB',
    'Tamaño del próximo respaldo 3,6 GB',
    'Größe des nächsten Backups: 3,6 GB',
    'Taille de la prochaine sauvegarde : 3,6 Go',
    'Tamanho do próximo backup 3,6 GB',
  ])("iOS's own figure: %s -> neededGb", (text) => {
    expect(summaryOf(text)).toEqual({ neededGb: 3.6 });
  });

  it.each([
    'my 256 GB iPhone stopped backing up',
    'iPhone 14 128GB, backup stuck',
    'iPhone 12 Pro, 512 GB',
    "c'est un iPhone de 64 Go",
    'Speicher des iPhones 256 GB',
    'it is a 64GB phone',
    '100 GB left on my phone',
    'el iPad de 64 GB de almacenamiento',
  ])('ignores the device capacity: %s', (text) => {
    expect(entitiesOf(text).storage).toEqual([]);
  });

  it('keeps the iCloud figure beside the device capacity', () => {
    expect(summaryOf('iPhone 13 with 128GB, iCloud 50GB plan, 48 GB used')).toMatchObject({ totalGb: 50, usedGb: 48 });
    expect(summaryOf('mon iPhone 13 de 128 Go et 5 Go iCloud')).toEqual({ totalGb: 5 });
    expect(summaryOf('my iPhone, 2 GB free in iCloud')).toEqual({ availableGb: 2 });
  });

  it('does not take the size of a library for the plan', () => {
    expect(summaryOf('I have 40 GB of photos and only the 5 GB plan')).toEqual({ totalGb: 5 });
  });

  it('lets the engine see a backup bigger than the plan', () => {
    const engine = new TriageEngine(loadDefaultPack());
    const result = engine.triage({ description: 'La prochaine sauvegarde fait 7,4 Go et mon forfait est de 5 Go.' });
    expect(result.symptoms.map((s) => s.id)).toContain('storage_tight');
  });

  it('uses no pattern that can backtrack catastrophically', () => {
    for (const re of STORAGE_PATTERNS) expect(findBacktrackingRisks(re.source)).toEqual([]);
  });

  it('costs time in proportion to the figures: ten times the figures in under thirty times the time', () => {
    const line = 'il reste 120 Mo, 200 GB davon 140 frei, iPhone 15 256GB, next backup 7 GB. ';
    const small = line.repeat(80);
    const large = line.repeat(800);
    expect(
      growthRatio(
        () => entitiesOf(small),
        () => entitiesOf(large),
      ),
    ).toBeLessThan(30);
    expect(entitiesOf(large).storage.length).toBeLessThanOrEqual(20);
  });
});

describe('quoted messages in a triage result', () => {
  it('names the symptom a quoted (even misquoted) alert stands for', () => {
    const engine = new TriageEngine(loadDefaultPack());
    const description = 'Every morning it says "not enough space in iCloud to back up" and stops.';
    const result = engine.triage({ description });
    const messages = viewOf(icloudBackupPlugin, result.entities).messages ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0].text).toBe('not enough space in iCloud to back up');
    expect(description.slice(messages[0].start, messages[0].end)).toBe(messages[0].text);
    expect(messages[0].symptoms).toContain('not_enough_storage');
  });
});

describe('the macro subject of a stored result', () => {
  const pack = loadDefaultPack();
  const engine = new TriageEngine(pack);
  const restart = pack.macros.get('restart_device')!;

  it.each([
    ['It is an iPhone 13.', 'iPhone 13', 'iphone_no_home'],
    ['It is an iPhone 8.', 'iPhone 8', 'iphone_home'],
    ['My iPad (9th generation).', 'iPad (9th generation)', 'ipad_home'],
  ])('%s reads back from the JSON entities as %s (%s) and renders the same variant', (description, model, variantKey) => {
    const result = engine.triage({ description });
    const stored = JSON.parse(JSON.stringify(result.entities)) as Record<string, unknown>;
    const subject = engine.macroSubjectOf(stored);
    expect(subject).toEqual({ model, variantKey });
    expect(renderMacro(restart, { description }, subject).body).toBe(
      renderMacro(restart, { description }, appleDevicesPlugin.macroVariants!.subject(appleDevicesPlugin.extract!(fieldsOf(description))))
        .body,
    );
  });

  it('has no variant when the generation is unknown, and no subject when no device is named or the JSON is odd', () => {
    expect(engine.macroSubjectOf(engine.triage({ description: 'my iPad keeps failing' }).entities)).toEqual({
      model: 'iPad',
      variantKey: null,
    });
    expect(engine.macroSubjectOf(engine.triage({ description: 'backup fails' }).entities)).toBeUndefined();
    expect(engine.macroSubjectOf({ device: { model: 7 } })).toBeUndefined();
    expect(engine.macroSubjectOf({ device: { model: 'Pixel 8', family: 'android', homeButton: false } })).toEqual({
      model: 'Pixel 8',
      variantKey: null,
    });
  });
});
