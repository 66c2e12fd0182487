/**
 * Aho-Corasick automaton over normalized text: every phrase, regex anchor and
 * scope cue of a pack is found in one left-to-right pass, so the cost of a
 * ticket does not grow with the number of rules. Characters are folded into a
 * small alphabet (letters, digits, a little punctuation) and the automaton is a
 * full transition table, so each character costs one array read.
 */

const OTHER = 0;
const CLASS_OF = new Uint8Array(128);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 \'-./:"+%&>?!,()';
for (let i = 0; i < ALPHABET.length; i++) CLASS_OF[ALPHABET.charCodeAt(i)] = i + 1;
/** Row width of the transition table: a power of two, so a state's row offset is its id shifted. */
const SHIFT = 6;
const CLASSES = 1 << SHIFT;
if (ALPHABET.length + 1 > CLASSES) throw new Error('LiteralMatcher: alphabet larger than a table row');

function classOf(code: number): number {
  return code < 128 ? CLASS_OF[code] : OTHER;
}

/** True for characters that make up words (ASCII letters and digits after folding). */
export function isWordChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code > 127;
}

export interface LiteralOptions {
  /** Require a non-word character (or the text edge) before the match. Default true. */
  readonly leftBoundary?: boolean;
  /** Require a non-word character (or the text edge) after the match. Default true. */
  readonly rightBoundary?: boolean;
}

interface Literal<T> {
  readonly length: number;
  readonly target: T;
  readonly leftBoundary: boolean;
  readonly rightBoundary: boolean;
}

export interface LiteralHit<T> {
  readonly start: number;
  readonly end: number;
  readonly target: T;
}

const EMPTY = new Int32Array(0);

export class LiteralMatcher<T> {
  private readonly literals: Literal<T>[] = [];
  private readonly trie: Map<number, number>[] = [new Map()];
  private terminal: number[][] = [[]];
  /** Transition table; each entry is the next state's row offset (state id << SHIFT). */
  private delta = new Int32Array(0);
  /** 1 where a state (by id) ends at least one literal. */
  private hasOutput = new Uint8Array(0);
  private outputs: Int32Array[] = [];
  private built = false;

  get size(): number {
    return this.literals.length;
  }

  add(text: string, target: T, options: LiteralOptions = {}): void {
    if (this.built) throw new Error('LiteralMatcher: add() after build()');
    if (text.length === 0) return;
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      const c = classOf(text.charCodeAt(i));
      let next = this.trie[node].get(c);
      if (next === undefined) {
        next = this.trie.length;
        this.trie.push(new Map());
        this.terminal.push([]);
        this.trie[node].set(c, next);
      }
      node = next;
    }
    this.terminal[node].push(this.literals.length);
    this.literals.push({
      length: text.length,
      target,
      leftBoundary: options.leftBoundary ?? true,
      rightBoundary: options.rightBoundary ?? true,
    });
  }

  build(): void {
    const nodes = this.trie.length;
    const delta = new Int32Array(nodes * CLASSES);
    const fail = new Int32Array(nodes);
    const outputs: (Int32Array | undefined)[] = new Array(nodes);
    const queue: number[] = [];
    for (let c = 0; c < CLASSES; c++) {
      const child = this.trie[0].get(c);
      delta[c] = child ?? 0;
      if (child !== undefined) queue.push(child);
    }
    outputs[0] = undefined;
    for (const child of queue) outputs[child] = this.terminal[child].length ? Int32Array.from(this.terminal[child]) : undefined;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      for (let c = 0; c < CLASSES; c++) {
        const child = this.trie[node].get(c);
        if (child === undefined) {
          delta[node * CLASSES + c] = delta[fail[node] * CLASSES + c];
          continue;
        }
        const f = delta[fail[node] * CLASSES + c];
        fail[child] = f;
        delta[node * CLASSES + c] = child;
        const own = this.terminal[child];
        const inherited = outputs[f];
        outputs[child] = own.length || inherited ? Int32Array.from([...own, ...(inherited ?? [])]) : undefined;
        queue.push(child);
      }
    }
    for (let k = 0; k < delta.length; k++) delta[k] <<= SHIFT;
    this.delta = delta;
    this.hasOutput = Uint8Array.from(outputs, (o) => (o ? 1 : 0));
    this.outputs = outputs.map((o) => o ?? EMPTY);
    this.terminal = [];
    this.trie.length = 0;
    this.built = true;
  }

  /** All literal occurrences in text, in order of their end offset. */
  scan(text: string): LiteralHit<T>[] {
    if (!this.built) throw new Error('LiteralMatcher: scan() before build()');
    const hits: LiteralHit<T>[] = [];
    const { delta, outputs, literals, hasOutput } = this;
    let row = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      row = delta[row + (code < 128 ? CLASS_OF[code] : OTHER)];
      if (hasOutput[row >> SHIFT] === 0) continue;
      const out = outputs[row >> SHIFT];
      for (let k = 0; k < out.length; k++) {
        const literal = literals[out[k]];
        const start = i + 1 - literal.length;
        if (literal.leftBoundary && start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
        if (literal.rightBoundary && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) continue;
        hits.push({ start, end: i + 1, target: literal.target });
      }
    }
    return hits;
  }
}
