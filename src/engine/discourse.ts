/**
 * Discourse structure of a ticket: what the customer revised later, what other people said, and which of
 * an agent's yes/no questions the customer answered. Normalization (`normalize.ts`) uses these to fill
 * the optional discourse fields of `NormalizedText`; everything here is linear in the text and
 * uses only bounded regular expressions.
 */

// ---------- chat turns ----------

export type SpeakerRole = 'agent' | 'customer' | 'other';

export interface Speaker {
  readonly role: SpeakerRole;
  /** Offset in the line where the speaker's words begin (after the label and its colon). */
  readonly bodyStart: number;
}

/**
 * A speaker label at the start of a transcript line: an optional timestamp (`[10:32]`, `10:32 -`), a
 * label of at most 40 characters, and a colon: `Agent:`, `Agent (Nick):`, `[10:32] Agent Maria:`,
 * `Customer (Ella):`, `Kunde:`.
 */
const SPEAKER_LABEL =
  /^[ \t]*(?:\[[^\]\n]{1,24}\][ \t]*|\(?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?[ \t]*(?:[AaPp]\.?[Mm]\.?)?\)?[ \t]*-?[ \t]*)?([^\s:()[\]][^:\n]{0,40}?)[ \t]*:(?=\s|$)/;

const AGENT_ROLES = new Set([
  'agent',
  'support',
  'rep',
  'representative',
  'advisor',
  'adviser',
  'specialist',
  'technician',
  'tech',
  'agente',
  'soporte',
  'asesor',
  'asesora',
  'mitarbeiter',
  'mitarbeiterin',
  'berater',
  'beraterin',
  'conseiller',
  'conseillere',
  'assistance',
  'atendente',
  'suporte',
  'operator',
  'operador',
  'operadora',
]);
const CUSTOMER_ROLES = new Set([
  'customer',
  'client',
  'cliente',
  'kunde',
  'kundin',
  'user',
  'caller',
  'me',
  'usuario',
  'usuaria',
  'utilisateur',
  'utilisatrice',
  'utilizador',
]);
/** Label words that stand before the role: "Apple Support", "Chat agent". */
const ROLE_PREFIXES = new Set(['apple', 'chat', 'live', 'senior']);

function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** A name after a role word: "(Nick)", "Maria", "Team"; at most three of them. */
function isNameTail(words: readonly string[]): boolean {
  if (words.length > 3) return false;
  return words.every((w) => /^\(.{1,30}\)$/.test(w) || /^\p{Lu}/u.test(w) || w === 'team' || w === '-');
}

/** The speaker of a transcript line, or null when the line does not start with a speaker label. */
export function speakerOf(line: string): Speaker | null {
  const m = SPEAKER_LABEL.exec(line);
  if (!m) return null;
  const label = m[1].trim();
  const words = label.split(/\s+/);
  let first = 0;
  if (words.length > 1 && ROLE_PREFIXES.has(fold(words[0]))) first = 1;
  const role = fold(words[first]);
  const tail = words.slice(first + 1);
  let speaker: SpeakerRole | null = null;
  if (AGENT_ROLES.has(role) && isNameTail(tail)) speaker = 'agent';
  else if (CUSTOMER_ROLES.has(role) && isNameTail(tail)) speaker = 'customer';
  else if (words.length <= 3 && isNameTail(words)) speaker = 'other';
  return speaker === null ? null : { role: speaker, bodyStart: m[0].length };
}

