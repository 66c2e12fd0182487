/** Negation, ruled-out and already-tried scope on the default pack. */
import { loadDefaultPack } from '../knowledge';
import { makeChat, makeTicket } from './testing/ticket-factory';
import { TriageEngine } from './triage-engine';
import { rulesOnlyWeights } from './testing/rules-only';
import type { TriageResult } from './types';

/** What the rules say (scope is a property of the rules, whatever the shipped model learned). */
const engine = new TriageEngine(loadDefaultPack(), rulesOnlyWeights(loadDefaultPack()));

function scoreOf(result: TriageResult, cause: string): number {
  return result.causes.find((c) => c.id === cause)?.score ?? 0;
}

function evidenceOf(result: TriageResult, cause: string) {
  return result.causes.find((c) => c.id === cause)?.evidence ?? [];
}

describe('scope', () => {
  it('counts "wifi is fine" against the wifi cause', () => {
    const result = engine.triage(makeTicket({ description: 'Backup fails every night. The wifi is fine, other devices work.' }));
    const wifi = evidenceOf(result, 'wifi');
    expect(wifi.length).toBeGreaterThan(0);
    expect(wifi.every((e) => e.weight < 0 && e.polarity === 'negated')).toBe(true);
    expect(result.cause.id).not.toBe('wifi');
  });

  it('flips a negated problem phrase: "no problem with the internet" is not a network problem', () => {
    const plain = engine.triage(makeTicket({ description: 'backup fails, i think the internet connection is weak at night' }));
    const negated = engine.triage(makeTicket({ description: 'backup fails, there is no problem with the internet connection at all' }));
    expect(scoreOf(plain, 'wifi')).toBeGreaterThan(scoreOf(negated, 'wifi'));
    expect(evidenceOf(negated, 'wifi').every((e) => e.weight < 0)).toBe(true);
  });

  it('reads a plain negation before a bare mention as a problem, and "nothing wrong with" as ruling it out', () => {
    const away = engine.triage(makeTicket({ description: "The backup never works at my dad's, his wifi is super slow there." }));
    expect(away.cause.id).toBe('wifi');
    expect(evidenceOf(away, 'wifi').every((e) => e.weight > 0)).toBe(true);
    const fine = engine.triage(makeTicket({ description: 'Backup stuck on preparing. There is nothing wrong with the wifi.' }));
    expect(evidenceOf(fine, 'wifi').some((e) => e.symptom === 'wifi_mention' && e.polarity === 'negated' && e.weight < 0)).toBe(true);
  });

  it('lets a stated problem outweigh a ruled-out mention of another place', () => {
    const result = engine.triage(
      makeTicket({
        description:
          'The wifi in my office is fine, but at night the phone is in the bedroom where the signal is very poor. Backup fails every night.',
      }),
    );
    expect(result.cause.id).toBe('wifi');
    const mention = evidenceOf(result, 'wifi').find((e) => e.symptom === 'wifi_mention');
    expect(mention?.polarity).toBe('negated');
    expect(mention!.weight).toBeGreaterThan(-1);
  });

  it('pairs co-occurring words within a clause, not across sentences', () => {
    const near = engine.triage(makeTicket({ description: 'No backups lately. The plug by my bed is kind of wobbly.' }));
    expect(near.symptoms.map((s) => s.id)).toContain('power_near_problem');
    const apart = engine.triage(makeTicket({ description: 'No backups lately. I bought a new plug. The weather is wobbly.' }));
    expect(apart.symptoms.map((s) => s.id)).not.toContain('power_near_problem');
  });

  it('reads "no backup since ..." as negating the backup, not what follows', () => {
    const result = engine.triage(makeTicket({ description: 'No backup since the router keeps dropping every evening.' }));
    expect(result.cause.id).toBe('wifi');
    expect(evidenceOf(result, 'wifi').every((e) => e.weight > 0)).toBe(true);
  });

  it('treats a resolved fact as evidence against: "I already upgraded to 200GB"', () => {
    const result = engine.triage(makeTicket({ description: 'I already upgraded to 200GB and the backup still does not finish.' }));
    const storage = evidenceOf(result, 'storage_full');
    expect(storage.some((e) => e.symptom === 'storage_resolved' && e.weight < 0)).toBe(true);
    expect(result.cause.id).not.toBe('storage_full');
  });

  it('takes "it IS plugged in" as power ruled out', () => {
    const result = engine.triage(
      makeTicket({ description: 'it IS plugged in. every night. still no backup for 10 days, stuck on preparing.' }),
    );
    expect(evidenceOf(result, 'power').some((e) => e.polarity === 'negated' && e.weight < 0)).toBe(true);
    expect(result.cause.id).not.toBe('power');
  });

  it('counts "tried another network, same thing" against wifi and for broken settings', () => {
    const result = engine.triage(makeChat('backup fails with network connection lost', 'tried another network, same thing'));
    const tried = evidenceOf(result, 'wifi').find((e) => e.symptom === 'fails_every_network');
    expect(tried?.polarity).toBe('tried');
    expect(tried!.weight).toBeLessThan(0);
    expect(result.cause.id).toBe('settings_corrupt');
  });

  it('moves a fix the customer already tried out of the suggestions', () => {
    const result = engine.triage(makeTicket({ description: 'Backup stuck on preparing. I restarted twice, still stuck.' }));
    expect(result.tried).toContain('restart_device');
    expect(result.macro.id).not.toBe('restart_device');
    expect(result.alternatives.map((a) => a.id)).not.toContain('restart_device');
  });

  it('reads a restart that did not help as evidence for broken settings, not a glitch', () => {
    const glitch = engine.triage(makeTicket({ description: 'Backup stuck on preparing since last night.' }));
    const restarted = engine.triage(
      makeTicket({
        description: 'Backup stuck on preparing since last night. Rebooted it three times, no change, also at my office network.',
      }),
    );
    expect(glitch.cause.id).toBe('software_glitch');
    expect(restarted.cause.id).toBe('settings_corrupt');
    expect(evidenceOf(restarted, 'software_glitch').some((e) => e.symptom === 'restart_tried' && e.polarity === 'tried')).toBe(true);
  });

  it('does not let a cue reach across a sentence end', () => {
    const result = engine.triage(makeTicket({ description: 'It is not fine. Wifi drops out every evening.' }));
    expect(result.cause.id).toBe('wifi');
  });

  it("ignores the service's own quoted reply", () => {
    const result = engine.triage(
      makeTicket({
        description:
          'Still failing, the toggle is off now?\n\nOn Tue, Support <help@example.com> wrote:\n> Is your iCloud storage full? Is it greyed out?',
      }),
    );
    expect(result.symptoms.some((s) => s.id === 'greyed_out' || s.id === 'not_enough_storage')).toBe(false);
  });
  it.each([
    'The alert says: You do not have enough space in iCloud to back up this iPhone.',
    'It keeps showing "This iPhone cannot be backed up because there is not enough iCloud storage available."',
    'No se puede realizar la copia de seguridad de este iPhone porque no hay suficiente almacenamiento disponible en iCloud.',
    'Von diesem iPhone kann kein Backup erstellt werden, da nicht genügend iCloud-Speicher verfügbar ist.',
    "Impossible de sauvegarder cet iPhone, car l'espace de stockage iCloud disponible est insuffisant.",
    'Não é possível fazer backup deste iPhone porque não há armazenamento suficiente disponível no iCloud.',
  ])('reads a quoted storage alert as storage full, not as storage ruled out: %s', (text) => {
    const result = engine.triage(makeTicket({ description: text }));
    const storage = evidenceOf(result, 'storage_full');
    expect(storage.some((e) => e.symptom === 'not_enough_storage' && e.polarity === 'present')).toBe(true);
    expect(storage.some((e) => e.weight < 0)).toBe(false);
    expect(result.cause.id).toBe('storage_full');
  });

  it('keeps the meaning of quoted failure and server messages', () => {
    const server = engine.triage(
      makeTicket({ description: 'Every attempt ends with "Backup couldn\'t be completed" and then "Unable to connect to server".' }),
    );
    expect(server.symptoms.map((s) => s.id)).toEqual(expect.arrayContaining(['backup_problem', 'server_error']));
    const estimating = engine.triage(
      makeTicket({ description: 'It has said "Estimating time remaining" since last night and nothing moves.' }),
    );
    expect(estimating.symptoms.map((s) => s.id)).toContain('stuck_progress');
  });

  it.each([
    ["Backup fails every night. It's not the storage, I have plenty of space.", 'storage_full'],
    ['Backup fails. It is not a space issue, I pay for 2 TB.', 'storage_full'],
    ["Backup fails every night. Definitely not the wifi, it's fiber.", 'wifi'],
    ['Backup fails every night. The charger is fine.', 'power'],
    ["Backup fails every night. I'm on the latest iOS.", 'ios_outdated'],
  ])('counts a cause ruled out in its own words against it: %s', (text, cause) => {
    const evidence = evidenceOf(engine.triage(makeTicket({ description: text })), cause);
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.every((e) => e.weight < 0 && e.polarity === 'negated')).toBe(true);
  });

  it.each([
    ['Backups stopped. The phone is never plugged in at night, I charge it at work.', 'power'],
    ['No wifi at the cabin, so no backups since we arrived.', 'wifi'],
    ['La copia no se hace: el movil no esta enchufado por la noche.', 'power'],
    ['Kein WLAN im Ferienhaus, nur mobile Daten, seitdem kein Backup.', 'wifi'],
  ])('keeps a problem stated as a negation a problem: %s', (text, cause) => {
    const result = engine.triage(makeTicket({ description: text }));
    expect(result.cause.id).toBe(cause);
    expect(evidenceOf(result, cause).some((e) => e.weight > 0 && e.polarity === 'present')).toBe(true);
  });
  it('reads "nothing greyed out" and a dimmed clock screen as no restriction', () => {
    const checked = engine.triage(
      makeTicket({ description: 'Backup fails. Wifi fine, plugged in, nothing greyed out, no work or school profile.' }),
    );
    expect(evidenceOf(checked, 'restricted').every((e) => e.weight < 0 && e.polarity === 'negated')).toBe(true);
    const clock = engine.triage(
      makeTicket({
        description:
          'The old iPhone is my bedside clock, the clock app keeps the screen on all night, dimmed right down. No backup for months.',
      }),
    );
    expect(clock.symptoms.map((s) => s.id)).not.toContain('greyed_out');
    expect(clock.cause.id).toBe('device_not_locked');
  });

  it('reads a lapsed paid plan as storage, and a storage-full email of doubtful origin as a question', () => {
    const lapsed = engine.triage(
      makeTicket({
        description:
          'Backup failed, not enough storage. I thought I paid for 200 GB but my card expired and the plan lapsed, so I am back to 5 GB.',
      }),
    );
    expect(lapsed.cause.id).toBe('storage_full');
    const scam = engine.triage(
      makeTicket({
        description:
          'Got an email saying "Your iCloud storage is full, your photos will be deleted". Is this from Apple? My phone backs up fine.',
      }),
    );
    expect(scam.cause.id).toBe('other');
  });
});

