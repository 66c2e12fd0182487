/**
 * What identifies a person inside free text: their address, name and first name as they were stored. Pure, so
 * the scrubbing rules are tested without a database.
 */

export const ERASED = '[erased]';

export interface RequesterFields {
  email?: string | null;
  name?: string | null;
  firstName?: string | null;
}

/** The distinct identifying strings of some requesters (2 characters or more), longest first. */
export function identifiersOf(requesters: Iterable<RequesterFields | null | undefined>): string[] {
  const found = new Set<string>();
  for (const r of requesters) {
    for (const value of [r?.email, r?.name, r?.firstName]) {
      const v = typeof value === 'string' ? value.trim() : '';
      if (v.length >= 2) found.add(v);
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** The lowercased words of the identifiers, as the weekly report splits text into phrases. */
export function identifierWords(identifiers: readonly string[]): string[] {
  const words = new Set<string>();
  for (const id of identifiers) {
    for (const w of id.toLowerCase().split(/[^\p{L}\p{N}]+/u)) if (w.length >= 2 && !/^\d+$/.test(w)) words.add(w);
  }
  return [...words];
}

/** A case-insensitive pattern for the identifiers, or null when there are none. */
export function identifierPattern(identifiers: readonly string[]): RegExp | null {
  if (identifiers.length === 0) return null;
  return new RegExp(identifiers.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'giu');
}

/** The value with every identifier replaced in its strings (JSON values walked; keys kept), and whether it changed. */
export function scrub<T>(value: T, pattern: RegExp): { value: T; changed: boolean } {
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const out = v.replace(pattern, ERASED);
      if (out !== v) changed = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  return { value: changed ? out : value, changed };
}
