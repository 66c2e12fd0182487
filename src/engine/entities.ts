/**
 * Entity extractors over normalized text: device model, iOS version, iCloud
 * storage figures, durations and quoted on-screen messages.
 */
import { matchesOf } from './regex-matches';
import type { NormalizedText } from './normalize';
import { toOriginalRange } from './normalize';
import type { DeviceClass } from './pack';
import type { Span } from './types';

export interface FieldText {
  readonly field: 'subject' | 'description';
  readonly original: string;
  readonly norm: NormalizedText;
}

export interface DeviceEntity {
  readonly span: Span;
  /** Display name, e.g. "iPhone 14 Pro". */
  readonly model: string;
  readonly family: 'iphone' | 'ipad';
  /** null when the text does not say which generation it is. */
  readonly homeButton: boolean | null;
  readonly deviceClass: DeviceClass | null;
}

export interface OsVersionEntity {
  readonly span: Span;
  readonly version: string;
  readonly major: number;
  readonly minor: number;
}

export interface StorageEntity {
  readonly span: Span;
  readonly usedGb?: number;
  readonly totalGb?: number;
  readonly neededGb?: number;
  readonly availableGb?: number;
}

export interface DurationEntity {
  readonly span: Span;
  readonly amount: number;
  readonly unit: 'minute' | 'hour' | 'day' | 'night' | 'week' | 'month' | 'year' | 'since';
  /** Approximate length in hours, when the text gives one. */
  readonly hours?: number;
}

export interface QuotedMessage {
  readonly span: Span;
  /** The quoted text as the customer wrote it. */
  readonly text: string;
}

export interface TicketEntities {
  readonly device?: DeviceEntity;
  readonly devices: DeviceEntity[];
  readonly iosVersion?: OsVersionEntity;
  readonly storage: StorageEntity[];
  readonly durations: DurationEntity[];
  readonly messages: QuotedMessage[];
}

export function spanOf(field: FieldText, start: number, end: number): Span {
  const range = toOriginalRange(field.norm, start, end);
  return { field: field.field, start: range.start, end: range.end, text: field.original.slice(range.start, range.end) };
}

// ---------- devices ----------

const IPHONE_RE = /\biphone ?(\d{1,2}e?|xs max|xs|xr|x|se)(?: ?(pro max|pro|plus|max|mini))?(?: ?\(?(1st|2nd|3rd|first|second|third) ?gen(?:eration)?\)?)?(?![a-z0-9])/g;
const IPAD_RE = /\bipad(?: ?(pro|air|mini))?(?: ?(\d{1,2}(?:[.,]\d)?)(?![a-z0-9.]))?(?: ?\(?(\d{1,2})(?:st|nd|rd|th)? ?gen(?:eration)?\)?)?/g;

function iphoneHasHomeButton(model: string): boolean | null {
  if (model === 'se') return true;
  if (model === 'x' || model === 'xs' || model === 'xr' || model === 'xs max') return false;
  const n = parseInt(model, 10);
  if (!Number.isFinite(n)) return null;
  return n <= 8;
}

function ipadHasHomeButton(line: string | undefined, num: string | undefined, gen: string | undefined): boolean | null {
  const size = num ? parseFloat(num.replace(',', '.')) : undefined;
  const generation = gen ? parseInt(gen, 10) : undefined;
  switch (line) {
    case 'pro':
      if (size === 9.7 || size === 10.5) return true;
      if (size === 12.9 && generation !== undefined) return generation <= 2;
      return false;
    case 'air': {
      const g = generation ?? (size !== undefined && size < 10 ? size : undefined);
      return g === undefined ? null : g <= 3;
    }
    case 'mini': {
      const g = generation ?? (size !== undefined && size < 10 ? size : undefined);
      return g === undefined ? null : g <= 5;
    }
    default:
      return generation === undefined ? null : generation <= 9;
  }
}

const titleWord = (w: string) =>
  /^(x|xs|xr|se)$/.test(w) ? w.toUpperCase() : /^\d/.test(w) ? w : w.charAt(0).toUpperCase() + w.slice(1);

const ORDINALS: Record<string, string> = { '1': '1st', '2': '2nd', '3': '3rd', first: '1st', second: '2nd', third: '3rd' };
const ordinal = (n: string) => ORDINALS[n] ?? (/^\d+$/.test(n) ? `${n}th` : n);

function deviceEntity(field: FieldText, m: RegExpMatchArray, family: 'iphone' | 'ipad', name: string[], homeButton: boolean | null): DeviceEntity {
  const start = m.index as number;
  return {
    span: spanOf(field, start, start + m[0].trimEnd().length),
    model: name.join(' '),
    family,
    homeButton,
    deviceClass: homeButton === null ? null : `${family}_${homeButton ? 'home' : 'no_home'}`,
  };
}

