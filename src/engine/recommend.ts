/**
 * Macro ranking: the top cause's fix, then the next causes' fixes, then the
 * generic fallbacks, skipping what the customer already tried. Learned outcome
 * counts update each macro's Beta prior from the pack; with no counts at all
 * the pack's order holds.
 */
import { betaInterval95, betaMean } from './beta';
import type { CompiledPack, MacroDef } from './pack';
import type { Alternative, BetaCounts, FixStatsSnapshot, MacroStats } from './types';

export interface RankContext {
  readonly pack: CompiledPack;
  readonly stats: FixStatsSnapshot;
  /** Cause ids best first, with their probabilities. */
  readonly causes: readonly { readonly id: string; readonly probability: number }[];
  /** Symptom ids present in the ticket. */
  readonly symptoms: readonly string[];
  /** Macro ids the customer already tried. */
  readonly tried: ReadonlySet<string>;
}

export interface RankedMacro {
  readonly macro: MacroDef;
  readonly stats?: MacroStats;
  readonly mean: number;
}

/** Alternatives are drawn from causes at least this likely (besides the top one). */
const MIN_ALTERNATIVE_PROBABILITY = 0.02;
const MAX_ALTERNATIVE_CAUSES = 3;

/** Counts for a macro under a key, including counts recorded under the macro's old ids. */
function countsFor(table: Readonly<Record<string, BetaCounts>> | undefined, macro: MacroDef): BetaCounts | undefined {
  if (!table) return undefined;
  let successes = 0;
  let failures = 0;
  let found = false;
  for (const id of [macro.id, ...macro.aliases]) {
    const c = table[id];
    if (!c) continue;
    successes += c.successes;
    failures += c.failures;
    found = true;
  }
  return found ? { successes, failures } : undefined;
}

function lookup(
  tables: FixStatsSnapshot['bySymptomMacro'],
  key: string,
  aliases: ReadonlyMap<string, string>,
): Readonly<Record<string, BetaCounts>>[] {
  const out: Readonly<Record<string, BetaCounts>>[] = [];
  if (tables[key]) out.push(tables[key]);
  for (const [alias, current] of aliases) if (current === key && tables[alias]) out.push(tables[alias]);
  return out;
}

/**
 * Posterior for one macro in this ticket's context: the pack prior, plus the
 * cause x macro counts for the top cause, plus the symptom x macro counts
 * averaged over the ticket's symptoms (one outcome is recorded under each of a
 * ticket's symptoms, so summing them would count it several times).
 */
export function macroPosterior(ctx: RankContext, macro: MacroDef): RankedMacro {
  let successes = 0;
  let failures = 0;
  const topCause = ctx.causes[0]?.id;
  if (topCause) {
    for (const table of lookup(ctx.stats.byCauseMacro, topCause, new Map())) {
      const c = countsFor(table, macro);
      if (c) {
        successes += c.successes;
        failures += c.failures;
      }
    }
  }
  let symptomSuccesses = 0;
  let symptomFailures = 0;
  let symptomsWithData = 0;
  for (const symptom of ctx.symptoms) {
    for (const table of lookup(ctx.stats.bySymptomMacro, symptom, ctx.pack.symptomAliases)) {
      const c = countsFor(table, macro);
      if (!c) continue;
      symptomSuccesses += c.successes;
      symptomFailures += c.failures;
      symptomsWithData++;
    }
  }
  if (symptomsWithData > 0) {
    successes += symptomSuccesses / symptomsWithData;
    failures += symptomFailures / symptomsWithData;
  }
  const alpha = macro.prior.alpha + successes;
  const beta = macro.prior.beta + failures;
  const mean = betaMean(alpha, beta);
  const uses = successes + failures;
  if (uses <= 0) return { macro, mean };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const interval = betaInterval95(alpha, beta);
  return {
    macro,
    mean,
    stats: {
      uses: round(uses),
      successes: round(successes),
      rate: round(mean),
      interval: [round(interval[0]), round(interval[1])],
    },
  };
}

function hasStats(stats: FixStatsSnapshot): boolean {
  return Object.keys(stats.byCauseMacro).length > 0 || Object.keys(stats.bySymptomMacro).length > 0;
}

/** Stable sort by posterior mean; without any learned counts the candidates keep pack order. */
function rank(ctx: RankContext, candidates: readonly MacroDef[]): RankedMacro[] {
  const ranked = candidates.map((m) => macroPosterior(ctx, m));
  if (!ranked.some((r) => r.stats)) return ranked;
  return ranked
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.mean - a.r.mean || a.i - b.i)
    .map(({ r }) => r);
}

export interface Recommendation {
  readonly primary: MacroDef;
  readonly alternatives: Alternative[];
}

export function recommend(ctx: RankContext): Recommendation {
  const { pack } = ctx;
  const top = ctx.causes[0]?.id ?? pack.definition.fallbackCause;
  const fallback = pack.macros.get(pack.definition.fallbackMacro) as MacroDef;
  const own = pack.macrosByCause.get(top) ?? [];
  const ownRanked = hasStats(ctx.stats) ? rank(ctx, own).map((r) => r.macro) : own;
  const primary = ownRanked.find((m) => !ctx.tried.has(m.id)) ?? ownRanked[0] ?? fallback;

  const seen = new Set<string>([primary.id]);
  const specific: MacroDef[] = [];
  const nextCauses = ctx.causes
    .slice(1)
    .filter((c) => c.id !== pack.definition.fallbackCause && c.probability >= MIN_ALTERNATIVE_PROBABILITY)
    .slice(0, MAX_ALTERNATIVE_CAUSES);
  for (const cause of [{ id: top }, ...nextCauses]) {
    for (const macro of pack.macrosByCause.get(cause.id) ?? []) {
      if (seen.has(macro.id) || ctx.tried.has(macro.id) || macro.generic) continue;
      seen.add(macro.id);
      specific.push(macro);
    }
  }
  const generic = pack.genericMacros.filter((m) => !seen.has(m.id) && !ctx.tried.has(m.id));
  const alternatives = rank(ctx, [...specific, ...generic]).map(
    (r): Alternative => (r.stats ? { id: r.macro.id, title: r.macro.title, stats: r.stats } : { id: r.macro.id, title: r.macro.title }),
  );
  return { primary, alternatives };
}
