/**
 * Hostile input for the engine: arbitrary Unicode, huge bodies, deeply nested HTML and
 * pathological repetitions never crash it, every span points at the customer's own
 * characters, results are deterministic, and cost grows no faster than the input.
 */
import fc from 'fast-check';
import { loadDefaultPack } from '../knowledge';
import type { FieldText } from './entities';
import { TicketEntities } from './plugin';
import { normalizeText, toOriginalRange, type NormalizedText } from './normalize';
import { TriageEngine } from './triage-engine';
import type { TriageInput, TriageResult } from './types';
import { growthRatio } from './testing/growth';

const pack = loadDefaultPack();
const engine = new TriageEngine(pack);

/** What the default pack's plugins extract, as plain JSON. */
function extractEntities(fields: readonly FieldText[]): Record<string, unknown> {
  const entities = new TicketEntities();
  for (const plugin of pack.plugins.bound) plugin.extractInto(fields, entities);
  return entities.toJSON();
}

// ---------- arbitraries ----------

const fromCode = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));

/** Pieces that reach the engine's special cases: HTML, entities, quotes, reply headers, pack words, odd code points. */
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  { weight: 2, arbitrary: fromCode(0, 31) }, // NUL and control characters
  { weight: 2, arbitrary: fromCode(0x300, 0x36f) }, // combining marks
  { weight: 2, arbitrary: fromCode(0x590, 0x6ff) }, // Hebrew and Arabic (RTL)
  { weight: 1, arbitrary: fc.constantFrom('\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2069') },
  { weight: 2, arbitrary: fromCode(0x10000, 0x10ffff) }, // astral characters
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }, // lone surrogates
  { weight: 1, arbitrary: fromCode(0x80, 0xffff).filter((c) => c < '\ud800' || c > '\udfff') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '<',
      '>',
      '&',
      ';',
      '&amp;',
      '&#x1F600;',
      '&#0;',
      '&#xD800;',
      '&bogus;',
      '<br>',
      '<p>',
      '</p>',
      '<div class="x">',
      '<blockquote>',
      '</blockquote>',
      '<script>',
      '</script>',
      '<style>',
      '<!--',
      '-->',
      '<a href="',
      '">',
      '"',
      "'",
      '\n',
      '\r\n',
      '\n\n',
      '> ',
      '\n> ',
      'On Mon, Jan 1, Ana wrote:\n',
      '\n-- \n',
      'Kind regards,\n',
      'Sent from my iPhone',
      '----- Original Message -----\n',
      'backup ',
      'icloud ',
      'not enough storage ',
      'iphone 13 pro ',
      'ipad air 4 ',
      'ios 17.2 ',
      '5 gb of 50 gb ',
      '200 gb ',
      'free ',
      '3 days ',
      'since yesterday ',
      'wifi is fine but ',
      'not ',
      'already restarted ',
      '"Backup failed" ',
      'ß',
      'İ',
      '…',
      '각',
      '\u00a0',
      '\u200b',
      '\ufeff',
    ),
  },
);

const hostileText = (maxPieces: number) => fc.array(piece, { maxLength: maxPieces }).map((parts) => parts.join(''));

/** A 64 KiB body: a hostile chunk repeated to 65,536 UTF-16 code units. */
const bigBody = fc.array(piece, { minLength: 1, maxLength: 40 }).map((parts) => {
  const chunk = parts.join('') || 'x';
  return chunk.repeat(Math.ceil(65_536 / chunk.length)).slice(0, 65_536);
});

// ---------- invariants ----------

function expectValidNormalization(original: string, norm: NormalizedText): void {
  let previous = 0;
  for (let i = 0; i < norm.text.length; i++) {
    const { start, end } = toOriginalRange(norm, i, i + 1);
    if (!(start >= previous && start <= end && end <= original.length)) {
      throw new Error(`character ${i} maps to [${start}, ${end}) (previous start ${previous}, original length ${original.length})`);
    }
    previous = start;
  }
}

function expectValidRange(original: string, start: number, end: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= original.length)) {
    throw new Error(`range [${start}, ${end}) outside the original text of length ${original.length}`);
  }
}

interface SpanLike {
  field: 'subject' | 'description';
  start: number;
  end: number;
  text: string;
}

