/** iCloud storage figures in ticket text: used of total, needed vs available, plan size, free space. */
import { matchesOf, MAX_ENTITIES_PER_KIND, spanOf, type FieldText, type Span } from '../../engine';

export interface StorageEntity {
  readonly span: Span;
  readonly usedGb?: number;
  readonly totalGb?: number;
  readonly neededGb?: number;
  readonly availableGb?: number;
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
const CUE_BEFORE_RE = new RegExp(String.raw`\b(?:(${NEEDED_CUES})|(${AVAILABLE_CUES})|(${USED_CUES})|(${TOTAL_CUES}))${BEFORE_END}`);
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

export function extractStorage(field: FieldText, out: StorageEntity[]): void {
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
