import { loadDefaultPack } from '../knowledge';
import { extractEntities, storageSummary, type FieldText } from './entities';
import { normalizeText } from './normalize';
import { TriageEngine } from './triage-engine';

function entitiesOf(description: string, subject = '') {
  const fields: FieldText[] = [];
  if (subject) fields.push({ field: 'subject', original: subject, norm: normalizeText(subject) });
  fields.push({ field: 'description', original: description, norm: normalizeText(description) });
  return extractEntities(fields);
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

describe('durations', () => {
  it('reads amounts and units, in words or digits', () => {
    const { durations } = entitiesOf('it has been 3 hours, and two days ago it said a few minutes');
    expect(durations.map((d) => [d.amount, d.unit])).toEqual([
      [3, 'hour'],
      [2, 'day'],
      [3, 'minute'],
    ]);
    expect(durations[0].hours).toBe(3);
  });

  it('reads "since ..." starts', () => {
    const d = entitiesOf('failing since Tuesday').durations;
    expect(d[0].unit).toBe('since');
    expect(d[0].span.text).toBe('since Tuesday');
  });
});

describe('quoted on-screen messages', () => {
  it('finds text in straight and typographic quotes, not apostrophes', () => {
    const original = "It says “Backup Failed” and then 'couldn't communicate with the server', don't know why";
    const { messages } = entitiesOf(original);
    expect(messages.map((m) => m.text)).toEqual(['Backup Failed', "couldn't communicate with the server"]);
    expect(original.slice(messages[0].span.start, messages[0].span.end)).toBe('Backup Failed');
  });
});

describe('quoted messages in a triage result', () => {
  it('names the symptom a quoted (even misquoted) alert stands for', () => {
    const engine = new TriageEngine(loadDefaultPack());
    const description = 'Every morning it says "not enough space in iCloud to back up" and stops.';
    const result = engine.triage({ description });
    const messages = result.entities.messages as { text: string; start: number; end: number; symptoms: string[] }[];
    expect(messages).toHaveLength(1);
    expect(messages[0].text).toBe('not enough space in iCloud to back up');
    expect(description.slice(messages[0].start, messages[0].end)).toBe(messages[0].text);
    expect(messages[0].symptoms).toContain('not_enough_storage');
  });
});