/** Every object in a result that carries a span (symptoms, evidence, entities). */
function spansOf(value: unknown, out: SpanLike[] = []): SpanLike[] {
  if (Array.isArray(value)) for (const v of value) spansOf(v, out);
  else if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.start === 'number' && typeof o.end === 'number' && typeof o.text === 'string') out.push(o as unknown as SpanLike);
    for (const v of Object.values(o)) spansOf(v, out);
  }
  return out;
}

function expectValidSpans(input: TriageInput, spans: readonly SpanLike[]): void {
  for (const span of spans) {
    const original = span.field === 'subject' ? (input.subject ?? '') : input.description;
    expect(span.field === 'subject' || span.field === 'description').toBe(true);
    expectValidRange(original, span.start, span.end);
    if (original.slice(span.start, span.end) !== span.text) {
      throw new Error(`span [${span.start}, ${span.end}) of ${span.field} says ${JSON.stringify(span.text)}`);
    }
  }
}

function fieldsOf(input: TriageInput): FieldText[] {
  const fields: FieldText[] = [];
  if (input.subject) fields.push({ field: 'subject', original: input.subject, norm: normalizeText(input.subject) });
  fields.push({ field: 'description', original: input.description, norm: normalizeText(input.description) });
  return fields;
}

function expectSoundTriage(input: TriageInput, result: TriageResult): void {
  expect(typeof result.cause.id).toBe('string');
  expect(result.cause.confidence).toBeGreaterThanOrEqual(0);
  expect(result.cause.confidence).toBeLessThanOrEqual(1);
  expect(result.macro.id).toEqual(expect.any(String));
  expectValidSpans(input, spansOf(result));
}

// ---------- properties ----------

describe('engine on hostile input (properties)', () => {
  const runs = { numRuns: 150 };

  it('normalization maps every character back into the original, in order, and is deterministic', () => {
    fc.assert(
      fc.property(hostileText(80), fc.nat(), fc.nat(), (original, a, b) => {
        const norm = normalizeText(original);
        expectValidNormalization(original, norm);
        const length = norm.text.length;
        const [from, to] =
          a % (length + 1) <= b % (length + 1) ? [a % (length + 1), b % (length + 1)] : [b % (length + 1), a % (length + 1)];
        const range = toOriginalRange(norm, from, to);
        expectValidRange(original, range.start, range.end);
        // Shared scratch buffers: normalizing something else in between changes nothing.
        normalizeText(`${original}<p>&amp; other text\n> quoted`);
        const again = normalizeText(original);
        expect(again).toEqual(norm);
      }),
      runs,
    );
  });

  it('entity extractors return spans that slice the original text exactly', () => {
    fc.assert(
      fc.property(hostileText(20), hostileText(80), (subject, description) => {
        const input = { subject, description };
        const entities = extractEntities(fieldsOf(input));
        expectValidSpans(input, spansOf(entities));
        expect(JSON.stringify(extractEntities(fieldsOf(input)))).toBe(JSON.stringify(entities));
      }),
      runs,
    );
  });

  it('triage never throws, its spans slice the original text, and it is deterministic', () => {
    fc.assert(
      fc.property(hostileText(20), hostileText(80), (subject, description) => {
        const input = { subject, description };
        const first = engine.triage(input);
        expectSoundTriage(input, first);
        engine.triage({ subject: description, description: subject || 'x' });
        expect(engine.triage(input)).toEqual(first);
      }),
      runs,
    );
  });

  it('handles 64 KiB bodies', () => {
    fc.assert(
      fc.property(bigBody, (description) => {
        const input = { subject: description.slice(0, 1000), description };
        expectValidNormalization(description, normalizeText(description));
        expectSoundTriage(input, engine.triage(input));
      }),
      { numRuns: 8 },
    );
  });
});

// ---------- fixed hostile shapes ----------

const nested = (depth: number, open: string, close: string, inner: string) => open.repeat(depth) + inner + close.repeat(depth);

