/**
 * Language of the customer's own words: ISO 639-1 code and a confidence, from short lists of function
 * words and a few spelling cues. Deterministic, one pass over the text, no regex backtracking.
 *
 * Input: the customer's words. Either the normalized text (`NormalizedText.text`: quoted replies,
 * signatures and agent lines already gone, diacritics folded) or the original field text works; the
 * original also lets the diacritic cues count (ñ ¿ ¡ for Spanish, ß ä ö ü for German, ç ã õ for
 * Portuguese and French, è ê à for French), which helps short texts. For both fields and the original
 * characters of the customer's words only, see `customerOriginalText` in `normalize.ts`.
 *
 * - Text in quotes ('...', "...", “...”, „...“, «...»: on-screen messages) does not count.
 * - Mixed text: the language with the most evidence wins (the majority of the customer's words).
 * - Under 20 letters outside quotes, or no evidence at all: `{ code: 'en', confidence: 0 }`.
 * - Languages: en, es, de, fr, pt, it, nl. Ties go to the earlier one in that order.
 */
import type { DetectedLanguage } from './types';

const LANGUAGES = ['en', 'es', 'de', 'fr', 'pt', 'it', 'nl'] as const;
type Language = (typeof LANGUAGES)[number];
const INDEX: Record<Language, number> = { en: 0, es: 1, de: 2, fr: 3, pt: 4, it: 5, nl: 6 };

/** Function words and a few everyday words of each language (folded: lower case, no diacritics). */
const WORDS: Record<Language, string> = {
  en:
    'the and is are was were it its to of my i you your this that with for on have has had not but be been at what when from just ' +
    'does doesnt dont didnt cant wont isnt im ive there they we me so if or any how after because still also an all get got only now ' +
    'keeps since again every please thanks thank help would could should will which then than about into out up tried says said ' +
    'hello hi nothing anything something even though',
  es:
    'el la los las y en un una es por con no se mi lo del al para pero esta estan como mas muy hay tengo puedo hace desde cuando ' +
    'porque ya todo nada tambien hola gracias copia seguridad ajustes almacenamiento sale pone dice funciona sigue nunca siempre ' +
    'ahora ayer mis tiene tienen ni le me si sin sobre hasta donde eso esto usted',
  de:
    'der die das und ist nicht ich ein eine einen mit auf den dem sich auch mein meine meinem wird wurde kann habe hat aber noch nur ' +
    'schon wenn dass bei seit immer kein keine zu von im ja nein bitte danke hallo geht funktioniert einstellungen speicher sicherung ' +
    'mir mich es gibt wieder jetzt oder wie was wo sind war hatte haben nichts heute gestern nach fur uber unter ohne',
  fr:
    'le la les de des du un une et est je il pas ne que qui pour dans sur avec mon ma mes ce cette ca mais plus ai suis sont fait tout ' +
    'bonjour merci sauvegarde reglages stockage depuis toujours jamais rien aussi au aux en y elle nous vous on fonctionne marche ' +
    'encore quand comme leur deja peux peut veux',
  pt:
    'o a os as de do da dos das e um uma que nao com para no na nos em meu minha mas esta tem tenho ja ainda sempre nunca tambem ' +
    'obrigado obrigada ola voce isso isto faz fica armazenamento ajustes copia seguranca funciona aparece diz ao pelo pela quando ' +
    'ele ela eu se sem mais muito nada hoje ontem agora',
  it:
    'il lo la di che e non un una per con mi ho sono ma anche della del nel questo quando sempre ancora grazie ciao impostazioni ' +
    'archiviazione gli le si ha funziona piu mio mia',
  nl:
    'de het een en is niet ik van dat die met op voor maar mijn ook nog wel geen heb kan bij naar hallo bedankt instellingen opslag ' +
    'er wordt werkt al zijn was',
};

