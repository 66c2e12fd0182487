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
//
// A figure is a number with a unit. What it stands for comes from the words around it, in English, Spanish,
// German, French and Portuguese (normalized text: lower case, no diacritics): a cue right after it ("free",
// "belegt", "libres", "plan"), else a cue right before it ("needs", "next backup", "il reste", "tengo",
// "mon forfait est de"), else a following "of which" figure ("200 GB, davon 140 frei") that makes it the total.
// "x of y" pairs ("4,8 GB von 5 GB") are read first. A device's own capacity ("my 128 GB iPhone",
// "iPhone 15 256GB", "Speicher des iPhones 128 GB") is skipped. Every pattern is tested on a short window
// next to the figure, so the cost follows the number of figures; none nests an open-ended repeat.

const NUM = String.raw`(\d{1,4}(?:[.,]\d{1,2})?)`;
/** French "To" and "Mo" are English words too ("from 5 to 50", "3 mo ago"): units only before French words or punctuation. */
const FRENCH_UNIT_FOLLOWS = String.raw`(?=$|[^a-z0-9 ]| (?:de|d'|dont|libres?|utilises?|occupes?|sur|et|pour|disponibles?|restants?|mais|ou|au|en|sont|est|seulement|gratuits?|ne|n'|il|je|j'|qui|dans)(?![a-z]))`;
const UNIT = String.raw`(gb|gib|gio|tb|tib|tio|mb|mib|mio|go|gigs?|gigas?|gigabytes?|terabytes?|megabytes?|megas?|(?:to|mo)${FRENCH_UNIT_FOLLOWS})(?![a-z])`;
/** Not the tail of a longer number ("1,024 GB" is not 24 GB). */
const NOT_AFTER_DIGITS = String.raw`(?<!\d)(?<!\d[.,])`;
const SIZE = String.raw`${NOT_AFTER_DIGITS}${NUM} ?${UNIT}`;
const SIZE_RE = new RegExp(SIZE, 'g');
const USED_OF_TOTAL_RE = new RegExp(
  String.raw`${NOT_AFTER_DIGITS}${NUM}(?: ?${UNIT})? (?:(?:gb|tb|go|to) )?(?:of|de|von|sur|out of)(?: the| my| your| mes| meinen| mis| meus| un total de| insgesamt)? (?:total )?${NUM} ?${UNIT}`,
  'g',
);
const HAS_SIZE_RE = /\d ?(?:[gtm][bo]|gi[gob]|[tm]i[ob]|tera|mega)/;

function toGb(amount: string, unit: string): number {
  const value = parseFloat(amount.replace(',', '.'));
  if (unit.startsWith('t')) return value * 1024;
  if (unit.startsWith('m')) return value / 1024;
  return value;
}

type Role = 'usedGb' | 'totalGb' | 'neededGb' | 'availableGb' | 'device';

/** Words that may stand between a cue and its figure: "needs about 7 GB", "ich habe nur 5 GB". */
const QUALIFIER = String.raw`(?: (?:about|around|roughly|approximately|approx\.?|like|nearly|almost|over|more than|at least|only|just|~|ca\.?|etwa|ungefahr|rund|fast|knapp|uber|mehr als|mindestens|nur|noch|environ|presque|plus de|au moins|seulement|unos|cerca de|casi|mas de|al menos|aproximadamente|solo|solamente|uns|quase|mais de|pelo menos|apenas|so))?`;
const BEFORE_END = String.raw`${QUALIFIER} ?[:=]? ?$`;

