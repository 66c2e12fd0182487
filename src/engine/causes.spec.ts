/**
 * Every cause of the default pack, on tickets written for these tests in the
 * ways customers describe each problem (email, chat, short posts, other languages).
 */
import { loadDefaultPack } from '../knowledge';
import { makeChat, makeEmail, makeTicket } from './testing/ticket-factory';
import { TriageEngine } from './triage-engine';
import type { TriageInput } from './types';
import { rulesOnlyWeights } from './testing/rules-only';

const engine = new TriageEngine(loadDefaultPack());
const causeOf = (ticket: TriageInput) => engine.triage(ticket).cause.id;

const cases: Record<string, TriageInput[]> = {
  backup_disabled: [
    makeEmail(
      'I went to check my backups after a friend lost her phone. Under iCloud Backup it says the last successful backup was never. I assumed it was automatic?',
    ),
    makeChat('how do i know if my iphone 13 is even backing up', 'ok found it, the backup switch is off. was it always like that?'),
    makeTicket({
      subject: 'Restore problem',
      description:
        'Setting up my replacement iPhone and there is no backup to restore from at all, only the option to set it up as new. I had the old one for three years.',
    }),
  ],
  wifi: [
    makeEmail(
      'We are renting a holiday flat and the only internet is a small mobile hotspot. Since we arrived two weeks ago my iPhone 14 has not made a single backup.',
    ),
    makeChat(
      'backup stops halfway and says the network connection was lost',
      'my room is at the far end of the house from the router, signal is pretty weak there',
    ),
    makeTicket({
      description:
        'Staying in student halls, the campus wifi makes you log in through a web page every day. Backups just never happen here.',
    }),
  ],
  power: [
    makeEmail(
      'My iPhone lies next to the bed on a cheap charging cable I bought at a petrol station. In the morning the battery is at 30 percent and there is no new backup.',
    ),
    makeChat(
      'backups stopped a month ago',
      'wifi is fine. now that you ask, the charger only works if I wiggle the cable, it is frayed near the plug',
    ),
    makeTicket({
      description:
        'The socket next to my bed is switched off with the light switch, so the phone is not charging at night. Could that be why there are no backups?',
    }),
  ],
  storage_full: [
    makeEmail('Every morning my iPad says the backup failed because there is not enough iCloud storage. I only have the free plan.'),
    makeTicket({ description: 'backup of my iPhone 12 needs 9.4 GB but only 2.1 GB available in iCloud. do i really have to pay?' }),
    makeTicket({
      subject: 'Speicher',
      description: 'Hallo, mein iPhone sagt immer "Nicht genügend Speicher" beim iCloud Backup. Was kann ich löschen?',
    }),
  ],
  icloud_outage: [
    makeEmail(
      'Since about 10:00 this morning my backup fails with a server error, and my brother and two colleagues on completely different networks have the same problem. Is iCloud down?',
    ),
    makeChat(
      'backup error: could not communicate with the server',
      'my wife gets exactly the same error on her iPad, started today for both of us',
    ),
  ],
  account_signin: [
    makeEmail(
      'My iPhone 12 keeps asking for my Apple ID password every evening. I changed the password last week on my Mac and since then the backup has not run.',
    ),
    makeTicket({
      description:
        'I bought a second-hand iPhone and the previous owner is still signed in to iCloud on it. Backups do not go to my account.',
    }),
    makeChat('backup says verification failed', 'the code goes to my old phone number which I do not have anymore'),
  ],
  software_glitch: [
    makeChat('backup stuck on estimating time remaining since last night', 'wifi is fine, it is charging, plenty of space in icloud'),
    makeTicket({
      description:
        'iPhone 15, iOS 18.1, home fibre, on the charger, 180 GB free in iCloud. Back Up Now just spins and nothing happens. Worked fine until Friday, nothing changed.',
    }),
  ],
  settings_corrupt: [
    makeEmail(
      "I have restarted my iPhone three times and tried the backup at home, at work and at a cafe. It fails on every network, while my partner's phone backs up fine at home.",
    ),
    makeChat(
      'backups fail every night since I restored this phone from my old one',
      'yes, rebooted it, also forced the restart. still the same',
    ),
  ],
  ios_outdated: [
    makeEmail('My iPhone X is still on iOS 15.4 because I never install updates. The iCloud backup fails every night now.'),
    makeTicket({
      description:
        'Read that backups failing is a known bug fixed in the latest update. My iPhone says an update is available but I keep tapping Later. Related?',
    }),
  ],
  large_data: [
    makeEmail(
      'This is the first backup of my new iPhone 15 Pro with about 400 GB of photos and 4K videos. It has been running for 9 hours and the progress bar has barely moved.',
    ),
    makeChat(
      'backup says 14 hours remaining, then 20 hours remaining. is that normal?',
      'i have like 60k photos, 2TB plan so space is not the problem',
    ),
  ],
  device_not_locked: [
    makeEmail(
      'My iPad is on a stand in the kitchen showing a calendar app all day and all night, Auto-Lock is set to Never. It is always charging but has not backed up in months.',
    ),
    makeChat('my phone is my nightstand clock, screen stays on all night', 'it is plugged in and on wifi but no backups for weeks'),
  ],
  restricted: [
    makeEmail(
      'On my work iPhone the iCloud Backup switch is greyed out and I cannot turn it on. IT installed a management profile when I got it.',
    ),
    makeTicket({ description: "My son's iPad has Screen Time set up and Back Up Now is grayed out, I can't tap it." }),
  ],
  other: [
    makeEmail('When I back up my iPhone to my Windows laptop with iTunes it stops with an error halfway. iCloud is not involved.'),
    makeTicket({ description: 'My Galaxy S22 will not back up to Google One anymore, it just waits for Wi-Fi.' }),
    makeTicket({ description: 'Please refund the second charge for my iCloud+ plan this month, I was billed twice.' }),
    makeTicket({ description: 'Photos I take on my iPhone do not show up on my Mac even though iCloud Photos is on everywhere.' }),
    makeTicket({ description: 'Hi, it is not working again. Call me back please.' }),
  ],
};

