/**
 * Synthetic material for the engine benchmark: ~2 KB customer tickets built
 * from a small phrase grammar, and generated extra rules that stress the
 * matcher the way a large pack would. Deterministic (seeded).
 */
import type { PackDefinition, SymptomDef } from '../src/engine';

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const OPENERS = ['Hello,', 'Hi team,', 'Good morning,', 'Dear support,', 'Hey there,', 'Hola,', 'Hallo,', 'Bonjour,'];
const DEVICES = [
  'iPhone 15 Pro',
  'iPhone 12',
  'iPhone SE',
  'iPad Air (5th generation)',
  'iPhone 8',
  'iPad 9th gen',
  'iPhone XR',
  'iPhone 14 Plus',
];
const SITUATIONS = [
  'my {device} has stopped making its nightly backup',
  'the backup on my {device} fails every morning with an error',
  'I noticed my {device} shows an old date under the last backup',
  'since {when} the {device} will not finish a backup',
  'the {device} keeps showing a warning about the backup',
];
const DETAILS = [
  'It sits on the kitchen table overnight and I only use it for messages and the odd photo.',
  'We have a family plan and the other phones seem to manage without trouble.',
  'I looked through the settings page twice but could not find anything unusual there.',
  'There is a message that mentions {message} and then it gives up.',
  'My storage page says {used} of {total} is used, which I do not fully understand.',
  'The progress bar moves a little at first and then nothing happens for a long while.',
  'It is running iOS {ios} and I usually install updates when they come.',
  'My daughter helped me check a few things but we were not sure what to look for.',
  'The router is in the hallway and the signal is usually decent in the bedroom.',
  'I charge it with the cable that came in the box, next to the bed.',
  'Yesterday I tried pressing the button again and waited for about {minutes} minutes.',
  'Other apps work normally and I can browse and stream without any problem.',
  'I have had this device for {years} years and this is the first time I write to you.',
];
const MESSAGES = [
  "'Backup failed'",
  '"The last backup could not be completed"',
  "'not enough storage'",
  '"Unable to connect"',
  "'Estimating time remaining'",
];
const CLOSERS = ['Thanks in advance,\nSam', 'Kind regards,\nAlex Morgan', 'Best,\nRiya', 'Cheers,\nJo', 'Many thanks,\nChris'];
const WHEN = ['Monday', 'last week', 'the update', 'March', 'yesterday'];

function fill(template: string, rand: () => number): string {
  return template
    .replace('{device}', pick(rand, DEVICES))
    .replace('{when}', pick(rand, WHEN))
    .replace('{message}', pick(rand, MESSAGES))
    .replace('{used}', `${(rand() * 50).toFixed(1)} GB`)
    .replace('{total}', pick(rand, ['5 GB', '50 GB', '200 GB', '2 TB']))
    .replace('{ios}', pick(rand, ['16.7', '17.5.1', '18.1', '15.8']))
    .replace('{minutes}', String(5 + Math.floor(rand() * 50)))
    .replace('{years}', String(1 + Math.floor(rand() * 6)));
}

/** A customer ticket of about `targetBytes` characters. */
export function syntheticTicket(rand: () => number, targetBytes = 2048): { subject: string; description: string } {
  const parts = [pick(rand, OPENERS), '', `${fill(pick(rand, SITUATIONS), rand)}.`];
  let length = parts.join('\n').length;
  while (length < targetBytes - 60) {
    const sentence = fill(pick(rand, DETAILS), rand);
    parts.push(sentence);
    length += sentence.length + 1;
  }
  parts.push('', pick(rand, CLOSERS));
  return { subject: `Backup question about my ${pick(rand, DEVICES)}`, description: parts.join(' ').slice(0, targetBytes + 200) };
}

const SYLLABLES = ['ka', 'zor', 'mib', 'tel', 'quo', 'vax', 'pry', 'len', 'dus', 'gor', 'fim', 'wex', 'yal', 'nup', 'sid', 'bro'];
const COMMON_WORDS = ['backup', 'phone', 'storage', 'night', 'error', 'message', 'cable', 'settings', 'update', 'screen'];

function pseudoWord(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += pick(rand, SYLLABLES);
  return w;
}

/** `count` generated symptoms, each with three phrases and one anchored regex, pointing at random causes. */
export function syntheticSymptoms(def: PackDefinition, count: number, seed = 7): SymptomDef[] {
  const rand = seededRandom(seed);
  const causeIds = def.causes.map((c) => c.id);
  const out: SymptomDef[] = [];
  for (let i = 0; i < count; i++) {
    const anchor = pseudoWord(rand);
    out.push({
      id: `synthetic_rule_${i}`,
      title: `Synthetic rule ${i}`,
      description: 'Generated for the benchmark.',
      phrases: [
        `${pick(rand, COMMON_WORDS)} ${pseudoWord(rand)}`,
        `${pseudoWord(rand)} ${pick(rand, COMMON_WORDS)} ${pseudoWord(rand)}`,
        `${pseudoWord(rand)}*`,
      ],
      regexes: [{ pattern: `\\b${anchor} (?<amount>\\d{1,3}) ?(?:gb|mb)\\b`, anchors: [anchor] }],
      causes: { [pick(rand, causeIds)]: 0.5 },
      negatable: true,
      tried: [],
      aliases: [],
    });
  }
  return out;
}
