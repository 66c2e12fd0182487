import { foldForMatching, normalizeText, toOriginalRange } from './normalize';

/** The original text behind a normalized substring. */
function originalOf(original: string, needle: string): string {
  const norm = normalizeText(original);
  const at = norm.text.indexOf(needle);
  expect(at).toBeGreaterThanOrEqual(0);
  const range = toOriginalRange(norm, at, at + needle.length);
  return original.slice(range.start, range.end);
}

describe('normalizeText', () => {
  it('folds case, accents, Unicode quotes and dashes, and whitespace', () => {
    expect(normalizeText('Sauvegarde  iCloud :\t“Désactivée” – don’t   worry').text).toBe(
      'sauvegarde icloud : "desactivee" - don\'t worry',
    );
    expect(normalizeText('Nicht genügend Speicher, Straße').text).toBe('nicht genugend speicher, strasse');
  });

  it('keeps a blank line as a paragraph break and joins wrapped lines', () => {
    expect(normalizeText('first line\nwrapped\n\nnew paragraph').text).toBe('first line wrapped\nnew paragraph');
  });

  it('maps every normalized span back to the original characters', () => {
    const original = 'Hi,  my  iPhone says “NOT enough storage” – fix?';
    expect(originalOf(original, 'not enough storage')).toBe('NOT enough storage');
    expect(originalOf(original, 'my iphone says')).toBe('my  iPhone says');
  });

  it('maps expanded characters (ß -> ss) onto the one original character', () => {
    const original = 'Schöne Grüße aus der Straße';
    expect(originalOf(original, 'strasse')).toBe('Straße');
  });

  it('strips HTML tags and decodes entities, with offsets into the HTML source', () => {
    const html = '<div><p>Backup says &quot;Not enough storage&quot; &amp; fails</p><br><b>iPhone&nbsp;12</b></div>';
    const norm = normalizeText(html);
    expect(norm.text).toBe('backup says "not enough storage" & fails\niphone 12');
    expect(originalOf(html, '"not enough storage"')).toBe('&quot;Not enough storage&quot;');
    expect(originalOf(html, 'iphone 12')).toBe('iPhone&nbsp;12');
  });

  it('drops quoted earlier replies: "> " lines, <blockquote>, and everything after "On ... wrote:"', () => {
    const email = [
      'Still failing after the restart.',
      '> Please restart your phone and try again.',
      '',
      'On Mon, 3 Nov 2026 at 09:12, Support <help@example.com> wrote:',
      'Have you checked whether the Wi-Fi is weak?',
    ].join('\n');
    expect(normalizeText(email).text).toBe('still failing after the restart.');
    expect(normalizeText('<p>greyed out</p><blockquote>Is Screen Time on?</blockquote>').text).toBe('greyed out');
  });

  it('drops forwarded-message headers but keeps the forwarded text', () => {
    const email = [
      'FYI see below',
      '---------- Forwarded message ---------',
      'From: iCloud <noreply@example.com>',
      'Subject: Backup failed',
      '',
      'Your iPhone could not be backed up.',
    ].join('\n');
    expect(normalizeText(email).text).toBe('fyi see below\nyour iphone could not be backed up.');
  });

  it('drops signatures, closings with the name under them, "Sent from my iPhone" and legal disclaimers', () => {
    const email = [
      'Backup fails every night.',
      '',
      'Kind regards,',
      'Dana Whitfield',
      'Logistics Lead, Example Freight Ltd.',
      '',
      'Sent from my iPhone',
      '',
      'This email and any attachments are confidential and intended solely for the addressee. If you received this message in error, please delete it.',
    ].join('\n');
    expect(normalizeText(email).text).toBe('backup fails every night.');
    expect(normalizeText('Help please\n-- \nJo Bloggs\nwww.example.com').text).toBe('help please');
  });

  it('keeps a follow-up written after a closing and a separator', () => {
    const email = 'The backup stopped.\n\nThanks,\nTom\n---\nYou asked for the message: "Not enough storage".';
    expect(normalizeText(email).text).toBe('the backup stopped.\n--- you asked for the message: "not enough storage".');
  });

  it('gives the same text and offsets on the ASCII fast path as on the general path', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces = [
      'Backup',
      'FAILS',
      'wi-fi',
      ' ',
      '  ',
      '\n',
      '\n\n',
      '\t',
      '"quoted"',
      "it's",
      '42%',
      '> quoted line\n',
      'Thanks,\nSam\n',
      '---\n',
    ];
    for (let round = 0; round < 200; round++) {
      let text = '';
      for (let k = 0; k < 12; k++) text += pieces[Math.floor(rand() * pieces.length)];
      const fast = normalizeText(text);
      const general = normalizeText(`\u00e9\n\n${text}`);
      expect(fast.breaks).toBeDefined();
      expect(general.breaks).toBeUndefined();
      expect(general.text).toBe(fast.text === '' ? 'e' : `e\n${fast.text}`);
      for (let i = 0; i < fast.text.length; i++) {
        const a = toOriginalRange(fast, i, i + 1);
        const b = toOriginalRange(general, i + 2, i + 3);
        expect(a.start + 3).toBe(b.start);
        if (fast.text[i] !== ' ' && fast.text[i] !== '\n') expect(a.end + 3).toBe(b.end);
      }
    }
  });

  it('folds patterns the same way as text', () => {
    expect(foldForMatching('  Wi‑Fi ISN’T  Fine ')).toBe("wi-fi isn't fine");
  });
});