describe('scope of the status page, updates and resets', () => {
  it('reads a green status page as ruling the outage out, a yellow one as evidence for it', () => {
    const green = engine.triage(makeTicket({ description: 'Backup fails every night. The status page looks green.' }));
    expect(evidenceOf(green, 'icloud_outage').every((e) => e.weight < 0 && e.polarity === 'negated')).toBe(true);
    const yellow = engine.triage(
      makeTicket({ description: 'Backup fails. Apple System Status shows an issue for iCloud Backup, some users are affected.' }),
    );
    expect(evidenceOf(yellow, 'icloud_outage').some((e) => e.weight > 0)).toBe(true);
    expect(yellow.cause.id).toBe('icloud_outage');
  });

  it('marks a reset already done as tried, not as hesitation', () => {
    const result = engine.triage(makeTicket({ description: "Reset all settings didn't help, the backup still fails every night." }));
    const tried = result.symptoms.find((s) => s.id === 'reset_tried');
    expect(tried).toBeDefined();
    expect(evidenceOf(result, 'settings_corrupt').some((e) => e.symptom === 'reset_tried' && e.weight < 0)).toBe(true);
  });

  it('counts "no update available" against an outdated iOS', () => {
    const result = engine.triage(makeTicket({ description: 'Backup fails. iPhone 15, no update available, wifi fine.' }));
    expect(evidenceOf(result, 'ios_outdated').every((e) => e.weight < 0)).toBe(true);
  });
});
