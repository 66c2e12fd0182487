/**
 * Generic entity extractors over normalized text that product plugins may use: durations ("3 hours",
 * "since Tuesday") and quoted on-screen messages. They name no product.
 */
import { MAX_ENTITIES_PER_KIND, spanOf, type FieldText } from './entities';
import { matchesOf } from './regex-matches';
import type { Span } from './types';

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

// ---------- durations ----------

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  several: 3,
  few: 3,
  'a few': 3,
  'couple of': 2,
  'a couple of': 2,
};
const UNIT_HOURS: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24, night: 10, week: 168, month: 720, year: 8760 };
const UNIT_RE = /(?:minute|min|hour|hr|day|night|week|month|year)s?\b/g;
const AMOUNT_BEFORE_RE =
  /\b(\d{1,3}(?:[.,]\d)?|a couple of|couple of|a few|several|few|an?|one|two|three|four|five|six|seven|eight|nine|ten) ?$/;
const SINCE_RE =
  /\bsince (yesterday|this morning|last (?:night|week|month|friday|monday|tuesday|wednesday|thursday|saturday|sunday)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|the (?:last )?update|then)\b/g;

function unitOf(word: string): DurationEntity['unit'] {
  if (word.startsWith('min')) return 'minute';
  if (word.startsWith('h')) return 'hour';
  if (word.startsWith('d')) return 'day';
  if (word.startsWith('n')) return 'night';
  if (word.startsWith('w')) return 'week';
  if (word.startsWith('mo')) return 'month';
  return 'year';
}

function isWordCharAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57);
}

/** Durations of one field, appended to `out` (at most MAX_ENTITIES_PER_KIND in all). */
export function extractDurations(field: FieldText, out: DurationEntity[]): void {
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

// ---------- quoted messages ----------

const DOUBLE_QUOTED_RE = /"([^"\n]{3,200})"/g;
const SINGLE_QUOTED_RE = /(?:^|[\s(:,=-])'([^\n]{3,200}?)'(?![a-z0-9])/g;

/** Quoted messages of one field, appended to `out` (at most MAX_ENTITIES_PER_KIND in all). */
export function extractQuotedMessages(field: FieldText, out: QuotedMessage[]): void {
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