/** FNV-1a hash of a folded word, as the scan below computes it letter by letter. */
function hashWord(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

/**
 * Word hash -> per-language weights (a word of k languages gives each 1/k), in an open-addressing table
 * so that the scan allocates no strings. Two different words sharing a 32-bit hash would only blur the
 * evidence a little; the lists are small.
 */
const TABLE_SIZE = 4096;
const tableKeys = new Int32Array(TABLE_SIZE);
const tableUsed = new Uint8Array(TABLE_SIZE);
const tableWeights: Float64Array[] = new Array<Float64Array>(TABLE_SIZE);

function slotOf(hash: number): number {
  let slot = (hash >>> 0) & (TABLE_SIZE - 1);
  while (tableUsed[slot] && tableKeys[slot] !== hash) slot = (slot + 1) & (TABLE_SIZE - 1);
  return slot;
}

for (const lang of LANGUAGES) {
  for (const word of WORDS[lang].split(' ')) {
    if (!word) continue;
    const slot = slotOf(hashWord(word));
    if (!tableUsed[slot]) {
      tableUsed[slot] = 1;
      tableKeys[slot] = hashWord(word);
      tableWeights[slot] = new Float64Array(LANGUAGES.length);
    }
    tableWeights[slot][INDEX[lang]] = 1;
  }
}
for (let slot = 0; slot < TABLE_SIZE; slot++) {
  const weights = tableWeights[slot];
  if (!weights) continue;
  const k = weights.reduce((x, y) => x + y, 0);
  for (let i = 0; i < weights.length; i++) weights[i] /= k;
}

/** French elisions before an apostrophe: l'iphone, d'espace, j'ai, qu'il, n'est, c'est, m'a. */
const FRENCH_ELISIONS = new Set(['l', 'd', 'j', 'qu', 'n', 'c', 'm', 's'].map(hashWord));

/** Characters that point to languages (weight per occurrence), seen only in original (unfolded) text. */
const CHAR_CUES = new Map<number, Array<[Language, number]>>([
  [0xf1, [['es', 1]]], // ñ
  [0xdf, [['de', 1.5]]], // ß
  [0xe4, [['de', 1]]], // ä
  [0xf6, [['de', 1]]], // ö
  [0xfc, [['de', 0.8]]], // ü
  [
    0xe7,
    [
      ['fr', 0.5],
      ['pt', 0.5],
    ],
  ], // ç
  [0xe3, [['pt', 1.5]]], // ã
  [0xf5, [['pt', 1.5]]], // õ
  [
    0xe8,
    [
      ['fr', 0.8],
      ['it', 0.4],
    ],
  ], // è
  [
    0xea,
    [
      ['fr', 0.6],
      ['pt', 0.4],
    ],
  ], // ê
  [
    0xe0,
    [
      ['fr', 0.6],
      ['pt', 0.2],
      ['it', 0.2],
    ],
  ], // à
  [
    0xe9,
    [
      ['fr', 0.4],
      ['es', 0.2],
      ['pt', 0.2],
    ],
  ], // é
  [
    0xf4,
    [
      ['fr', 0.4],
      ['pt', 0.4],
    ],
  ], // ô
  [
    0xe2,
    [
      ['fr', 0.4],
      ['pt', 0.4],
    ],
  ], // â
  [0xee, [['fr', 0.6]]], // î
  [0xfb, [['fr', 0.6]]], // û
  [
    0xeb,
    [
      ['fr', 0.3],
      ['nl', 0.3],
    ],
  ], // ë
  [0xf2, [['it', 0.8]]], // ò
  [0xec, [['it', 0.8]]], // ì
  [
    0xf9,
    [
      ['it', 0.5],
      ['fr', 0.3],
    ],
  ], // ù
  [
    0xe1,
    [
      ['es', 0.5],
      ['pt', 0.5],
    ],
  ], // á
  [
    0xed,
    [
      ['es', 0.5],
      ['pt', 0.3],
      ['it', 0.2],
    ],
  ], // í
  [
    0xf3,
    [
      ['es', 0.6],
      ['pt', 0.4],
    ],
  ], // ó
  [
    0xfa,
    [
      ['es', 0.6],
      ['pt', 0.4],
    ],
  ], // ú
]);

const MIN_LETTERS = 20;
/** A quote longer than this, or one crossing a line, is not a quote (a stray mark or an inch sign). */
const MAX_QUOTE = 200;

const UNKNOWN: DetectedLanguage = Object.freeze({ code: 'en', confidence: 0 });

const isLetterAt = (text: string, i: number) => {
  const c = text.charCodeAt(i);
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && FOLD[c] !== undefined && FOLD[c] !== 0) || (c >= 0x300 && c <= 0x36f)
  );
};

/**
 * Folding of Latin letters U+00C0-U+024F: the lower-case base letter's code (é -> e), -1 for ß (ss);
 * 0 for what is not a letter (× ÷). Built once from Unicode decomposition.
 */