describe('default pack: each cause', () => {
  for (const [cause, tickets] of Object.entries(cases)) {
    it.each(tickets.map((t, i) => [i + 1, t] as const))(`${cause} #%s`, (_n, ticket) => {
      expect(causeOf(ticket)).toBe(cause);
    });
  }

  it('answers with cause ids from the pack only, and a confidence between 0 and 1', () => {
    const ids = new Set(loadDefaultPack().causeIds);
    for (const ticket of Object.values(cases).flat()) {
      const result = engine.triage(ticket);
      expect(ids.has(result.cause.id)).toBe(true);
      expect(result.cause.confidence).toBeGreaterThan(0);
      expect(result.cause.confidence).toBeLessThanOrEqual(1);
      expect(result.causes[0].id).toBe(result.cause.id);
    }
  });

  it('gives the evidence behind the top cause as spans of the original text', () => {
    const ticket = makeTicket({ description: 'Every night: "Not enough iCloud storage". iPhone 13.' });
    const result = engine.triage(ticket);
    expect(result.cause.id).toBe('storage_full');
    const evidence = result.causes[0].evidence.find((e) => e.symptom === 'not_enough_storage');
    expect(evidence).toBeDefined();
    expect(ticket.description.slice(evidence!.start, evidence!.end)).toBe(evidence!.text);
    expect(evidence!.text).toMatch(/Not enough iCloud storage/);
  });
});

describe('backups that are not iCloud Backup, in iCloud words', () => {
  it.each([
    'I back up my iPhone to my Mac with Finder and it says the backup failed. iCloud itself is fine.',
    'Backed up to my PC with iTunes last year, now iTunes says the backup is corrupt.',
    'My Android phone says the Google One backup failed because storage is full.',
    'Time Machine backup to my external drive stops halfway since the update.',
    'WhatsApp chat backup to iCloud is stuck at 0% every night.',
    'My Apple Watch backup is gone after I paired it with the new iPhone.',
    'Quiero hacer una copia de seguridad en mi PC con iTunes y falla, la de iCloud va bien.',
    'Die WhatsApp-Backup bleibt bei 0 % hängen, das iPhone-Backup in iCloud lief heute Nacht.',
    "La sauvegarde WhatsApp est bloquée à 0 %, la sauvegarde iCloud de l'iPhone s'est faite cette nuit.",
    'Tenho um celular Android e o backup do Google One não funciona, armazenamento cheio.',
    'Meine iCloud-Fotos synchronisieren nicht mit dem Mac, das Backup selbst klappt.',
  ])('%s', (text) => {
    expect(causeOf(makeTicket({ description: text }))).toBe('other');
  });

  it('does not take a Portuguese "nas" (in the) for a network drive', () => {
    const result = engine.triage(
      makeTicket({
        description: 'Nas Definições aparece uma bolinha vermelha na Atualização de software, iOS 15.4, e a cópia de segurança não se faz.',
      }),
    );
    expect(result.symptoms.map((s) => s.id)).not.toContain('computer_backup');
    expect(result.cause.id).toBe('ios_outdated');
  });
});

