/**
 * The cause model: how the symptoms and the customer's words of a ticket become calibrated cause
 * probabilities.
 *
 *   logit(c) = priorScale * prior(c) + bias(c) + sum over named features f of delta(f, c)
 *              + sum over hashed word features h of delta(h, c)
 *   p(c)     = softmax(logit / temperature)
 *
 * `prior(c)` is the pack's hand-written knowledge: the cause's prior plus the weights of the symptoms
 * found, divided by the pack's temperature (what the rules alone would say). The learned part is a
 * multinomial logistic regression fitted to labelled tickets and regularised toward zero, so the
 * authored weights are the starting point and data moves them. Named features are symptoms with their
 * polarity (`sym:<id>:present|negated|tried|late|subject|reported`) and facts drawn from entities; hashed
 * features are word unigrams and bigrams of the customer's own words and character n-grams of those
 * words. The weights are data (the pack's `model.json`, or a version stored by the service); without them
 * the model is the rules alone.
 */
import type { NormalizedText } from './normalize';

/** Serialized weights: sparse, per feature a list of [cause index, weight] pairs. */
export interface CauseModelWeights {
  readonly format: 1;
  /** `0` for the weights shipped with a pack; refits count up. */
  readonly version: string;
  /** The pack version the weights were fitted against. */
  readonly packVersion: string;
  /** Cause ids in the order the weight pairs index. */
  readonly causes: readonly string[];
  /** Hashed feature space: 2^hashBits buckets. */
  readonly hashBits: number;
  /** Character n-gram lengths taken inside words, [min, max]; [0, 0] for none. */
  readonly charGrams: readonly [number, number];
  readonly temperature: number;
  readonly priorScale: number;
  readonly bias: readonly number[];
  readonly named: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
  readonly hashed: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
  /** What the weights were fitted on and how they scored: for people, not read by the engine. */
  readonly fitted?: Readonly<Record<string, unknown>>;
}

/** Default hashed space and character n-grams of a fit. */
export const DEFAULT_HASH_BITS = 18;
export const DEFAULT_CHAR_GRAMS: readonly [number, number] = [0, 0];

/**
 * Hashed features count per occurrence, damped on long tickets: x = count / sqrt(max(1, n / LENGTH_REF))
 * for a ticket of n occurrences, so a long e-mail does not outvote its own symptoms by sheer length.
 */
export const LENGTH_REF = 200;

export function hashedScale(occurrences: number): number {
  return occurrences <= LENGTH_REF ? 1 : 1 / Math.sqrt(occurrences / LENGTH_REF);
}

/**
 * Receives one occurrence of a hashed feature: its bucket, the index of the text it came from (in the order
 * passed) and the normalized range of the word or word pair.
 */
export type HashedFeatureVisitor = (bucket: number, field: number, start: number, end: number) => void;

/** Weights ready for scoring. */
export class CauseModel {
  readonly version: string;
  readonly temperature: number;
  readonly priorScale: number;
  readonly hashBits: number;
  readonly charGrams: readonly [number, number];
  /** Per cause of the pack (pack order). */
  readonly bias: Float64Array;
  private readonly named = new Map<string, Float64Array>();
  /**
   * Bucket -> offset of its row in `rows`: an open-addressing table at most half full, small enough to stay
   * in cache (a dense table over all 2^hashBits buckets missed the cache on nearly every lookup).
   */
  private readonly slotKeys: Int32Array | null = null;
  private readonly slotRows: Int32Array = new Int32Array(0);
  private readonly slotShift: number = 32;
  /** Float32: half the memory of doubles, so a ticket's lookups miss the cache less. */
  private readonly rows: Float32Array = new Float32Array(0);
  private readonly buckets: number[] = [];

