/**
 * Static check for regexes that can backtrack catastrophically. It parses the
 * pattern into a small tree and refuses:
 *  - nested repetition where the inner or outer repeat is unbounded ((a+)+, (\w+\s?)*, (a*){2,9});
 *  - an unbounded repeat over alternatives that can start with the same character ((a|ab)*, (\w|\d)+)
 *    or that can match the empty string ((a|)*);
 *  - two unbounded repeats side by side over overlapping characters (\d+\d+, \w*.*), which backtrack quadratically;
 *  - a pattern that starts with an unbounded wildcard (.*foo), which rescans the text from every position.
 * A heuristic, deliberately strict: patterns in a pack are short and can always be written within these limits.
 * Patterns are parsed by @eslint-community/regexpp with the flags the engine compiles them with.
 */
import { RegExpParser, type AST } from '@eslint-community/regexpp';
import { PACK_REGEX_FLAGS } from '../engine';

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

/** Converts regexpp's syntax tree into the small tree the checks below walk. */
function toNode(node: AST.Node): Node {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup': {
      const body = alternatives(node.alternatives);
      return node.type === 'Pattern' ? body : { type: 'group', body, lookaround: false };
    }
    case 'Alternative':
      return { type: 'seq', items: node.elements.map((e) => toNode(e)) };
    case 'Assertion':
      return node.kind === 'lookahead' || node.kind === 'lookbehind'
        ? { type: 'group', body: alternatives(node.alternatives), lookaround: true }
        : { type: 'assert' };
    case 'Quantifier':
      return { type: 'repeat', body: toNode(node.element), min: node.min, max: node.max };
    case 'Backreference':
      return { type: 'backref' };
    case 'Character':
    case 'CharacterSet':
    case 'CharacterClass':
    case 'ExpressionCharacterClass':
      return { type: 'char', set: charSet(node) };
    default:
      // Class internals (ranges, string alternatives) only occur inside the classes handled above.
      return { type: 'char', set: CharSet.all() };
  }
}

function alternatives(options: readonly AST.Alternative[]): Node {
  const nodes = options.map((o) => toNode(o));
  return nodes.length === 1 ? nodes[0] : { type: 'alt', options: nodes };
}

/** The characters one class element can match (over-approximated for Unicode properties and set operations). */
function charSet(node: AST.Node): CharSet {
  switch (node.type) {
    case 'Character':
      return literalSet(node.value);
    case 'CharacterClassRange':
      return CharSet.range(node.min.value, node.max.value).addAll(literalSet(node.min.value)).addAll(literalSet(node.max.value));
    case 'CharacterSet': {
      if (node.kind === 'any') return CharSet.all();
      const base = node.kind === 'digit' ? DIGITS : node.kind === 'word' ? WORD : node.kind === 'space' ? SPACE : CharSet.all();
      return node.kind !== 'property' && node.negate ? base.invert() : base;
    }
    case 'CharacterClass': {
      const set = node.elements.reduce((s, e) => s.addAll(charSet(e)), new CharSet());
      return node.negate ? set.invert() : set;
    }
    default:
      return CharSet.all();
  }
}

/**
 * One character, with its other case: pack patterns run on case-folded text, so both cases are counted even
 * without the "i" flag (with it, the engine would match both anyway).
 */
function literalSet(code: number): CharSet {
  const ch = String.fromCodePoint(code);
  return CharSet.of(code, ch.toLowerCase().codePointAt(0) ?? code, ch.toUpperCase().codePointAt(0) ?? code);
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
      if (
        a.type === 'repeat' &&
        b.type === 'repeat' &&
        a.max === Infinity &&
        b.max === Infinity &&
        anySet(a.body).intersects(anySet(b.body))
      ) {
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

/**
 * Problems that make a pattern unsafe; empty when the pattern is accepted. `flags` are those the pattern is
 * compiled with (the engine's PACK_REGEX_FLAGS by default): `u` and `v` change what is valid syntax (and `\\p{...}`
 * classes); case is always counted both ways, which covers `i`.
 */
export function findBacktrackingRisks(pattern: string, flags: string = PACK_REGEX_FLAGS): string[] {
  let root: Node;
  try {
    const ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, {
      unicode: flags.includes('u'),
      unicodeSets: flags.includes('v'),
    });
    root = toNode(ast);
  } catch (err) {
    return [`cannot be parsed: ${(err as Error).message}`];
  }
  const problems: string[] = [];
  check(root, problems);
  if (leadingWildcard(root)) problems.push('starts with an open-ended wildcard (like .*foo), which rescans the text from every position');
  return [...new Set(problems)];
}