function extractDevices(field: FieldText, out: DeviceEntity[]): void {
  const text = field.norm.text;
  if (!text.includes('iphone') && !text.includes('ipad')) return;
  for (const m of matchesOf(IPHONE_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const [, model, suffix, generation] = m;
    const name = ['iPhone', ...model.split(' ').map(titleWord), ...(suffix ? suffix.split(' ').map(titleWord) : [])];
    if (model === 'se' && generation) name.push(`(${ordinal(generation.replace(/(st|nd|rd)$/, ''))} generation)`);
    out.push(deviceEntity(field, m, 'iphone', name, iphoneHasHomeButton(model)));
  }
  for (const m of matchesOf(IPAD_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const [, line, num, generation] = m;
    const name = ['iPad', ...(line ? [titleWord(line)] : []), ...(num ? [num] : [])];
    if (generation) name.push(`(${ordinal(generation)} generation)`);
    out.push(deviceEntity(field, m, 'ipad', name, ipadHasHomeButton(line, num, generation)));
  }
}

// ---------- iOS version ----------

const IOS_RE = /\b(?:ios|ipados)\s?(\d{1,2})(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?(?![0-9])/g;
const BARE_VERSION_RE = /\b(?:on|to|version|installed|running|break on|broke on|with) (1[0-9]|2[0-9])\.(\d{1,2})(?:\.(\d{1,2}))?(?![0-9]| ?(?:gb|tb|mb|go|%|gigs?))/g;

function extractIos(field: FieldText): OsVersionEntity | undefined {
  const text = field.norm.text;
  for (const re of [IOS_RE, BARE_VERSION_RE]) {
    re.lastIndex = 0;
    const m = re.exec(text);
    if (!m) continue;
    const major = parseInt(m[1], 10);
    if (major < 4 || major > 30) continue;
    const minor = m[2] ? parseInt(m[2], 10) : 0;
    const version = [m[1], m[2], m[3]].filter((p) => p !== undefined).join('.');
    const start = m.index + m[0].indexOf(m[1]);
    return { span: spanOf(field, re === IOS_RE ? m.index : start, m.index + m[0].length), version, major, minor };
  }
  return undefined;
}

// ---------- storage figures ----------

const SIZE = String.raw`(\d{1,4}(?:[.,]\d{1,2})?) ?(gb|tb|mb|go|gigs?|gigabytes?|terabytes?)(?![a-z])`;
const SIZE_RE = new RegExp(SIZE, 'g');
const USED_OF_TOTAL_RE = new RegExp(String.raw`(\d{1,4}(?:[.,]\d{1,2})?)(?: ?(gb|tb|mb|go))? (?:gb |tb )?(?:of|de|von|sur|out of)(?: the| my| your)? (?:total )?${SIZE}`, 'g');

function toGb(amount: string, unit: string): number {
  const value = parseFloat(amount.replace(',', '.'));
  if (unit.startsWith('t')) return value * 1024;
  if (unit === 'mb') return value / 1024;
  return value;
}

const AVAILABLE_AFTER = /^ ?(?:are |is )?(?:still )?(?:free|left|available|remaining|disponibles?|libres?|frei)\b/;
const USED_AFTER = /^ ?(?:are |is )?(?:used|in use|occupied|utilizados?|belegt)\b/;
const NEEDED_BEFORE = /(?:needs?|needed|requires?|required|wants?|size(?: shows| is| of)?|backup is|backup for this (?:phone|iphone|ipad) wants|is|says it needs) (?:about |around |like |nearly |almost )?$/;
const PLAN_AFTER = /^ ?(?:icloud\+? )?(?:storage )?(?:plan|tier|subscription|abo|tarif)\b/;
const PLAN_BEFORE = /(?:plan(?: of| with)?|icloud\+?|have(?: the)?|the free|only the free|pay for|paying for|upgraded to|plan is) $/;
const DEVICE_BEFORE = /(?:iphone|ipad)(?: (?:\d{1,2}|pro|max|plus|mini|air|se|xr|xs|x))* ?[(,]? ?$/;

/** A ticket states a handful of figures; beyond this many per kind the rest repeat them. */
export const MAX_ENTITIES_PER_KIND = 20;

function extractStorage(field: FieldText, out: StorageEntity[]): void {
  const text = field.norm.text;
  if (!/\d ?(?:gb|tb|mb|go|gig)/.test(text)) return;
  // "x of y" pairs first; single sizes inside them are skipped (both come in text order).
  const pairs: [number, number][] = [];
  for (const m of matchesOf(USED_OF_TOTAL_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const used = toGb(m[1], m[2] ?? m[4]);
    const total = toGb(m[3], m[4]);
    if (total > 0 && used <= total) {
      out.push({ span: spanOf(field, m.index, m.index + m[0].length), usedGb: used, totalGb: total });
      pairs.push([m.index, m.index + m[0].length]);
    }
  }
  let pair = 0;
  for (const m of matchesOf(SIZE_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    const start = m.index;
    const end = start + m[0].length;
    while (pair < pairs.length && pairs[pair][1] <= start) pair++;
    if (pair < pairs.length && pairs[pair][0] < end) continue;
    const before = text.slice(Math.max(0, start - 40), start);
    const after = text.slice(end, end + 30);
    if (DEVICE_BEFORE.test(before)) continue;
    const gb = toGb(m[1], m[2]);
    const span = spanOf(field, start, end);
    if (AVAILABLE_AFTER.test(after)) out.push({ span, availableGb: gb });
    else if (USED_AFTER.test(after)) out.push({ span, usedGb: gb });
    else if (NEEDED_BEFORE.test(before)) out.push({ span, neededGb: gb });
    else if (PLAN_AFTER.test(after) || PLAN_BEFORE.test(before)) out.push({ span, totalGb: gb });
  }
}

/** Combines storage figures into one picture: what is used, the plan size, what is free and what a backup needs. */
export function storageSummary(storage: readonly StorageEntity[]): {
  usedGb?: number;
  totalGb?: number;
  neededGb?: number;
  availableGb?: number;
} {
  const pick = (key: 'usedGb' | 'totalGb' | 'neededGb' | 'availableGb') => storage.find((s) => s[key] !== undefined)?.[key];
  const summary = { usedGb: pick('usedGb'), totalGb: pick('totalGb'), neededGb: pick('neededGb'), availableGb: pick('availableGb') };
  const pair = storage.find((s) => s.usedGb !== undefined && s.totalGb !== undefined);
  if (pair) {
    summary.usedGb = pair.usedGb;
    summary.totalGb = pair.totalGb;
  }
  if (summary.availableGb === undefined && summary.usedGb !== undefined && summary.totalGb !== undefined) {
    summary.availableGb = Math.max(0, summary.totalGb - summary.usedGb);
  }
  return summary;
}

// ---------- durations ----------

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  several: 3, few: 3, 'a few': 3, 'couple of': 2, 'a couple of': 2,
};
const UNIT_HOURS: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24, night: 10, week: 168, month: 720, year: 8760 };
const UNIT_RE = /(?:minute|min|hour|hr|day|night|week|month|year)s?\b/g;
const AMOUNT_BEFORE_RE = /\b(\d{1,3}(?:[.,]\d)?|a couple of|couple of|a few|several|few|an?|one|two|three|four|five|six|seven|eight|nine|ten) ?$/;
const SINCE_RE = /\bsince (yesterday|this morning|last (?:night|week|month|friday|monday|tuesday|wednesday|thursday|saturday|sunday)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|the (?:last )?update|then)\b/g;

function unitOf(word: string): DurationEntity['unit'] {
  if (word.startsWith('min')) return 'minute';
  if (word.startsWith('h')) return 'hour';
  if (word.startsWith('d')) return 'day';
  if (word.startsWith('n')) return 'night';
  if (word.startsWith('w')) return 'week';
  if (word.startsWith('mo')) return 'month';
  return 'year';
}

function extractDurations(field: FieldText, out: DurationEntity[]): void {
  const text = field.norm.text;
  // Units first (a cheap scan), then the amount just before each.
  for (const m of matchesOf(UNIT_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    if (m.index > 0 && isWordCharAt(text, m.index - 1)) continue;
    const amount = AMOUNT_BEFORE_RE.exec(text.slice(Math.max(0, m.index - 14), m.index));
    if (!amount) continue;
    const start = m.index - amount[0].length;
    const value = NUMBER_WORDS[amount[1]] ?? parseFloat(amount[1].replace(',', '.'));
    const unit = unitOf(m[0]);
    out.push({ span: spanOf(field, start, m.index + m[0].length), amount: value, unit, hours: value * UNIT_HOURS[unit] });
  }
  if (!text.includes('since ')) return;
  for (const m of matchesOf(SINCE_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    out.push({ span: spanOf(field, m.index, m.index + m[0].length), amount: 0, unit: 'since' });
  }
}

function isWordCharAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

// ---------- quoted messages ----------

const DOUBLE_QUOTED_RE = /"([^"\n]{3,200})"/g;
const SINGLE_QUOTED_RE = /(?:^|[\s(:,=-])'([^\n]{3,200}?)'(?![a-z0-9])/g;

function extractQuotes(field: FieldText, out: QuotedMessage[]): void {
  const text = field.norm.text;
  if (!text.includes('"') && !text.includes("'")) return;
  for (const re of [DOUBLE_QUOTED_RE, SINGLE_QUOTED_RE]) {
    for (const m of matchesOf(re, text)) {
      if (out.length >= MAX_ENTITIES_PER_KIND) return;
      const inner = m[1];
      const start = m.index + m[0].indexOf(inner);
      if (!/[a-z]/.test(inner)) continue;
      const span = spanOf(field, start, start + inner.length);
      out.push({ span, text: span.text });
    }
  }
}

export function extractEntities(fields: readonly FieldText[]): TicketEntities {
  const devices: DeviceEntity[] = [];
  const storage: StorageEntity[] = [];
  const durations: DurationEntity[] = [];
  const messages: QuotedMessage[] = [];
  let iosVersion: OsVersionEntity | undefined;
  for (const field of fields) {
    extractDevices(field, devices);
    iosVersion ??= extractIos(field);
    extractStorage(field, storage);
    extractDurations(field, durations);
    extractQuotes(field, messages);
  }
  // The customer's own device is usually the first one named; prefer one whose generation is known.
  const device = devices.find((d) => d.deviceClass !== null) ?? devices[0];
  return { device, devices, iosVersion, storage, durations, messages };
}
