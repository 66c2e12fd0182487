/**
 * Static check for regexes that can backtrack catastrophically. It parses the
 * pattern into a small tree and refuses:
 *  - nested repetition where the inner or outer repeat is unbounded ((a+)+, (\w+\s?)*, (a*){2,9});
 *  - an unbounded repeat over alternatives that can start with the same character ((a|ab)*, (\w|\d)+)
 *    or that can match the empty string ((a|)*);
 *  - two unbounded repeats side by side over overlapping characters (\d+\d+, \w*.*), which backtrack quadratically;
 *  - a pattern that starts with an unbounded wildcard (.*foo), which rescans the text from every position.
 * A heuristic, deliberately strict: patterns in a pack are short and can always be written within these limits.
 */

const SET_SIZE = 129; // ASCII plus one slot for every non-ASCII character

class CharSet {
  readonly bits = new Uint8Array(SET_SIZE);
  static of(...codes: number[]): CharSet {
    const s = new CharSet();
    for (const c of codes) s.bits[Math.min(c, 128)] = 1;
    return s;
  }
  static range(from: number, to: number): CharSet {
    const s = new CharSet();
    for (let c = from; c <= Math.min(to, 128); c++) s.bits[c] = 1;
    if (to > 128) s.bits[128] = 1;
    return s;
  }
  static all(): CharSet {
    const s = new CharSet();
    s.bits.fill(1);
    return s;
  }
  addAll(other: CharSet): this {
    for (let i = 0; i < SET_SIZE; i++) if (other.bits[i]) this.bits[i] = 1;
    return this;
  }
  invert(): CharSet {
    const s = new CharSet();
    for (let i = 0; i < 128; i++) s.bits[i] = this.bits[i] ? 0 : 1;
    s.bits[128] = 1; // a negated class still matches most non-ASCII characters
    return s;
  }
  intersects(other: CharSet): boolean {
    for (let i = 0; i < SET_SIZE; i++) if (this.bits[i] && other.bits[i]) return true;
    return false;
  }
  size(): number {
    let n = 0;
    for (let i = 0; i < SET_SIZE; i++) n += this.bits[i];
    return n;
  }
}

type Node =
  | { type: 'char'; set: CharSet }
  | { type: 'seq'; items: Node[] }
  | { type: 'alt'; options: Node[] }
  | { type: 'group'; body: Node; lookaround: boolean }
  | { type: 'repeat'; body: Node; min: number; max: number }
  | { type: 'assert' }
  | { type: 'backref' };

const DIGITS = CharSet.range(48, 57);
const WORD = CharSet.range(48, 57).addAll(CharSet.range(65, 90)).addAll(CharSet.range(97, 122)).addAll(CharSet.of(95));
const SPACE = CharSet.of(9, 10, 11, 12, 13, 32, 128);

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Error(`unexpected "${this.src[this.pos]}" at ${this.pos}`);
    return node;
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { type: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { type: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom;
      min = parseInt(m[1], 10);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : parseInt(m[3], 10);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same backtracking space
    return this.quantified({ type: 'repeat', body: atom, min, max });
  }

  private atom(): Node {
    const c = this.src[this.pos++];
    switch (c) {
      case '(':
        return this.group();
      case '[':
        return { type: 'char', set: this.charClass() };
      case '.':
        return { type: 'char', set: CharSet.all() };
      case '^':
      case '$':
        return { type: 'assert' };
      case '\\':
        return this.escape(false) as Node;
      default:
        return { type: 'char', set: literalSet(c) };
    }
  }

  private group(): Node {
    let lookaround = false;
    if (this.src.startsWith('?:', this.pos)) this.pos += 2;
    else if (/^\?<?[=!]/.test(this.src.slice(this.pos))) {
      lookaround = true;
      this.pos += this.src[this.pos + 1] === '<' ? 3 : 2;
    } else if (this.src.startsWith('?<', this.pos)) {
      const close = this.src.indexOf('>', this.pos);
      if (close < 0) throw new Error('unterminated group name');
      this.pos = close + 1;
    }
    const body = this.alternation();
    if (this.src[this.pos++] !== ')') throw new Error('missing )');
    return { type: 'group', body, lookaround };
  }

  private escape(inClass: boolean): Node | CharSet {
    const c = this.src[this.pos++];
    const set = (s: CharSet): Node | CharSet => (inClass ? s : { type: 'char', set: s });
    switch (c) {
      case 'd':
        return set(DIGITS);
      case 'D':
        return set(DIGITS.invert());
      case 'w':
        return set(WORD);
      case 'W':
        return set(WORD.invert());
      case 's':
        return set(SPACE);
      case 'S':
        return set(SPACE.invert());
      case 'b':
      case 'B':
        return inClass ? CharSet.of(8) : { type: 'assert' };
      case 'n':
        return set(CharSet.of(10));
      case 't':
        return set(CharSet.of(9));
      case 'r':
        return set(CharSet.of(13));
      case 'u':
      case 'x': {
        const m = c === 'x' ? /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos)) : /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos));
        if (!m) return set(literalSet(c));
        this.pos += m[0].length;
        return set(CharSet.of(parseInt(m[0], 16)));
      }
      case 'k': {
        const close = this.src.indexOf('>', this.pos);
        this.pos = close + 1;
        return inClass ? CharSet.of(107) : { type: 'backref' };
      }
      default:
        if (!inClass && /[1-9]/.test(c)) return { type: 'backref' };
        return set(literalSet(c));
    }
  }

  private charClass(): CharSet {
    let negate = false;
    if (this.peek() === '^') {
      negate = true;
      this.pos++;
    }
    const set = new CharSet();
    let first = true;
    while (this.pos < this.src.length && (this.peek() !== ']' || first)) {
      first = false;
      let lo: CharSet;
      let loCode: number | undefined;
      const c = this.src[this.pos++];
      if (c === '\\') lo = this.escape(true) as CharSet;
      else {
        loCode = c.charCodeAt(0);
        lo = literalSet(c);
      }
      if (this.peek() === '-' && this.src[this.pos + 1] !== ']' && loCode !== undefined) {
        this.pos++;
        const hiChar = this.src[this.pos++];
        const hiCode = hiChar === '\\' ? this.src.charCodeAt(this.pos++) : hiChar.charCodeAt(0);
        set.addAll(CharSet.range(loCode, hiCode));
        set.addAll(literalSet(String.fromCharCode(loCode))).addAll(literalSet(String.fromCharCode(hiCode)));
      } else set.addAll(lo);
    }
    if (this.src[this.pos++] !== ']') throw new Error('missing ]');
    return negate ? set.invert() : set;
  }
}

