import fc from 'fast-check';
import { detectLanguage } from './language';
import { customerOriginalText, normalizeText } from './normalize';

const code = (text: string) => detectLanguage(text).code;

describe('detectLanguage', () => {
  it.each([
    ['en', 'My iPad stopped making backups after I moved to the new flat, and I have no idea why it keeps failing.'],
    ['es', 'Hola, mi teléfono no hace la copia desde el lunes y ya no sé qué más probar. ¿Alguien me puede ayudar?'],
    ['de', 'Seit dem Umzug macht mein iPad keine Sicherung mehr, obwohl es jede Nacht am Strom hängt. Was kann ich tun?'],
    ['fr', 'Depuis la semaine dernière, mon téléphone ne fait plus de sauvegarde et je ne comprends pas pourquoi ça bloque.'],
    ['pt', 'Olá, o meu telemóvel não faz a cópia há uma semana e já tentei de tudo, mas continua a falhar todas as noites.'],
    ['it', 'Buongiorno, il mio iPhone non fa il backup da una settimana e non so più cosa fare, anche se è sempre in carica.'],
    ['nl', 'Hallo, mijn iPhone maakt al een week geen back-up meer en ik weet niet wat ik nog kan proberen, hij ligt wel aan de lader.'],
  ])('%s', (expected, text) => {
    const result = detectLanguage(text);
    expect(result.code).toBe(expected);
    expect(result.confidence).toBeGreaterThan(0.5);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('works on normalized (folded) text too', () => {
    expect(code(normalizeText('Seit dem Umzug macht mein iPad keine Sicherung mehr, obwohl es jede Nacht am Strom hängt.').text)).toBe(
      'de',
    );
    expect(code(normalizeText('Depuis lundi mon téléphone ne fait plus de sauvegarde, je ne sais pas pourquoi.').text)).toBe('fr');
    expect(code(normalizeText('O meu telemóvel não faz a cópia de segurança há uma semana, já não sei o que fazer.').text)).toBe('pt');
  });

  it('under 20 letters answers en with confidence 0', () => {
    expect(detectLanguage('')).toEqual({ code: 'en', confidence: 0 });
    expect(detectLanguage('¡Hola! ¿Qué tal?')).toEqual({ code: 'en', confidence: 0 });
    expect(detectLanguage('iCloud 5 GB 12:30 !!!')).toEqual({ code: 'en', confidence: 0 });
  });

  it('answers en with confidence 0 when nothing points to a language', () => {
    expect(detectLanguage('iPhone iCloud backup Wi-Fi 5G iOS 17.4 WLAN')).toEqual({ code: 'en', confidence: 0 });
  });

  it('leaves out quoted on-screen text', () => {
    const english =
      'My phone shows "No se ha podido realizar la copia de seguridad porque no hay espacio" and it has been like that for days.';
    expect(code(english)).toBe('en');
    expect(code("Mein iPhone zeigt immer 'The last backup could not be completed because there is not enough space' an, seit Tagen.")).toBe(
      'de',
    );
    expect(code('Mon iPad affiche « The backup could not be completed and it will not be tried again » depuis hier soir.')).toBe('fr');
  });

  it('gives mixed text to the language of most of its words', () => {
    expect(code('Bonjour, sorry for my English. My phone has not been saved for two weeks and I do not know what I should do now.')).toBe(
      'en',
    );
    expect(code('Hi! Mi teléfono no hace la copia de seguridad desde hace una semana y no sé por qué, ya lo reinicié dos veces.')).toBe(
      'es',
    );
  });

  it('is more confident with more text', () => {
    const short = detectLanguage('La copia no se hace desde el lunes');
    const long = detectLanguage(
      'La copia no se hace desde el lunes. Ya reinicié el teléfono y el wifi funciona bien, pero sigue igual y no sé qué hacer.',
    );
    expect(short.code).toBe('es');
    expect(long.code).toBe('es');
    expect(long.confidence).toBeGreaterThan(short.confidence);
  });

  it('is deterministic and linear on long and hostile input', () => {
    const text = 'Das Backup schlägt fehl, obwohl das iPad am Strom ist. '.repeat(1000);
    expect(detectLanguage(text)).toEqual(detectLanguage(text));
    const started = Date.now();
    for (const hostile of ["'a ".repeat(20_000), '"'.repeat(60_000), " 'ab".repeat(15_000), '«'.repeat(60_000), 'ß'.repeat(60_000)]) {
      const result = detectLanguage(hostile);
      expect(result.confidence).toBeGreaterThanOrEqual(0);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reads the customer's original characters through customerOriginalText", () => {
    const original =
      '<p>Hola, la copia de seguridad falla desde el lunes.</p>\n> On Monday you wrote: please restart the phone and try again\n\n&iquest;Qu&eacute; hago?';
    const norm = normalizeText(original);
    const text = customerOriginalText(norm, original);
    // ¿ and ¡ fold into the whitespace before a sentence, so they are not kept; letters keep their accents.
    expect(text).toBe('Hola, la copia de seguridad falla desde el lunes.\nQué hago?');
    expect(code(text)).toBe('es');
    // ASCII text without markup is its own normalized text.
    const plain = 'The backup fails every night';
    expect(customerOriginalText(normalizeText(plain), plain)).toBe('the backup fails every night');
  });
});

describe('detectLanguage on arbitrary input', () => {
  it('never throws, answers a known code and a confidence in [0, 1], for original and normalized text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const input of [text, normalizeText(text).text, customerOriginalText(normalizeText(text), text)]) {
          const result = detectLanguage(input);
          expect(['en', 'es', 'de', 'fr', 'pt', 'it', 'nl']).toContain(result.code);
          expect(result.confidence).toBeGreaterThanOrEqual(0);
          expect(result.confidence).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