const FOLD: Int32Array = (() => {
  const fold = new Int32Array(0x250);
  for (let c = 0xc0; c < 0x250; c++) {
    if (c === 0xd7 || c === 0xf7) continue;
    if (c === 0xdf) {
      fold[c] = -1;
      continue;
    }
    const base = String.fromCharCode(c)
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    const code = base.charCodeAt(0);
    fold[c] = base.length === 1 && code >= 97 && code <= 122 ? code : 0;
  }
  return fold;
})();

/** Where the quote opened at `at` closes (the closing mark's offset), or -1 when it is not a quote. */
function quoteEnd(text: string, at: number): number {
  const open = text.charCodeAt(at);
  const limit = Math.min(text.length, at + MAX_QUOTE);
  if (open === 39 || open === 0x2018) {
    // A single quote opens only before a letter and after a non-letter; it closes before a non-letter.
    if (at > 0 && isLetterAt(text, at - 1)) return -1;
    if (!isLetterAt(text, at + 1)) return -1;
    for (let k = at + 2; k < limit; k++) {
      const c = text.charCodeAt(k);
      if (c === 10) return -1;
      if ((c === 39 || c === 0x2019) && !isLetterAt(text, k + 1)) return k;
    }
    return -1;
  }
  for (let k = at + 1; k < limit; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) return -1;
    if (open === 0xab ? c === 0xbb : c === 34 || c === 0x201c || c === 0x201d) return k;
  }
  return -1;
}

/** ISO 639-1 code of the customer's own words (see the module comment for what to pass). */
export function detectLanguage(text: string): DetectedLanguage {
  const scores = new Float64Array(LANGUAGES.length);
  let letters = 0;
  let hash = FNV_OFFSET;
  let wordLength = 0; // letters in the current word (0: between words)
  const endWord = () => {
    const slot = slotOf(hash);
    if (tableUsed[slot]) {
      const weights = tableWeights[slot];
      for (let k = 0; k < weights.length; k++) scores[k] += weights[k];
    }
    hash = FNV_OFFSET;
    wordLength = 0;
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 128) {
      if (c >= 65 && c <= 90) c += 32;
      if (c >= 97 && c <= 122) {
        hash = Math.imul(hash ^ c, FNV_PRIME);
        wordLength++;
        letters++;
        continue;
      }
    } else if (c < 0x250 && c >= 0xc0 && FOLD[c] !== 0) {
      const cues = CHAR_CUES.get(c >= 0xc0 && c <= 0xde ? c + 32 : c);
      if (cues) for (const [lang, weight] of cues) scores[INDEX[lang]] += weight;
      if (FOLD[c] < 0) {
        hash = Math.imul(Math.imul(hash ^ 115, FNV_PRIME) ^ 115, FNV_PRIME); // ß -> ss
      } else hash = Math.imul(hash ^ FOLD[c], FNV_PRIME);
      wordLength++;
      letters++;
      continue;
    } else if (c >= 0x300 && c <= 0x36f) {
      if (wordLength > 0) continue; // a combining accent of a decomposed letter
    } else if (c === 0xbf || c === 0xa1) {
      scores[INDEX.es] += 1.5; // ¿ ¡
    }
    if (wordLength > 0) {
      // An apostrophe inside a word: a French elision (l'iphone, c'est) ends it; "don't" reads as "dont".
      if ((c === 39 || c === 0x2019) && isLetterAt(text, i + 1)) {
        if (wordLength <= 2 && FRENCH_ELISIONS.has(hash)) {
          scores[INDEX.fr] += 1;
          hash = FNV_OFFSET;
          wordLength = 0;
        }
        continue;
      }
      endWord();
    }
    if (c === 34 || c === 39 || c === 0x2018 || c === 0x201c || c === 0x201e || c === 0xab) {
      const end = quoteEnd(text, i);
      if (end > i) i = end;
    }
  }
  if (wordLength > 0) endWord();
  if (letters < MIN_LETTERS) return UNKNOWN;
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  let second = -1;
  for (let i = 0; i < scores.length; i++) if (i !== best && (second < 0 || scores[i] > scores[second])) second = i;
  if (scores[best] <= 0) return UNKNOWN;
  // The winner's share against the runner-up, discounted when there is little evidence (a few function words).
  const share = scores[best] / (scores[best] + scores[second]);
  const amount = 1 - Math.exp(-scores[best] / 4);
  return { code: LANGUAGES[best], confidence: Math.round(share * amount * 100) / 100 };
}