/** First words of questions that are not yes/no questions (what, where, ...) in en, es, de, fr, pt. */
const OPEN_QUESTION_WORDS = new Set([
  'what',
  'where',
  'when',
  'why',
  'how',
  'which',
  'who',
  'whose',
  'whom',
  "what's",
  "where's",
  "how's",
  'que',
  'donde',
  'cuando',
  'como',
  'cual',
  'cuales',
  'cuanto',
  'cuanta',
  'cuantos',
  'cuantas',
  'quien',
  'was',
  'wo',
  'wann',
  'warum',
  'wieso',
  'weshalb',
  'wie',
  'welche',
  'welcher',
  'welches',
  'wer',
  'woher',
  'wohin',
  'quoi',
  'ou',
  'quand',
  'comment',
  'quel',
  'quelle',
  'quels',
  'quelles',
  'qui',
  'pourquoi',
  'combien',
  "qu'est-ce",
  'onde',
  'qual',
  'quais',
  'quem',
  'quanto',
  'quanta',
]);
/** Two-word openings of open questions: es/pt "por qué", "o que", fr "est-ce que" is yes/no and not listed. */
const OPEN_QUESTION_PAIRS = new Set(['por que', 'o que', 'por quoi', 'para que']);
/** Openings of requests phrased as questions: "Could you restart it?", "Können Sie ...?". */
const REQUEST_OPENINGS = [
  'could you',
  'can you',
  'would you',
  'will you',
  'please',
  'let',
  "let's",
  'shall we',
  'may i',
  'could i',
  'can i',
  'would it',
  'puede',
  'puedes',
  'podria',
  'podrias',
  'podemos',
  'konnen sie',
  'konnten sie',
  'kannst du',
  'konntest du',
  'bitte',
  'pouvez-vous',
  'pourriez-vous',
  'peux-tu',
  'pourrais-tu',
  'pode',
  'podes',
  'poderia',
  'podemos',
];
/** Negations inside a question make a bare "no" ambiguous ("Isn't it charging?" "No."). */
const QUESTION_NEGATIONS = new Set(['not', 'never', 'nicht', 'kein', 'keine', 'keinen', 'pas', 'ne', 'nao', 'nunca', 'jamais']);
/** Alternatives make a yes/no answer ambiguous ("Is it on Wi-Fi or cellular?"). */
const ALTERNATIVES = new Set(['or', 'oder', 'ou']);

/**
 * The agent's closing yes/no question in an agent turn's words: [start, end) offsets in `body`, or null
 * when the turn does not end with one (open questions, requests such as "Could you restart it?",
 * questions with a negation or alternatives).
 */
export function closingYesNoQuestion(body: string): [number, number] | null {
  let end = body.length;
  while (end > 0 && /\s/.test(body[end - 1])) end--;
  if (end === 0 || body[end - 1] !== '?') return null;
  let start = end - 1;
  while (start > 0) {
    const c = body[start - 1];
    if (c === '¿') {
      start--;
      break;
    }
    if ((c === '.' || c === '!' || c === '?' || c === ':') && start < end - 1 && /\s/.test(body[start])) break;
    start--;
  }
  while (start < end && /\s/.test(body[start])) start++;
  const words = fold(body.slice(start, end)).match(/[a-z]+(?:['-][a-z]+)*/g);
  if (!words || words.length < 2) return null;
  if (OPEN_QUESTION_WORDS.has(words[0])) return null;
  const opening = `${words[0]} ${words[1]}`;
  if (OPEN_QUESTION_PAIRS.has(opening)) return null;
  if (REQUEST_OPENINGS.some((r) => opening === r || words[0] === r)) return null;
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    // "no" only as the first word ("¿No tiene wifi?"): elsewhere it is also Portuguese "in the" ("espaço no iCloud").
    if (QUESTION_NEGATIONS.has(w) || w.endsWith("n't") || (w === 'no' && k === 0)) return null;
    if (ALTERNATIVES.has(w) && !(words[k + 1] === 'not' || words[k + 1] === 'nicht' || words[k + 1] === 'pas' || words[k + 1] === 'nao'))
      return null;
  }
  return [start, end];
}

const YES_WORDS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'yea',
  'ya',
  'sure',
  'correct',
  'affirmative',
  'ja',
  'jep',
  'jawohl',
  'genau',
  'oui',
  'ouais',
  'sim',
  'claro',
]);
const NO_WORDS = new Set(['no', 'nope', 'nah', 'nein', 'nee', 'non', 'nao']);
/** Words that may follow a bare "no"/"si" in an answer; otherwise "no storage left" is a statement, not an answer. */
const ANSWER_CONTINUATIONS = new Set([
  'only',
  'just',
  'not',
  'never',
  'i',
  "i'm",
  'im',
  'it',
  "it's",
  'its',
  'we',
  'the',
  'my',
  'that',
  'because',
  'cos',
  'sadly',
  'unfortunately',
  'always',
  'still',
  'both',
  'all',
  'definitely',
  'mostly',
  'usually',
  'of',
  'thats',
  "that's",
  'sir',
  'madam',
  'solo',
  'solamente',
  'nur',
  'seulement',
  'so',
  'apenas',
  'nunca',
  'nie',
  'jamais',
]);
/** "no idea", "no se": not answers. */
const NOT_ANSWERS = new Set(['idea', 'clue', 'se', 'lo', 'sais', 'sei', 'weiss', 'sure']);