const NEEDED_CUES = [
  String.raw`needs?|needed|requires?|required|wants?|would need|will need|says it needs|size(?: shows| is| of)?`,
  String.raw`backup (?:is|would be|will be|needs|requires)|backup for this (?:phone|iphone|ipad) wants`,
  String.raw`next backup(?: size)?(?: is| will be| would be| of| needs| requires| shows| at)?|size of (?:the )?next backup(?: is)?`,
  String.raw`(?:tamano (?:del|de la) )?(?:proxim[ao]|siguiente) (?:copia(?: de seguridad)?|respaldo|backup)(?: (?:ocupa|pesa|es de|sera de|seria de|tiene|necesita|requiere|mide|de|es))?`,
  String.raw`(?:tamanho d[oa] )?proxim[oa] (?:backup|copia(?: de seguranca)?)(?: (?:tem|e de|sera de|ocupa|precisa de|vai ter|de|e))?`,
  String.raw`(?:taille de )?(?:la )?prochaine sauvegarde(?: (?:fait|est de|pese|sera de|occupe|necessite|demande|a besoin de|de|est))?`,
  String.raw`(?:grosse (?:des|der) )?nachste[nmrs]? (?:backups?|sicherung)(?: (?:ist|hat|braucht|wird|benotigt|ware|betragt|von))?`,
  String.raw`necesita(?:ria)?(?: unos)?|necesito|requiere|precisa(?: de)?|preciso de|braucht|benotigt|brauche|a besoin de|besoin de|necessite|il faut|requer`,
].join('|');
const AVAILABLE_CUES = [
  String.raw`il (?:me |ne me |ne |nous )?reste(?: que| plus que| encore)?|(?:me |ne me )?restent|(?:ne )?reste(?: que)?`,
  String.raw`(?:solo |ya solo |ya )?(?:me |nos )?quedan?|sobran|(?:me |so me )?restam?|sobram|nur noch|noch`,
  String.raw`(?:free|available|remaining) (?:space|storage)(?: is| of)?|available|remaining|left with`,
  String.raw`espace (?:libre|disponible)(?: est de| de)?|espacio (?:libre|disponible)(?: es de| de)?|espaco (?:livre|disponivel)(?: e de| de)?|freie[rn]? (?:speicher|speicherplatz|platz)(?: ist| von)?`,
].join('|');
const USED_CUES = String.raw`using|uses?|used|uso|usando|utilizo|utilizando|ocupo|ocupando|j'utilise|utilise|utilisant|j'occupe|nutze|belege|verbrauche`;
const TOTAL_CUES = [
  String.raw`(?:(?:storage|icloud\+?) )?plan(?: of| with| is)?|icloud\+?(?: storage)?(?: plan)?(?: of| is| has)?|(?:icloud )?storage is|the free|only the free|total(?: of| is)?`,
  String.raw`have(?: got)?(?: the| a)?|(?:i've |ive )?got(?: the| a)?|pay(?:ing)? for(?: the| a)?|paid for(?: the)?|upgraded to(?: the)?|subscribed to(?: the)?|bought(?: the)?|(?:we're|were|i'm|im|i am|we are) on(?: the)?`,
  String.raw`tengo(?: contratados?| un plan de| el plan de)?|tenemos|pago(?: por| el plan de)?|mi plan(?: es de| de| tiene)?|plan de`,
  String.raw`tenho(?: contratados?| o plano de| um plano de)?|temos|meu plano(?: e de| de| tem)?|plano(?: de)?|assinatura de`,
  String.raw`j'ai(?: un forfait de| le forfait)?|n'ai que|je pa(?:i|y)e(?: pour)?|(?:mon )?forfait(?: est de| de| fait)?|abonnement(?: de)?`,
  String.raw`(?:ich )?habe?|haben|mein (?:tarif|abo|plan|speicher|icloud)(?: hat| ist| mit| von)?|tarif(?: mit| von| hat)?|abo(?: mit| von| hat)?|zahle fur|insgesamt`,
].join('|');
/** A cue ending right before the figure; the leftmost (longest) one wins, so "my plan is" beats "is". */
const CUE_BEFORE_RE = new RegExp(
  String.raw`\b(?:(${NEEDED_CUES})|(${AVAILABLE_CUES})|(${USED_CUES})|(${TOTAL_CUES}))${BEFORE_END}`,
);
const BEFORE_ROLES: readonly Role[] = ['neededGb', 'availableGb', 'usedGb', 'totalGb'];

