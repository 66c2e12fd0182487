/** Short labelled tickets for refit tests, generated from a few templates per cause (written for these tests). */

const DEVICES = ['iPhone 12', 'iPhone 14 Pro', 'iPad Air', 'iPhone SE', 'iPhone 15', 'iPad mini'];
const OPENERS = ['Hi,', 'Hello team,', 'Good morning,', '', 'Hey there,'];

const TEMPLATES: Record<string, readonly string[]> = {
  backup_disabled: [
    'The iCloud Backup switch on my {d} is turned off and I never turned it off.',
    'My {d} has not backed up in weeks, I just saw iCloud Backup is off in settings.',
    'Backups stopped on my {d}, the toggle for iCloud Backup was disabled after the update.',
  ],
  wifi: [
    'My {d} says the backup needs Wi-Fi but I am on my home wifi which keeps dropping.',
    'Backup fails on my {d} because the wifi signal in my flat is very weak.',
    'The iCloud backup on my {d} only starts when I am at the office, my home Wi-Fi disconnects all the time.',
  ],
  power: [
    'My {d} never backs up at night, I do not leave it plugged in to charge.',
    'The backup on my {d} does not start, the charger at my bed is loose and it is not charging.',
    'iCloud backup waits for power on my {d} but the battery is low and I rarely plug it in.',
  ],
  storage_full: [
    'My {d} says Not Enough Storage, my 5 GB iCloud plan is full and the backup needs 9 GB.',
    'Backup fails on my {d}: not enough iCloud storage, the iCloud storage is full.',
    'I get the alert that this iPhone cannot be backed up because there is not enough iCloud storage available on my {d}.',
  ],
  icloud_outage: [
    'Since this morning no backup works on my {d}, is iCloud down? My friends have the same problem.',
    'The backup on my {d} says iCloud is unavailable, it looks like an Apple outage today.',
    'All our family devices including my {d} fail to back up today, the Apple system status shows an iCloud issue.',
  ],
  account_signin: [
    'My {d} keeps asking for my Apple ID password and the backup will not run.',
    'Backup on my {d} fails since I changed my Apple ID password, it says to sign in again.',
    'The iCloud backup of my {d} stopped, there is a banner that my Apple ID needs verification.',
  ],
  software_glitch: [
    'The backup on my {d} got stuck once yesterday, after a restart it worked again.',
    'My {d} backup froze at estimating time remaining, I restarted the phone and it backed up fine.',
    'Strange glitch: the backup on my {d} hung, rebooting the device fixed it.',
  ],
  settings_corrupt: [
    'I restarted my {d} many times and the backup still fails with an unknown error.',
    'Nothing helps on my {d}, restarted twice, signed out and in, the backup keeps failing.',
    'The backup on my {d} always fails although wifi and storage are fine and a restart did not help.',
  ],
  ios_outdated: [
    'My {d} is still on iOS 14 and the iCloud backup does not work anymore.',
    'Backup fails on my old {d} running iOS 13, I never installed updates.',
    'My {d} has iOS 15.1 and shows the backup could not be completed, it says an update is required.',
  ],
  large_data: [
    'The first backup of my {d} has been running for two days, I have 200 GB of photos and videos.',
    'My {d} backup takes forever, it is huge with many videos, estimated time 30 hours.',
    'The backup of my {d} is very large after I recorded lots of 4K videos and it never finishes overnight.',
  ],
  device_not_locked: [
    'My {d} never backs up at night, I keep it unlocked on the nightstand with a video playing.',
    'The automatic backup on my {d} never runs, I leave the screen on all night with auto-lock set to never.',
    'My {d} is used as a music player at night and stays unlocked, backups never happen.',
  ],
  restricted: [
    'The iCloud Backup option is greyed out on my work {d}, it is managed by my company.',
    'My child has a {d} and backup is greyed out because of Screen Time restrictions.',
    'iCloud Backup is grey on my {d} and says this setting is restricted by a profile.',
  ],
  other: [
    'How do I change the email address on my invoice? It is about my {d} purchase.',
    'I would like to know if my {d} can be used as a hotspot abroad.',
    'Please call me back about my order of a {d} case.',
  ],
};

export interface GeneratedTicket {
  readonly id: string;
  readonly subject: string;
  readonly description: string;
  readonly label: string;
}

/** `perCause` tickets for each cause, varied by device, greeting and template. */
export function generateLabelledTickets(perCause: number, idPrefix = 'gen'): GeneratedTicket[] {
  const out: GeneratedTicket[] = [];
  for (const [cause, templates] of Object.entries(TEMPLATES)) {
    for (let i = 0; i < perCause; i++) {
      const template = templates[i % templates.length];
      const device = DEVICES[(i * 7 + cause.length) % DEVICES.length];
      const opener = OPENERS[(i + cause.length) % OPENERS.length];
      const body = template.replace('{d}', device);
      out.push({
        id: `${idPrefix}-${cause}-${i}`,
        subject: i % 2 === 0 ? 'iCloud backup' : `Problem with my ${device}`,
        description: opener ? `${opener} ${body} Ticket ${i}.` : `${body} Ticket ${i}.`,
        label: cause,
      });
    }
  }
  return out;
}

export const GENERATED_CAUSES = Object.keys(TEMPLATES);
