/**
 * Which pack triages a ticket: the `routing` block of a pack's pack.yaml. Read by the loader beside (not
 * through) the pack's validation, so the engine's pack definition stays as it is.
 */
import { HELPDESKS } from '../platform/queue/helpdesks';
import { PackValidationError } from './pack-validation';

/** The ticket sources (`api` and every helpdesk), as tickets record them. */
export const ROUTABLE_SOURCES = ['api', ...HELPDESKS] as const;
export type RoutableSource = (typeof ROUTABLE_SOURCES)[number];

/** Every list given must match; a pack with no list is never chosen by routing (only as the default). */
export interface PackRouting {
  readonly sources?: readonly RoutableSource[];
  /** The ticket carries at least one of these tags (case-insensitive). */
  readonly tags?: readonly string[];
}

/** What routing reads of a ticket. */
export interface RoutedTicket {
  readonly source: string;
  readonly tags?: readonly string[] | null;
}

const ROUTING_KEYS = ['sources', 'tags'] as const;

/** Validates the `routing` value of pack.yaml; errors name the file and field. */
export function parseRouting(value: unknown, file = 'pack.yaml'): PackRouting {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new PackValidationError(file, 'routing', 'must be a mapping with sources and/or tags');
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!(ROUTING_KEYS as readonly string[]).includes(key)) {
      throw new PackValidationError(file, `routing.${key}`, `unknown field (allowed: ${ROUTING_KEYS.join(', ')})`);
    }
  }
  const list = (key: (typeof ROUTING_KEYS)[number]): string[] | undefined => {
    const v = raw[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0) throw new PackValidationError(file, `routing.${key}`, 'must be a non-empty list of strings');
    return v.map((item, i) => {
      if (typeof item !== 'string' || item.trim() === '' || item.length > 200) {
        throw new PackValidationError(
          file,
          `routing.${key}[${i}]`,
          `must be a non-empty string up to 200 characters (got ${JSON.stringify(item)})`,
        );
      }
      return item.trim();
    });
  };
  const sources = list('sources');
  sources?.forEach((s, i) => {
    if (!(ROUTABLE_SOURCES as readonly string[]).includes(s)) {
      throw new PackValidationError(file, `routing.sources[${i}]`, `must be one of ${ROUTABLE_SOURCES.join(', ')} (got "${s}")`);
    }
  });
  const tags = list('tags')?.map((t) => t.toLowerCase());
  return { ...(sources ? { sources: sources as RoutableSource[] } : {}), ...(tags ? { tags } : {}) };
}

export function hasRouting(routing: PackRouting): boolean {
  return routing.sources !== undefined || routing.tags !== undefined;
}

/** True when every list the routing gives matches the ticket. */
export function routingMatches(routing: PackRouting, ticket: RoutedTicket): boolean {
  if (!hasRouting(routing)) return false;
  if (routing.sources && !routing.sources.includes(ticket.source as RoutableSource)) return false;
  if (routing.tags) {
    const tags = new Set((ticket.tags ?? []).map((t) => t.toLowerCase()));
    if (!routing.tags.some((t) => tags.has(t))) return false;
  }
  return true;
}

/** The id of the first pack (in the given, stable order) whose routing matches, else the default. */
export function routeTicket(
  packs: readonly { readonly id: string; readonly routing: PackRouting }[],
  defaultId: string,
  ticket: RoutedTicket,
): string {
  return packs.find((p) => routingMatches(p.routing, ticket))?.id ?? defaultId;
}