/** The polarity of a customer's answer (the words after any speaker label): "yes", "no" or null. */
export function answerPolarity(body: string): 'yes' | 'no' | null {
  const m = /^\s*([\p{L}']{1,12})([\s\S]{0,24})/u.exec(body);
  if (!m) return null;
  const raw = m[1].toLowerCase();
  const word = fold(raw);
  const rest = m[2];
  const afterPunct = rest === '' || /^[\s]*$/.test(rest) || /^[,.!;:—–-]/.test(rest);
  const next = fold(/^\s+([\p{L}']+)/u.exec(rest)?.[1] ?? '');
  if (NOT_ANSWERS.has(next) || (word === 'not' && next === 'sure')) return null;
  if (word === 'not' && next === 'really') return 'no';
  if (word === 'si') return raw === 'sí' || afterPunct ? 'yes' : null;
  const bare = word === 'no' || word === 'sim' || word === 'ja' || word === 'non';
  const follows = afterPunct || !bare || ANSWER_CONTINUATIONS.has(next);
  if (!follows) return null;
  if (YES_WORDS.has(word)) return 'yes';
  if (NO_WORDS.has(word)) return 'no';
  return null;
}

// ---------- late revisions ----------

/**
 * Markers that open a late revision when they begin a line or a sentence: "update:", "UPDATE 2 -",
 * "edit:", "later:", "found it", "turns out", "figured it out", "actually it was", "nevermind";
 * es "actualización:", de "Nachtrag:", fr "mise à jour :", pt "atualização:". Matched on folded text.
 */
const LATE_MARKER =
  /(?:(?:ok|okay|oh|ah|so|well|sorry|lol|ps|p\.s\.|hmm|hm),? )?(?:(?:update|updated|edit|edited|later|actualizacion|actualizado|edicion|editado|nachtrag|mise a jour|maj|atualizacao|atualizado)(?: ?\d{1,2})?(?:,[^:\n.!?]{0,30})? ?[:-]|(?:i )?found it\b|found the (?:problem|issue|cause|culprit)|(?:it )?turns out|it turned out|(?:i )?figured it out|actually it was|actually it's|actually its|never ?mind|nvm\b|scratch that|wait(?:,| actually| a (?:sec|second|minute))|(?:oh|hmm|hm|ah) wait\b)/y;
/** First words of the markers: only their occurrences are examined. */
const LATE_KEYS =
  'update|edit|later|actualiza|nachtrag|mise a jour|maj|atualiza|found|turn(?:s|ed)|figured|actually|never|nvm|scratch|wait';
/** Words that may stand before a marker in the same opening: "ok found it", "oh wait", "i figured it out", "it turns out". */
const LATE_LEADS = new Set(['ok', 'okay', 'oh', 'ah', 'so', 'well', 'sorry', 'lol', 'ps', 'hmm', 'hm', 'i', 'it']);

const isWordCode = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/**
 * Where the late revision opened by the marker word at `p` begins (the marker, or a lead word before it
 * such as "ok" in "ok found it"), when it opens a line or sentence and has words before it; else undefined.
 */
function lateRevisionAt(text: string, p: number, lineStartAt: (i: number) => boolean): number | undefined {
  if (p > 0 && text.charCodeAt(p - 1) === 39) return undefined;
  let start = p;
  for (let leads = 0; leads < 2; leads++) {
    let k = start - 1;
    if (k >= 0 && text[k] === ' ') k--;
    if (k >= 0 && text[k] === ',') k--;
    let w = k;
    while (w >= 0 && isWordCode(text.charCodeAt(w))) w--;
    if (k < 0 || w === k || !LATE_LEADS.has(text.slice(w + 1, k + 1))) break;
    start = w + 1;
  }
  for (let at = start; at <= p; at = nextWordStart(text, at)) {
    if (!hasWordsBefore(text, at) || !startsSentence(text, at, lineStartAt)) continue;
    LATE_MARKER.lastIndex = at;
    if (LATE_MARKER.test(text)) return at;
  }
  return undefined;
}

function nextWordStart(text: string, at: number): number {
  let k = at;
  while (k < text.length && isWordCode(text.charCodeAt(k))) k++;
  while (k < text.length && !isWordCode(text.charCodeAt(k))) k++;
  return k === at ? at + 1 : k;
}

/** Whether any letter or digit stands before `at` (the scan stops at the first one). */
function hasWordsBefore(text: string, at: number): boolean {
  for (let k = at - 1; k >= 0; k--) if (isWordCode(text.charCodeAt(k))) return true;
  return false;
}

function startsSentence(text: string, i: number, lineStartAt: (i: number) => boolean): boolean {
  let k = i - 1;
  // Opening punctuation before the marker: "(edit: ...)", "*UPDATE*", "- update:".
  while (k >= 0 && k > i - 4 && (text[k] === '(' || text[k] === '*' || text[k] === '[' || text[k] === '-' || text[k] === '"')) k--;
  if (k < 0) return true;
  const c = text[k];
  if (c === '\n') return true;
  if (c !== ' ') return c === '.' || c === '!' || c === '?';
  const before = text[k - 1];
  // After a speaker label too ("customer: okay, found it").
  if (before === '.' || before === '!' || before === '?' || before === ')' || before === '*' || before === ';' || before === ':')
    return true;
  return lineStartAt(k + 1);
}

// ---------- reported speech ----------

/**
 * Reporting verbs whose clause is someone else's words or guess: "the Apple Store said it might be the
 * battery", "my son thinks it's the wifi", "the genius told me", "support suggested", "I was told",
 * es "me dijo que", de "meinte", fr "m'a dit", pt "disse que". First-person forms ("I think", "I said")
 * are the customer's own and do not count.
 */
const REPORTING =
  "said|says|told me|told us|tells me|tell me|thinks|think|thought|suggested|suggests|reckons|reckon|believes|believe|guessed|guesses|mentioned|claims|claimed|insists|insisted|recommended|dijo|dijeron|dice que|dicen que|me dijo|me dijeron|cree que|creen que|sugirio|meinte|meint|sagte|sagten|hat gesagt|haben gesagt|glaubt|vermutet|m'a dit|a dit|ont dit|pense que|pensent que|suggere|disse|disseram|me disse|me disseram|acha que|acham que|sugeriu";
/** Passive forms: "I was told", "I've been told". */
const PASSIVE_TOLD = '(?:was|were|been|got|get) told';
/** One scan finds every reporting verb (group 1), passive "told" (group 2) and late-marker word (group 3). */
const DISCOURSE_WORDS = new RegExp(`\\b(?:(${REPORTING})\\b|(${PASSIVE_TOLD})\\b|(${LATE_KEYS}))`, 'g');
/** Verbs that name someone other than the customer as the speaker by themselves ("X told me", "me dijo"). */
const TOLD_ME = new Set([
  'told me',
  'told us',
  'tells me',
  'me dijo',
  'me dijeron',
  "m'a dit",
  'me disse',
  'me disseram',
  'hat gesagt',
  'haben gesagt',
]);
/**
 * Subjects whose words or guesses are reported: family, friends, store and support staff, online sources.
 * Bare pronouns ("she says") are left out: in an agent's note they usually stand for the customer.
 */
const PEOPLE = new Set([
  'son',
  'daughter',
  'wife',
  'husband',
  'partner',
  'boyfriend',
  'girlfriend',
  'brother',
  'sister',
  'friend',
  'friends',
  'mum',
  'mom',
  'mother',
  'dad',
  'father',
  'kid',
  'kids',
  'child',
  'children',
  'colleague',
  'colleagues',
  'coworker',
  'boss',
  'neighbour',
  'neighbor',
  'guy',
  'man',
  'woman',
  'lady',
  'girl',
  'boy',
  'bloke',
  'someone',
  'somebody',
  'people',
  'everyone',
  'everybody',
  'genius',
  'store',
  'shop',
  'support',
  'apple',
  'tech',
  'techie',
  'technician',
  'agent',
  'rep',
  'advisor',
  'adviser',
  'engineer',
  'person',
  'forum',
  'reddit',
  'youtube',
  'google',
  'internet',
  'article',
  'website',
  'site',
  'repairman',
  'carrier',
  'provider',
  'department',
  'team',
  'admin',
  'administrator',
  'seller',
  'salesman',
  'staff',
  'employee',
  'nephew',
  'niece',
  'grandson',
  'granddaughter',
  'uncle',
  'aunt',
  'cousin',
  'teenager',
  'teen',
  'flatmate',
  'roommate',
  'expert',
  'specialist',
  'video',
  'post',
  'thread',
  'comments',
  'chatgpt',
  'hijo',
  'hija',
  'esposa',
  'esposo',
  'marido',
  'mujer',
  'amigo',
  'amiga',
  'tecnico',
  'vecino',
  'vecina',
  'hermano',
  'hermana',
  'tienda',
  'soporte',
  'sohn',
  'tochter',
  'frau',
  'mann',
  'freund',
  'freundin',
  'techniker',
  'kollege',
  'kollegin',
  'nachbar',
  'laden',
  'verkaufer',
  'fils',
  'fille',
  'femme',
  'mari',
  'ami',
  'amie',
  'technicien',
  'vendeur',
  'voisin',
  'collegue',
  'frere',
  'soeur',
  'magasin',
  'boutique',
  'filho',
  'filha',
  'amigo',
  'tecnico',
  'vizinho',
  'irmao',
  'irma',
  'loja',
  'suporte',
  'atendente',
]);
/** Subjects that are the customer, or the device and its messages ("it says not enough storage"). */
const NOT_REPORTED_SUBJECTS = new Set([
  'i',
  'we',
  "i'd",
  "we'd",
  "i've",
  "we've",
  "i'm",
  'ich',
  'wir',
  'je',
  'nous',
  'eu',
  'nos',
  'yo',
  'nosotros',
  'it',
  'phone',
  'iphone',
  'ipad',
  'screen',
  'message',
  'error',
  'settings',
  'app',
  'icloud',
  'popup',
  'notification',
  'banner',
  'page',
  'alert',
  'warning',
  'status',
  'backup',
  'this',
  'that',
  'which',
  'cust',
  'customer',
  'caller',
  'user',
  'client',
  'cliente',
  'kunde',
  'es',
]);
/** Words between a subject and the verb: "my son also said", "the man at the store just said". */
const SUBJECT_FILLERS = new Set([
  'really',
  'also',
  'still',
  'just',
  'actually',
  'honestly',
  'even',
  'then',
  'always',
  'once',
  'apparently',
  'literally',
]);
/** Words that make the clause the customer's own: "I did what the lady told me", "like you said". */
const FOLLOWING_ADVICE = new Set(['what', 'like', 'as', 'wie', 'como', 'comme', 'lo', 'ce']);

export interface Discourse {
  /** See NormalizedText.lateFrom. */
  readonly lateFrom?: number;
  /** See NormalizedText.reported. */
  readonly reported: Array<[number, number]>;
}

/**
 * Late revision and reported speech of a normalized text, in one scan for their words.
 *
 * Reported speech: from just after the reporting verb to the end of its sentence (".", "!", "?", ";", a
 * line break) or to a contrast ("but", "pero", "aber", "mais", "mas") where the customer's own words take
 * over; sorted, not overlapping. Late revision: see `lateRevisionAt`. `lineStartAt(i)` tells whether the
 * whitespace just before normalized offset i was a line break in the original text.
 */
export function analyzeDiscourse(text: string, lineStartAt: (i: number) => boolean): Discourse {
  const reported: Array<[number, number]> = [];
  let lateFrom: number | undefined;
  let scannedTo = -1; // clause ends are searched once: a start inside the last clause shares its end
  DISCOURSE_WORDS.lastIndex = 0;
  for (let m = DISCOURSE_WORDS.exec(text); m !== null; m = DISCOURSE_WORDS.exec(text)) {
    if (m[3] !== undefined) {
      if (lateFrom === undefined) lateFrom = lateRevisionAt(text, m.index, lineStartAt);
      continue;
    }
    if (m[1] !== undefined && !isReportingSubject(text, m.index, m[1])) continue;
    let from = m.index + m[0].length;
    while (from < text.length && (text[from] === ' ' || text[from] === ',' || text[from] === ':')) from++;
    if (from <= scannedTo) continue;
    const end = clauseEnd(text, from);
    scannedTo = end;
    if (end > from) reported.push([from, end]);
  }
  return lateFrom === undefined ? { reported } : { lateFrom, reported };
}

/** Whether the subject before the reporting verb at `at` is someone other than the customer or the device. */
function isReportingSubject(text: string, at: number, verb: string): boolean {
  const words = clauseWordsBefore(text, at);
  if (words.some((w) => FOLLOWING_ADVICE.has(w))) return false;
  let k = words.length - 1;
  while (k >= 0 && SUBJECT_FILLERS.has(words[k])) k--;
  const subject = k >= 0 ? words[k] : undefined;
  return TOLD_ME.has(verb) ? subject === undefined || !NOT_REPORTED_SUBJECTS.has(subject) : subject !== undefined && PEOPLE.has(subject);
}

/** Up to five words before offset `at` in the same clause (stopping at sentence punctuation, commas, line breaks). */
function clauseWordsBefore(text: string, at: number): string[] {
  const words: string[] = [];
  let end = at;
  let k = at - 1;
  while (k >= 0 && words.length < 5 && at - k < 60) {
    const c = text.charCodeAt(k);
    const isLetter = (c >= 97 && c <= 122) || c === 39 || (c >= 48 && c <= 57);
    if (isLetter) {
      k--;
      continue;
    }
    if (end > k + 1) words.unshift(text.slice(k + 1, end));
    if (c === 46 || c === 33 || c === 63 || c === 10 || c === 44 || c === 59 || c === 58 || c === 40 || c === 41) return words;
    end = k;
    k--;
  }
  if (k < 0 && end > 0 && words.length < 5) words.unshift(text.slice(0, end));
  return words;
}

const CONTRASTS = [' but ', ' pero ', ' aber ', ' mais ', ' mas ', ' though ', ' however '];

/** End of the clause that starts at `from`: the sentence end, a line break or a contrast word. */
function clauseEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length) {
    const c = text[end];
    if (c === '\n' || c === '!' || c === '?' || c === ';') break;
    if (c === '.' && (end + 1 >= text.length || text[end + 1] === ' ' || text[end + 1] === '\n')) break;
    if (c === ' ' && text.charCodeAt(end + 1) >= 97 && CONTRASTS.some((w) => text.startsWith(w, end))) break;
    end++;
  }
  // Trailing spaces and commas are not part of the clause.
  while (end > from && (text[end - 1] === ' ' || text[end - 1] === ',')) end--;
  return end;
}