describe('normalizeText: HTML entities from the full HTML5 table', () => {
  it('decodes named entities beyond the common ones, with offsets covering each whole entity', () => {
    const html =
      '<p>&iexcl;Hola! El iPhone dice &laquo;Copia fallida&raquo;. &iquest;Por qu&eacute;? Espa&ntilde;a&nbsp;&mdash; it doesn&rsquo;t work</p>';
    const norm = normalizeText(html);
    expect(norm.text).toBe('hola! el iphone dice "copia fallida". por que? espana - it doesn\'t work');
    expect(originalOf(html, '"copia fallida"')).toBe('&laquo;Copia fallida&raquo;');
    expect(originalOf(html, 'por que')).toBe('Por qu&eacute;');
    expect(originalOf(html, 'espana')).toBe('Espa&ntilde;a');
    expect(originalOf(html, "doesn't")).toBe('doesn&rsquo;t');
  });

  it('decodes decimal and hexadecimal numeric entities and entities that stand for two characters', () => {
    expect(normalizeText('Sauvegarde d&#233;sactiv&#xE9;e').text).toBe('sauvegarde desactivee');
    expect(originalOf('Sauvegarde d&#233;sactiv&#xE9;e', 'desactivee')).toBe('d&#233;sactiv&#xE9;e');
    // &NotEqualTilde; is U+2242 followed by a combining stroke (dropped by folding); both map to the entity.
    expect(originalOf('a &NotEqualTilde; b', 'a')).toBe('a');
  });

  it('keeps an "&" that does not start an entity ending in ";"', () => {
    expect(normalizeText('AT&T and R&D &bogus; &amp fish &copy 2026').text).toBe('at&t and r&d &bogus; &amp fish &copy 2026');
  });
});

describe('normalizeText: invisible format characters', () => {
  it('drops them inside words, keeping the offsets of the characters around them', () => {
    const original = 'Not enough stor\u00ADage, back\u200Bup fa\u2060iled \u202Equickly\u202C on my\u180E iPhone\uFEFF';
    const norm = normalizeText(original);
    expect(norm.text).toBe('not enough storage, backup failed quickly on my iphone');
    expect(originalOf(original, 'storage')).toBe('stor\u00ADage');
    expect(originalOf(original, 'failed')).toBe('fa\u2060iled');
  });

  it('drops bidirectional marks and format characters outside the Basic Multilingual Plane', () => {
    expect(normalizeText('\u200Ewifi\u200F is \u{E0041}fine\u{E007F}').text).toBe('wifi is fine');
  });

  it('drops format characters that came from entities (&shy; &zwj; &lrm;)', () => {
    expect(normalizeText('back&shy;up fa&zwj;iled &lrm;').text).toBe('backup failed');
  });
});
