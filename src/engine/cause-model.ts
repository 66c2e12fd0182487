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
export const DEFAULT_HASH_BITS = 20;
export const DEFAULT_CHAR_GRAMS: readonly [number, number] = [4, 5];

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
  /** Bucket -> row in `rows` (-1: no weights), so a lookup costs one array read. */
  private readonly rowOf: Int32Array | null = null;
  private readonly rows: Float64Array = new Float64Array(0);
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
      const rowOf = new Int32Array(1 << this.hashBits).fill(-1);
      const rows = new Float64Array(buckets.length * k);
      buckets.forEach(([bucket, pairs], r) => {
        rowOf[Number(bucket)] = r * k;
        this.buckets.push(Number(bucket));
        for (const [c, w] of pairs) if (map[c] >= 0) rows[r * k + map[c]] = w;
      });
      this.rowOf = rowOf;
      this.rows = rows;
    }
  }

  namedWeights(name: string): Float64Array | undefined {
    return this.named.get(name);
  }

  /** Adds `scale` times a bucket's weights to `into` (per cause); false when the bucket has none. */
  addHashed(bucket: number, scale: number, into: Float64Array): boolean {
    const at = this.rowOf ? this.rowOf[bucket] : -1;
    if (at < 0) return false;
    const rows = this.rows;
    for (let c = 0; c < into.length; c++) into[c] += scale * rows[at + c];
    return true;
  }

  /** A bucket's weight for one cause (0 when it has none). */
  hashedWeight(bucket: number, cause: number): number {
    const at = this.rowOf ? this.rowOf[bucket] : -1;
    return at < 0 ? 0 : this.rows[at + cause];
  }

  namedEntries(): IterableIterator<[string, Float64Array]> {
    return this.named.entries();
  }

  /** Every hashed bucket with its weights per cause (a copy). */
  *hashedEntries(): IterableIterator<[number, Float64Array]> {
    const k = this.bias.length;
    for (const bucket of this.buckets) {
      const at = (this.rowOf as Int32Array)[bucket];
      yield [bucket, this.rows.slice(at, at + k)];
    }
  }

  get hasHashed(): boolean {
    return this.rowOf !== null;
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
 * Hashed features of the customer's own words (normalized text): each word, each pair of neighbouring
 * words in one clause, and the character n-grams of each word padded with spaces (so prefixes and
 * suffixes count: "_back", "ups_"), which carry over to inflections, typos and other languages.
 */
export function forEachHashedFeature(
  texts: readonly NormalizedText[],
  hashBits: number,
  charGrams: readonly [number, number],
  visit: HashedFeatureVisitor,
): void {
  const mask = (1 << hashBits) - 1;
  const [minGram, maxGram] = charGrams;
  texts.forEach((norm, field) => {
    const text = norm.text;
    const n = text.length;
    let prevStart = -1;
    let prevEnd = -1;
    let i = 0;
    while (i < n) {
      if (!isTokenChar(text.charCodeAt(i))) {
        const c = text.charCodeAt(i);
        // Sentence ends and line breaks end a clause: no bigram across them.
        if (c === 46 || c === 33 || c === 63 || c === 10 || c === 59 || c === 44) prevStart = -1;
        i++;
        continue;
      }
      const start = i;
      while (i < n && isTokenChar(text.charCodeAt(i))) i++;
      const end = i;
      visit(hashSlice(SEED_WORD, text, start, end) & mask, field, start, end);
      if (prevStart >= 0) {
        let h = hashSlice(SEED_BIGRAM, text, prevStart, prevEnd);
        h = fnvStep(h, 32);
        h = hashSlice(h, text, start, end);
        visit(h & mask, field, prevStart, end);
      }
      prevStart = start;
      prevEnd = end;
      if (maxGram > 0) {
        // Padded word: a virtual space on each side.
        const len = end - start + 2;
        for (let g = minGram; g <= maxGram; g++) {
          if (len <= g) break;
          for (let k = 0; k + g <= len; k++) {
            let h = SEED_CHAR;
            for (let j = k; j < k + g; j++) {
              const pos = start - 1 + j;
              h = fnvStep(h, pos < start || pos >= end ? 32 : text.charCodeAt(pos));
            }
            visit(h & mask, field, start, end);
          }
        }
      }
    }
  });
}