/** Patterns run with the "i" flag off but on folded text; count both cases anyway. */
function literalSet(ch: string): CharSet {
  const code = ch.charCodeAt(0);
  const lower = ch.toLowerCase().charCodeAt(0);
  const upper = ch.toUpperCase().charCodeAt(0);
  return CharSet.of(code, lower, upper);
}

function nullable(node: Node): boolean {
  switch (node.type) {
    case 'char':
    case 'backref':
      return false;
    case 'assert':
      return true;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.options.some(nullable);
    case 'group':
      return node.lookaround || nullable(node.body);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
  }
}

/** Characters a node can consume: anywhere in its match, or (firstOnly) as the first character. */
function charsOf(node: Node, firstOnly: boolean): CharSet {
  switch (node.type) {
    case 'char':
      return node.set;
    case 'backref':
      return CharSet.all();
    case 'assert':
      return new CharSet();
    case 'seq': {
      const s = new CharSet();
      for (const item of node.items) {
        s.addAll(charsOf(item, firstOnly));
        if (firstOnly && !nullable(item)) break;
      }
      return s;
    }
    case 'alt':
      return node.options.reduce((s, o) => s.addAll(charsOf(o, firstOnly)), new CharSet());
    case 'group':
      return node.lookaround ? new CharSet() : charsOf(node.body, firstOnly);
    case 'repeat':
      return charsOf(node.body, firstOnly);
  }
}

const firstSet = (node: Node) => charsOf(node, true);
const anySet = (node: Node) => charsOf(node, false);

function children(node: Node): Node[] {
  switch (node.type) {
    case 'seq':
      return node.items;
    case 'alt':
      return node.options;
    case 'group':
    case 'repeat':
      return [node.body];
    default:
      return [];
  }
}

function containsVariableRepeat(node: Node): boolean {
  if (node.type === 'repeat' && node.max > 1 && node.max !== node.min && !isEmptyOnly(node.body)) return true;
  return children(node).some(containsVariableRepeat);
}

function containsUnboundedRepeat(node: Node): boolean {
  if (node.type === 'repeat' && node.max === Infinity) return true;
  return children(node).some(containsUnboundedRepeat);
}

function isEmptyOnly(node: Node): boolean {
  return anySet(node).size() === 0;
}

function unwrap(node: Node): Node {
  let n = node;
  while ((n.type === 'group' && !n.lookaround) || (n.type === 'seq' && n.items.length === 1)) {
    n = n.type === 'group' ? n.body : (n as { items: Node[] }).items[0];
  }
  return n;
}

function check(node: Node, problems: string[]): void {
  if (node.type === 'repeat' && node.max > 1) {
    const unbounded = node.max === Infinity;
    if ((unbounded && containsVariableRepeat(node.body)) || containsUnboundedRepeat(node.body)) {
      problems.push('nested quantifiers (a repeated group contains another open-ended repeat, like (a+)+)');
    }
    const inner = unwrap(node.body);
    if (unbounded && inner.type === 'alt') {
      if (inner.options.some(nullable)) problems.push('an alternative under a repeat can match the empty string, like (a|)*');
      const firsts = inner.options.map(firstSet);
      for (let i = 0; i < firsts.length; i++) {
        for (let j = i + 1; j < firsts.length; j++) {
          if (firsts[i].intersects(firsts[j])) {
            problems.push('overlapping alternatives under a repeat (two branches can start with the same character, like (a|ab)*)');
            i = firsts.length;
            break;
          }
        }
      }
    }
  }
  if (node.type === 'seq') {
    for (let i = 0; i + 1 < node.items.length; i++) {
      const a = node.items[i];
      const b = node.items[i + 1];
      if (a.type === 'repeat' && b.type === 'repeat' && a.max === Infinity && b.max === Infinity && anySet(a.body).intersects(anySet(b.body))) {
        problems.push('two open-ended repeats side by side over the same characters (like \\d+\\d+), which backtrack quadratically');
      }
    }
  }
  for (const child of children(node)) check(child, problems);
}

function leadingWildcard(root: Node): boolean {
  let node = unwrap(root);
  while (node.type === 'seq') {
    const first = node.items.find((i) => i.type !== 'assert');
    if (!first) return false;
    node = unwrap(first);
  }
  return node.type === 'repeat' && node.max === Infinity && anySet(node.body).size() > 64;
}

/** Problems that make a pattern unsafe; empty when the pattern is accepted. */
export function findBacktrackingRisks(pattern: string): string[] {
  let root: Node;
  try {
    root = new Parser(pattern).parse();
  } catch (err) {
    return [`cannot be parsed: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  check(root, problems);
  if (leadingWildcard(root)) problems.push('starts with an open-ended wildcard (like .*foo), which rescans the text from every position');
  return [...new Set(problems)];
}
