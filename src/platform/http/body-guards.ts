/** Checks on a parsed JSON body before validation: nesting depth, and NUL characters Postgres cannot store. */

export const MAX_JSON_DEPTH = 64;

export type BodyVerdict = { ok: true } | { ok: false; message: string; details: string[] };

/**
 * Walks the body once without recursion (a hostile body must not exhaust the stack). With `stripNul`,
 * NUL characters are removed in place (helpdesk text, which the service should not refuse); otherwise a
 * string holding one is refused with its path.
 */
export function inspectBody(body: unknown, opts: { stripNul: boolean }): BodyVerdict {
  if (body === null || typeof body !== 'object') return { ok: true };
  const stack: { value: Record<string, unknown> | unknown[]; depth: number; path: string }[] = [
    { value: body as Record<string, unknown>, depth: 1, path: '$' },
  ];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      return { ok: false, message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`, details: [`${path}: too deep`] };
    }
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      if (key.includes('\u0000')) return { ok: false, message: 'Keys must not contain NUL characters', details: [childPath] };
      if (typeof child === 'string') {
        if (!child.includes('\u0000')) continue;
        if (!opts.stripNul) {
          return { ok: false, message: 'Text must not contain NUL (\\u0000) characters', details: [`${childPath}: contains NUL`] };
        }
        (value as Record<string, unknown>)[key] = child.replaceAll('\u0000', '');
      } else if (child !== null && typeof child === 'object') {
        stack.push({ value: child as Record<string, unknown>, depth: depth + 1, path: childPath });
      }
    }
  }
  return { ok: true };
}