describe('evidence that outweighs a restart or a reset (rules alone)', () => {
  const rules = new TriageEngine(loadDefaultPack(), rulesOnlyWeights(loadDefaultPack()));
  const triage = (ticket: TriageInput) => rules.triage(ticket);
  const ids = (ticket: TriageInput) => triage(ticket).symptoms.map((s) => s.id);

  it.each([
    [
      'ios_outdated',
      'Backup fails every night. I restarted the phone twice and reset all settings, still failing. Software Update offers a newer version but I have been putting it off.',
    ],
    [
      'ios_outdated',
      'iPhone 12, still on iOS 15. Rebooted it several times, no change. There is an update available that I never installed.',
    ],
    [
      'ios_outdated',
      'Das Backup schlägt jede Nacht fehl. Neu gestartet habe ich schon, Aktualisierung verfügbar steht seit Wochen in den Einstellungen.',
    ],
    ['ios_outdated', "La sauvegarde échoue. J'ai redémarré deux fois, mais il y a une mise à jour disponible que je n'ai pas faite."],
    ['ios_outdated', 'La copia de seguridad falla. Ya lo reinicié, pero tengo una actualización pendiente desde hace un mes.'],
    ['ios_outdated', 'O backup falha todas as noites. Já reiniciei, e tem uma atualização disponível que ainda não instalei.'],
    ['icloud_outage', "Backup fails since this morning with a server error. My wife's phone too, and we even reset all settings on mine."],
    ['icloud_outage', 'Both my personal and my work iPhone fail to back up, something about the server. We restarted both.'],
    [
      'icloud_outage',
      'Backup failing today. Apple System Status shows a yellow dot next to iCloud Backup. I already restarted and reset network settings.',
    ],
    [
      'icloud_outage',
      'Everyone in the family has the same error since lunchtime, different phones and different Apple IDs. I reset all settings, no change.',
    ],
    ['icloud_outage', 'Depuis ce matin la sauvegarde échoue pour toute la famille en même temps, le serveur ne répond pas.'],
    ['power', 'No backups for weeks. The socket by the bed is on a timer, so the power goes off at night.'],
    ['power', 'Backup never runs. The phone is only sometimes charged in the morning, the battery is low when I wake up.'],
    [
      'power',
      'My phone sits on a wireless charger overnight but it is often misaligned and in the morning the battery is lower than when I went to sleep.',
    ],
    [
      'power',
      'I only charge the phone in the car on the way to work, overnight charging is bad for the battery. No iCloud backup for a month.',
    ],
    ['power', 'Keine Backups mehr. Das iPhone hängt an der Steckdosenleiste, die ich nachts ausschalte: steckdosenleiste ausgeschaltet.'],
    ['backup_disabled', 'On my new iPhone there is no Back Up Now, I have never seen a backup on this phone.'],
    ['backup_disabled', 'Under iCloud Backup there is just the switch and no date under it. I thought it was automatic.'],
    ['backup_disabled', 'After the update the backup switch turned itself off and nothing has been saved since.'],
    ['backup_disabled', "The lady in the shop skipped through the setup for me. Now the backup line isn't there at all."],
  ])('%s: %s', (cause, text) => {
    expect(triage(makeTicket({ description: text })).cause.id).toBe(cause);
  });

  it('reads a reset that did not help as tried, against broken settings', () => {
    const result = triage(makeTicket({ description: 'Backup still fails. I already reset all settings last week, no difference.' }));
    const reset = result.symptoms.find((s) => s.id === 'reset_tried');
    expect(reset).toBeDefined();
    expect(result.symptoms.map((s) => s.id)).not.toContain('reset_hesitation');
  });

  it('does not read "no update available" as a pending update', () => {
    const found = ids(makeTicket({ description: 'Back Up Now stuck for hours. iOS 18, no update available, plenty of iCloud space.' }));
    expect(found).toContain('ios_up_to_date');
    expect(found).not.toContain('update_pending');
  });
});