const HOSTILE: Record<string, string> = {
  'a x 65,536': 'a'.repeat(65_536),
  '"backup " x 10,000': 'backup '.repeat(10_000),
  '"<" x 60,000': '<'.repeat(60_000),
  '"&amp;" x 10,000': '&amp;'.repeat(10_000),
  '5,000 nested <div>': nested(5000, '<div>', '</div>', 'my iphone backup says not enough storage'),
  '5,000 nested <blockquote>': nested(5000, '<blockquote>', '</blockquote>', 'backup fails'),
  '10,000 unclosed tags': '<div><p><span class="a">'.repeat(3000) + 'backup failed on my iPhone 12',
  'unterminated tag opener': '<div' + ' class="x"'.repeat(6000),
  'unclosed <script>': '<script>' + 'backup '.repeat(5000),
  'unclosed comment': '<!--' + 'not enough storage '.repeat(3000),
  'huge attribute': `<a href="${'x'.repeat(60_000)}">backup is off</a>`,
  'quotes x 30,000': '"'.repeat(30_000) + "'".repeat(30_000),
  'quoted words': '"backup failed" '.repeat(4000),
  '"> " quote lines': '> backup failed again on my iphone\n'.repeat(1800),
  'reply headers': 'On Mon, Jan 1, 2026, Ana wrote:\n'.repeat(2000),
  'NUL bytes': '\u0000'.repeat(65_536),
  'lone surrogates': '\ud800\udc00\udfff\ud800'.repeat(16_000),
  'combining marks': 'e\u0301\u0302\u0303\u0304'.repeat(13_000),
  'RTL overrides': '\u202e\u05d0\u05d1 backup \u202c'.repeat(5000),
  'storage figures': '5 gb of 10 gb used, 3 gb free. '.repeat(2000),
};

describe('engine on fixed hostile shapes', () => {
  it.each(Object.entries(HOSTILE))('%s: no crash, valid spans, deterministic', (_name, description) => {
    const input = { subject: description.slice(0, 1000), description };
    expectValidNormalization(description, normalizeText(description));
    const first = engine.triage(input);
    expectSoundTriage(input, first);
    expect(engine.triage(input)).toEqual(first);
  });
});

// ---------- growth ----------

/** Each family builds a hostile description from a size; the service's limit is 65,536 characters. */
const FAMILIES: Record<string, (n: number) => string> = {
  'a x n': (n) => 'a'.repeat(n),
  '"backup " x n': (n) => 'backup '.repeat(n / 7),
  '"<" x n': (n) => '<'.repeat(n),
  '"&amp;" x n': (n) => '&amp;'.repeat(n / 5),
  'nested <div>': (n) => nested(n / 11, '<div>', '</div>', 'backup fails'),
  'unclosed tags': (n) => '<div><p>'.repeat(n / 8),
  'unterminated tag opener': (n) => '<a '.repeat(n / 3),
  '"\'" and \'"\' runs': (n) => '"'.repeat(n / 2) + "'".repeat(n / 2),
  '"> " quote lines': (n) => '> backup failed\n'.repeat(n / 16),
  'blank lines': (n) => 'backup\n\n'.repeat(n / 8),
  'pack phrases': (n) => 'not enough storage, wifi is fine, restarted twice. '.repeat(n / 51),
  'device names': (n) => 'iphone 13 pro max ipad air 4 '.repeat(n / 29),
  durations: (n) => 'for 3 days since yesterday '.repeat(n / 27),
  'storage figures': (n) => '5 gb free, 20 gb of 50 gb used, needs 9 gb. '.repeat(n / 45),
  '"&" without ";"': (n) => '&'.repeat(n),
  'numeric entities without ";"': (n) => '&#x1F600'.repeat(n / 8),
  '<style></style> pairs': (n) => '<style></style>'.repeat(n / 15),
  'comment openers': (n) => '<!--'.repeat(n / 4),
};

describe('engine cost grows no faster than the input', () => {
  const SMALL = 6_000;

  it.each(Object.entries(FAMILIES))('%s: ten times the input in under thirty times the time', (_name, build) => {
    const small = build(SMALL);
    const large = build(SMALL * 10);
    expect(large.length).toBeLessThanOrEqual(65_536);
    const ratio = growthRatio(
      () => engine.triage({ subject: '', description: small }),
      () => engine.triage({ subject: '', description: large }),
    );
    expect(ratio).toBeLessThan(30);
  });
});
