/**
 * HTML in ticket text: tags dropped (block tags become line breaks, <blockquote>, <script> and <style> go
 * with their content), entities decoded with the full HTML5 table; each output character keeps its source range.
 */
import { DecodingMode, EntityDecoder, htmlDecodeTree } from 'entities/decode';

const BLOCK_TAGS = new Set(['br', 'p', 'div', 'li', 'tr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'table', 'hr']);
const DROP_CONTENT_TAGS = new Set(['blockquote', 'script', 'style', 'head']);

export interface Mapped {
  readonly text: string;
  readonly starts: Int32Array | null;
  readonly ends: Int32Array | null;
}

/**
 * HTML entities: the full HTML5 table of the `entities` package, named (`&laquo;`, `&iquest;`,
 * `&NotEqualTilde;`) and numeric (`&#233;`, `&#xE9;`). Entities must end with ";" (strict mode), so
 * plain-text tickets keep an "&" that only looks like the start of one ("AT&T", "R&D", "&copy 2024").
 * The decoder reads at most one entity name or one run of digits from each "&", so the scan stays linear.
 */
let entityText = '';
const entityDecoder = new EntityDecoder(htmlDecodeTree, (codePoint) => {
  entityText += String.fromCodePoint(codePoint);
});

/** Length of the entity starting with the "&" at `at` (0: none); its text is left in `entityText`. */
function decodeEntityAt(source: string, at: number): number {
  entityText = '';
  entityDecoder.startEntity(DecodingMode.Strict);
  let length = entityDecoder.write(source, at + 1);
  if (length < 0) length = entityDecoder.end();
  if (length <= 0) entityText = '';
  return length > 0 ? length : 0;
}

/** A tag at the current position; attributes may not contain "<", so an unterminated tag costs little. */
const TAG_AT = /<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^<>]{0,1000}>/y;

/** Strips tags (block tags become line breaks) and decodes entities; each output character keeps its source range. */
export function stripHtml(source: string): Mapped {
  if (!/[<&]/.test(source)) return { text: source, starts: null, ends: null };
  const out: string[] = [];
  // Source offsets of each output character. The output is never longer than the source (an entity or tag is
  // replaced by fewer characters than it has), so these are allocated once; growth is only a safeguard.
  let starts = new Int32Array(source.length + 2);
  let ends = new Int32Array(source.length + 2);
  let n = 0;
  const map = (start: number, end: number, count: number) => {
    if (n + count > starts.length) {
      const grown = Math.max(starts.length * 2, n + count);
      starts = grownCopy(starts, grown);
      ends = grownCopy(ends, grown);
    }
    for (let k = 0; k < count; k++) {
      starts[n] = start;
      ends[n] = end;
      n++;
    }
  };
  // Plain text is appended in runs (source[copiedTo, i) is mapped but not appended yet): one piece per run
  // rather than per character keeps the final join linear on long inputs.
  let copiedTo = 0;
  /** source[at, end) becomes piece (empty: dropped). */
  const replace = (at: number, end: number, piece: string) => {
    if (at > copiedTo) out.push(source.slice(copiedTo, at));
    if (piece) {
      out.push(piece);
      map(at, end, piece.length);
    }
    copiedTo = end;
  };
  let lower: string | undefined; // lower-cased source, made once when a tag's content must be skipped
  let commentEnd = -2; // where the next "-->" was found (-1: there is none), searched again only when passed
  let i = 0;
  while (i < source.length) {
    const ch = source[i];
    if (ch === '<') {
      if (source.startsWith('<!--', i)) {
        if (commentEnd !== -1 && commentEnd < i + 4) commentEnd = source.indexOf('-->', i + 4);
        if (commentEnd >= 0) {
          replace(i, commentEnd + 3, '');
          i = commentEnd + 3;
          continue;
        }
      } else {
        TAG_AT.lastIndex = i;
        const m = TAG_AT.exec(source);
        if (m) {
          const name = m[1].toLowerCase();
          const closing = m[0][1] === '/';
          if (!closing && DROP_CONTENT_TAGS.has(name)) {
            lower ??= source.toLowerCase();
            const closeAt = lower.indexOf(`</${name}`, i + m[0].length);
            const closeEnd = closeAt < 0 ? source.length : source.indexOf('>', closeAt) + 1 || source.length;
            replace(i, closeEnd, '\n\n');
            i = closeEnd;
            continue;
          }
          replace(i, i + m[0].length, BLOCK_TAGS.has(name) ? (name === 'br' ? '\n' : '\n\n') : '');
          i += m[0].length;
          continue;
        }
      }
    } else if (ch === '&') {
      const length = decodeEntityAt(source, i);
      if (length > 0) {
        replace(i, i + length, entityText);
        i += length;
        continue;
      }
    }
    map(i, i + 1, 1);
    i++;
  }
  if (source.length > copiedTo) out.push(source.slice(copiedTo));
  return { text: out.join(''), starts: starts.slice(0, n), ends: ends.slice(0, n) };
}

function grownCopy(source: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(length);
  grown.set(source);
  return grown;
}

/** An entity's decoded character when it is one, else the normalized character. */
export function foldedEntity(source: string, normalized: string): string {
  if (source.charCodeAt(0) !== 38) return normalized;
  const length = decodeEntityAt(source, 0);
  return length === source.length && entityText ? entityText : normalized;
}