  /**
   * @param causeIds the pack's causes, in pack order; weights for causes the pack does not have are
   *   dropped, causes the weights do not know get none.
   */
  constructor(
    readonly causeIds: readonly string[],
    weights?: CauseModelWeights,
  ) {
    const k = causeIds.length;
    this.bias = new Float64Array(k);
    if (!weights) {
      this.version = '0';
      this.temperature = 1;
      this.priorScale = 1;
      this.hashBits = DEFAULT_HASH_BITS;
      this.charGrams = DEFAULT_CHAR_GRAMS;
      return;
    }
    if (weights.format !== 1) throw new Error(`cause model format ${String(weights.format)} is not supported`);
    this.version = weights.version;
    this.temperature = weights.temperature;
    this.priorScale = weights.priorScale;
    this.hashBits = weights.hashBits;
    this.charGrams = weights.charGrams;
    const map = weights.causes.map((id) => causeIds.indexOf(id));
    weights.bias.forEach((b, i) => {
      if (map[i] >= 0) this.bias[map[i]] = b;
    });
    const expand = (pairs: ReadonlyArray<readonly [number, number]>) => {
      const row = new Float64Array(k);
      for (const [c, w] of pairs) if (map[c] >= 0) row[map[c]] = w;
      return row;
    };
    for (const [name, pairs] of Object.entries(weights.named)) this.named.set(name, expand(pairs));
    const buckets = Object.entries(weights.hashed);
    if (buckets.length > 0) {
      let bits = 4;
      while (1 << bits < buckets.length * 2) bits++;
      const keys = new Int32Array(1 << bits).fill(-1);
      const slotRows = new Int32Array(1 << bits);
      const rows = new Float32Array(buckets.length * k);
      this.slotShift = 32 - bits;
      buckets.forEach(([bucket, pairs], r) => {
        const b = Number(bucket);
        let slot = Math.imul(b, 0x9e3779b1) >>> this.slotShift;
        while (keys[slot] !== -1) slot = (slot + 1) & ((1 << bits) - 1);
        keys[slot] = b;
        slotRows[slot] = r * k;
        this.buckets.push(b);
        for (const [c, w] of pairs) if (map[c] >= 0) rows[r * k + map[c]] = w;
      });
      this.slotKeys = keys;
      this.slotRows = slotRows;
      this.rows = rows;
    }
  }

  /** Offset of a bucket's row in `rows`, or -1 when it has no weights. */
  private rowAt(bucket: number): number {
    const keys = this.slotKeys;
    if (!keys) return -1;
    const mask = keys.length - 1;
    let slot = Math.imul(bucket, 0x9e3779b1) >>> this.slotShift;
    for (;;) {
      const key = keys[slot];
      if (key === bucket) return this.slotRows[slot];
      if (key === -1) return -1;
      slot = (slot + 1) & mask;
    }
  }

  namedWeights(name: string): Float64Array | undefined {
    return this.named.get(name);
  }

  /** Adds `scale` times a bucket's weights to `into` (per cause); false when the bucket has none. */
  addHashed(bucket: number, scale: number, into: Float64Array): boolean {
    const at = this.rowAt(bucket);
    if (at < 0) return false;
    const rows = this.rows;
    for (let c = 0; c < into.length; c++) into[c] += scale * rows[at + c];
    return true;
  }

  /**
   * Scores a ticket's word features: adds each occurrence's weights to `acc` (per cause) and to its
   * token's row of `perToken` (token x cause), in one pass over the weights.
   */
  scoreWords(words: WordFeatures, acc: Float64Array, perToken: Float64Array): void {
    if (!this.slotKeys) return;
    const rows = this.rows;
    const k = acc.length;
    for (let i = 0; i < words.count; i++) {
      const at = this.rowAt(words.buckets[i]);
      if (at < 0) continue;
      const t = words.tokens[i] * k;
      for (let c = 0; c < k; c++) {
        const w = rows[at + c];
        acc[c] += w;
        perToken[t + c] += w;
      }
    }
  }

  /** A bucket's weight for one cause (0 when it has none). */
  hashedWeight(bucket: number, cause: number): number {
    const at = this.rowAt(bucket);
    return at < 0 ? 0 : this.rows[at + cause];
  }

  namedEntries(): IterableIterator<[string, Float64Array]> {
    return this.named.entries();
  }

  /** Every hashed bucket with its weights per cause (a copy). */
  *hashedEntries(): IterableIterator<[number, Float64Array]> {
    const k = this.bias.length;
    for (const bucket of this.buckets) {
      const at = this.rowAt(bucket);
      yield [bucket, Float64Array.from(this.rows.subarray(at, at + k))];
    }
  }

  get hasHashed(): boolean {
    return this.slotKeys !== null;
  }
}

// ---------- hashed word features ----------

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME) >>> 0;
}

function hashSlice(seed: number, text: string, start: number, end: number): number {
  let h = seed;
  for (let i = start; i < end; i++) h = fnvStep(h, text.charCodeAt(i));
  return h;
}

