/**
 * Labels for a refit of the cause model, from what agents did with the service's own tickets (DESIGN,
 * "Labels for a refit"): the cause of an agent's override, a `<prefix>cause_is_<cause>` tag on the ticket,
 * or a solved outcome whose applied (not suggested) macro belongs to a single cause. Pure: the rows come from
 * the database (see RefitService), the rules live here.
 */
import type { LabelledTicket } from '../model/fit';

/** Everything the service holds about one ticket that can name its cause. */
export interface TicketSignals {
  readonly ticketId: string;
  readonly subject: string;
  /** The customer's words: description and later comments. Empty once the text is erased. */
  readonly text: string;
  readonly tags: readonly string[];
  /** The cause of the ticket's latest override that named one. */
  readonly overrideCause: string | null;
  /** Macros credited with resolving the ticket by an agent or an applied tag (never `suggested` credit). */
  readonly resolvedMacros: readonly string[];
}

/** What the rules need from the pack. */
export interface LabelCatalog {
  readonly causeIds: readonly string[];
  /** The causes a macro (or an alias of one) fixes; undefined for an unknown macro. */
  macroCauses(macroIdOrAlias: string): readonly string[] | undefined;
}

export type LabelSource = 'override' | 'tag' | 'outcome';

export type LabelVerdict =
  | { readonly label: string; readonly source: LabelSource }
  | { readonly skipped: 'no_text' | 'conflicting_tags' | 'conflicting_outcomes' | 'no_signal' };

export interface CollectedLabels {
  readonly tickets: LabelledTicket[];
  readonly bySource: Record<LabelSource, number>;
  /** Tickets with a signal that did not give one cause, and why. */
  readonly skipped: Record<string, number>;
  /** `cause_is_` tags naming no cause of the pack: ignored. */
  readonly unknownTagCauses: number;
}

/** The causes named by `<prefix>cause_is_<cause>` tags, split into known and unknown ids. */
export function taggedCauses(tags: readonly string[], prefix: string, causeIds: readonly string[]): { known: string[]; unknown: number } {
  const marker = `${prefix}cause_is_`;
  const known = new Set<string>();
  let unknown = 0;
  for (const tag of tags) {
    if (!tag.startsWith(marker)) continue;
    const cause = tag.slice(marker.length);
    if (causeIds.includes(cause)) known.add(cause);
    else unknown++;
  }
  return { known: [...known], unknown };
}

/**
 * One ticket's label. An agent's override is the most direct word and wins; then a `cause_is_` tag; then the
 * causes of the macros that resolved it, where each macro fixes a single cause. Signals of one kind that name
 * different causes give no label; a ticket whose text is no longer held gives none either.
 */
export function labelOf(t: TicketSignals, catalog: LabelCatalog, tagPrefix: string): LabelVerdict {
  if (t.text.trim() === '') return { skipped: 'no_text' };
  if (t.overrideCause && catalog.causeIds.includes(t.overrideCause)) return { label: t.overrideCause, source: 'override' };
  const tagged = taggedCauses(t.tags, tagPrefix, catalog.causeIds).known;
  if (tagged.length === 1) return { label: tagged[0], source: 'tag' };
  if (tagged.length > 1) return { skipped: 'conflicting_tags' };
  const fixed = new Set<string>();
  for (const macro of t.resolvedMacros) {
    const causes = catalog.macroCauses(macro);
    if (causes && causes.length === 1 && catalog.causeIds.includes(causes[0])) fixed.add(causes[0]);
  }
  if (fixed.size === 1) return { label: [...fixed][0], source: 'outcome' };
  if (fixed.size > 1) return { skipped: 'conflicting_outcomes' };
  return { skipped: 'no_signal' };
}

/** Labels of many tickets, with counts by source and of what was left out. */
export function collectLabels(rows: Iterable<TicketSignals>, catalog: LabelCatalog, tagPrefix: string): CollectedLabels {
  const tickets: LabelledTicket[] = [];
  const bySource: Record<LabelSource, number> = { override: 0, tag: 0, outcome: 0 };
  const skipped: Record<string, number> = {};
  let unknownTagCauses = 0;
  for (const row of rows) {
    unknownTagCauses += taggedCauses(row.tags, tagPrefix, catalog.causeIds).unknown;
    const verdict = labelOf(row, catalog, tagPrefix);
    if ('skipped' in verdict) {
      skipped[verdict.skipped] = (skipped[verdict.skipped] ?? 0) + 1;
      continue;
    }
    bySource[verdict.source]++;
    tickets.push({ id: row.ticketId, subject: row.subject, description: row.text, label: verdict.label });
  }
  return { tickets, bySource, skipped, unknownTagCauses };
}