/** A cue right after the figure: "140 GB frei", "35 Go de libres", "4,8 GB belegt", "5 GB total", "the 2 TB plan". */
const DEVICE_WORDS = String.raw`(?:iphone|ipad|phone|handy|telephone|telefono|celular|telemovel)`;
const CUE_AFTER_RE = new RegExp(
  String.raw`^ ?(?:(?:are|is|sind|sont|son|sao|estan|estao|ist) )?(?:(?:still|noch|encore|todavia|ainda) )?(?:de )?` +
    // the device's own: "128 GB iPhone", "64 GB left on my phone", "128 GB Speicher auf dem iPhone"
    String.raw`(?:(${DEVICE_WORDS}|device|model|modele|modelo|version` +
    String.raw`|(?:(?:free|left|available|used|frei|libres?|livres?|belegt) )?(?:(?:of |de )?(?:storage|stockage|almacenamiento|armazenamento|speicher|speicherplatz|memory|space|espace|espacio|espaco) )?` +
    String.raw`(?:on|in|auf|sur|en|em|no|na|del|do|da|du|des|im|am|dans) (?:(?:my|the|dem|meinem|mon|mi|meu|l'|el|o|ma|mein|le|mio) )?${DEVICE_WORDS})` +
    String.raw`|(free(?! (?:tier|plan|account|version|icloud|storage|one))|left|available|remaining|spare|disponibles?|disponive(?:l|is)|libres?|livres?|frei|verfugbar|ubrig|restantes?|restants?)` +
    String.raw`|(used|in use|occupied|taken|utilizados?|usados?|ocupados?|utilises?|occupes?|belegt|genutzt|verwendet|benutzt|verbraucht|em uso|en uso|en utilisation)` +
    String.raw`|(needed|required|necesarios|necessarios|necessaires|benotigt|erforderlich|to back ?up)` +
    String.raw`|(total|en total|au total|insgesamt|free (?:tier|plan|account|version|icloud|storage|one)|icloud\+?(?: storage)?(?: plan)?|(?:icloud\+? )?(?:storage )?(?:plan|tier|subscription|abo|tarif|forfait|plano|abonnement)|(?:of |de )?(?:icloud )?(?:storage|stockage|almacenamiento|armazenamento|speicherplatz|speicher))` +
    // what the figure is made of: "50 GB of photos"
    String.raw`|((?:of |de |an |d')?(?:photos|videos|fotos|data|daten|donnees|datos|dados|music|musique|musica|apps|files|fichiers|archivos|arquivos|dateien|bilder)))(?![a-z])`,
);
const AFTER_ROLES: readonly (Role | 'content')[] = ['device', 'availableGb', 'usedGb', 'neededGb', 'totalGb', 'content'];

/** The device's own capacity: "iPhone 15 Pro 256 GB", "Speicher des iPhones 128 GB", "iPhone de 64 Go". */
const DEVICE_BEFORE_RE = new RegExp(
  String.raw`${DEVICE_WORDS}(?:'?s)?(?: (?:\d\d?|pro|max|plus|mini|air|se|xr|xs|x|e|storage|capacity|memory|speicher|stockage|capacite|capacidad|capacidade|almacenamiento|armazenamento|interno|has|with|mit|hat|tiene|tem|con|com|avec|de|da|do|du|del|von|a)){0,4} ?[(:-]? ?$`,
);
/** "iPhone 15 Pro, 256 GB": after a comma, only when nothing says the figure is about iCloud. */
const DEVICE_COMMA_BEFORE_RE = /(?:iphone|ipad)(?: (?:\d\d?|pro|max|plus|mini|air|se|xr|xs|x|e)){0,3} ?, ?$/;