const SEED_WORD = fnvStep(FNV_OFFSET, 0x77); // "w"
const SEED_BIGRAM = fnvStep(FNV_OFFSET, 0x62); // "b"
const SEED_CHAR = fnvStep(FNV_OFFSET, 0x63); // "c"

/** Letters and digits of any script: what words are made of in folded text. */
function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && c < 0x2000);
}

/**
 * The hashed features of one ticket: per occurrence its bucket and the token (a word, or a pair of words)
 * it came from, each token with its field and normalized range. Reused from ticket to ticket, so the hot
 * path allocates nothing per word.
 */
export class WordFeatures {
  count = 0;
  buckets: Int32Array<ArrayBuffer> = new Int32Array(4096);
  tokens: Int32Array<ArrayBuffer> = new Int32Array(4096);
  tokenCount = 0;
  tokenField: Int32Array<ArrayBuffer> = new Int32Array(1024);
  tokenStart: Int32Array<ArrayBuffer> = new Int32Array(1024);
  tokenEnd: Int32Array<ArrayBuffer> = new Int32Array(1024);

  reset(): void {
    this.count = 0;
    this.tokenCount = 0;
  }

  addToken(field: number, start: number, end: number): number {
    if (this.tokenCount === this.tokenField.length) {
      this.tokenField = grow(this.tokenField);
      this.tokenStart = grow(this.tokenStart);
      this.tokenEnd = grow(this.tokenEnd);
    }
    const t = this.tokenCount++;
    this.tokenField[t] = field;
    this.tokenStart[t] = start;
    this.tokenEnd[t] = end;
    return t;
  }

  push(bucket: number, token: number): void {
    if (this.count === this.buckets.length) {
      this.buckets = grow(this.buckets);
      this.tokens = grow(this.tokens);
    }
    this.buckets[this.count] = bucket;
    this.tokens[this.count++] = token;
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Hashed features of the customer's own words (normalized text): each word, each pair of neighbouring
 * words in one clause, and the character n-grams of each word padded with spaces (so prefixes and
 * suffixes count: " back", "ups "), which carry over to inflections, typos and other languages.
 */
export function collectHashedFeatures(
  texts: readonly NormalizedText[],
  hashBits: number,
  charGrams: readonly [number, number],
  out: WordFeatures,
): WordFeatures {
  out.reset();
  const mask = (1 << hashBits) - 1;
  const [minGram, maxGram] = charGrams;
  for (let field = 0; field < texts.length; field++) {
    const text = texts[field].text;
    const n = text.length;
    let prevStart = -1;
    let prevEnd = -1;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isTokenChar(c)) {
        // Sentence ends and line breaks end a clause: no pair across them.
        if (c === 46 || c === 33 || c === 63 || c === 10 || c === 59 || c === 44) prevStart = -1;
        i++;
        continue;
      }
      const start = i;
      while (i < n && isTokenChar(text.charCodeAt(i))) i++;
      const end = i;
      const word = out.addToken(field, start, end);
      out.push(hashSlice(SEED_WORD, text, start, end) & mask, word);
      if (prevStart >= 0) {
        let h = hashSlice(SEED_BIGRAM, text, prevStart, prevEnd);
        h = fnvStep(h, 32);
        h = hashSlice(h, text, start, end);
        out.push(h & mask, out.addToken(field, prevStart, end));
      }
      prevStart = start;
      prevEnd = end;
      if (maxGram > 0) {
        // The word padded with a space on each side; each start position gives its minGram..maxGram grams
        // from one running hash.
        const len = end - start + 2;
        for (let k = 0; k + minGram <= len; k++) {
          let h = SEED_CHAR;
          for (let j = 0; j < maxGram && k + j < len; j++) {
            const pos = start - 1 + k + j;
            h = fnvStep(h, pos < start || pos >= end ? 32 : text.charCodeAt(pos));
            if (j + 1 >= minGram) out.push(h & mask, word);
          }
        }
      }
    }
  }
  return out;
}

/** Calls `visit` for every hashed feature occurrence (bucket, text index, normalized range of its token). */
export function forEachHashedFeature(
  texts: readonly NormalizedText[],
  hashBits: number,
  charGrams: readonly [number, number],
  visit: HashedFeatureVisitor,
): void {
  const f = collectHashedFeatures(texts, hashBits, charGrams, new WordFeatures());
  for (let i = 0; i < f.count; i++) {
    const t = f.tokens[i];
    visit(f.buckets[i], f.tokenField[t], f.tokenStart[t], f.tokenEnd[t]);
  }
}