/** "200 GB, davon 140 frei", "50 Go dont 35 libres", "5 GB y uso 4,9": the second figure may leave out its unit. */
const COMPANION_RE = new RegExp(
  String.raw`^,? ?(?:davon|wovon|dont|of which|de los cuales|dos quais|with|com|con|avec|mit|and|und|et|y|e)` +
    String.raw`(?: (?:sind|sont|son|are|sao|estan|estao|noch|encore|still|only|nur|solo|so|seulement|il reste|me quedan|quedan|restam))?` +
    String.raw`(?: (?:ja|ya|already|schon|deja))?(?: (uso|use|using|utilizo|j'utilise|utilise|nutze|belege|ocupo|usando))? ${NUM}(?: ?${UNIT})?`,
);

function roleOf(before: string, after: string): Role | undefined {
  if (DEVICE_BEFORE_RE.test(before)) return 'device';
  const a = CUE_AFTER_RE.exec(after);
  const afterRole = a ? AFTER_ROLES[a.slice(1, 7).findIndex((g) => g !== undefined)] : undefined;
  const b = CUE_BEFORE_RE.exec(before);
  const beforeRole = b ? BEFORE_ROLES[b.slice(1, 5).findIndex((g) => g !== undefined)] : undefined;
  if (afterRole === 'device' || afterRole === 'usedGb') return afterRole;
  if (afterRole !== 'availableGb' && afterRole !== 'neededGb' && DEVICE_COMMA_BEFORE_RE.test(before)) return 'device';
  if (beforeRole === 'neededGb') return beforeRole;
  // "50 GB of photos" is data, not a figure of the account, unless a cue says what it is.
  if (afterRole === 'content') return beforeRole === 'usedGb' ? beforeRole : undefined;
  if (afterRole === 'availableGb' || afterRole === 'neededGb') return afterRole;
  return beforeRole ?? afterRole;
}

/** A ticket states a handful of figures; beyond this many per kind the rest repeat them. */
export const MAX_ENTITIES_PER_KIND = 20;

/** The storage patterns, for the backtracking check in the tests. */
export const STORAGE_PATTERNS: readonly RegExp[] = [
  SIZE_RE,
  USED_OF_TOTAL_RE,
  CUE_BEFORE_RE,
  CUE_AFTER_RE,
  DEVICE_BEFORE_RE,
  DEVICE_COMMA_BEFORE_RE,
  COMPANION_RE,
];

function extractStorage(field: FieldText, out: StorageEntity[]): void {
  const text = field.norm.text;
  if (!HAS_SIZE_RE.test(text)) return;
  // "x of y" pairs first; single sizes inside them are skipped (both come in text order).
  const pairs: [number, number][] = [];
  for (const m of matchesOf(USED_OF_TOTAL_RE, text)) {
    if (out.length >= MAX_ENTITIES_PER_KIND) return;
    if (DEVICE_BEFORE_RE.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
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
    const after = text.slice(end, end + 40);
    let role = roleOf(text.slice(Math.max(0, start - 40), start), after);
    if (role === 'device') continue;
    const gb = toGb(m[1], m[2]);
    const span = spanOf(field, start, end);
    // The figure before "davon 140 frei" is the total; a companion without a unit takes this one's.
    let companion: StorageEntity | undefined;
    const c = role === undefined || role === 'totalGb' ? COMPANION_RE.exec(after) : null;
    if (c) {
      const cEnd = end + c[0].length;
      const cRole = c[1] ? 'usedGb' : roleOf('', text.slice(cEnd, cEnd + 30));
      if (cRole === 'usedGb' || cRole === 'availableGb') {
        role = 'totalGb';
        if (c[3] === undefined) {
          const cStart = cEnd - c[2].length;
          companion = { span: spanOf(field, cStart, cEnd), [cRole]: toGb(c[2], m[2]) };
        }
      }
    }
    if (role !== undefined) out.push({ span, [role]: gb });
    if (companion && out.length < MAX_ENTITIES_PER_KIND) out.push(companion);
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
