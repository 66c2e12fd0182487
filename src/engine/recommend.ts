/**
 * Macro ranking: the top cause's fix, then the next causes' fixes, then the
 * generic fallbacks, skipping what the customer already tried. Learned outcome
 * counts update each macro's Beta prior from the pack; with no counts at all
 * the pack's order holds.
 */
import { betaInterval95, betaMean, sampleBeta } from './beta';
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
  /** `thompson`: order fixes by a draw from each posterior instead of its mean. */
  readonly exploration?: 'off' | 'thompson';
  readonly random?: () => number;
}

export interface RankedMacro {
  readonly macro: MacroDef;
  readonly stats?: MacroStats;
  readonly mean: number;
  /** What the ranking sorts by: the mean, or a posterior draw under Thompson sampling. */
  readonly score: number;
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
export function macroPosterior(ctx: RankContext, macro: MacroDef, relevance = 1): RankedMacro {
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
  // A fix for a less likely cause starts from a prior shrunk by how likely its cause is (same strength).
  const r = Math.min(1, Math.max(0, relevance));
  const alpha = macro.prior.alpha * r + successes;
  const beta = macro.prior.beta + macro.prior.alpha * (1 - r) + failures;
  const mean = betaMean(alpha, beta);
  const score = ctx.exploration === 'thompson' ? sampleBeta(alpha, beta, ctx.random ?? Math.random) : mean;
  const uses = successes + failures;
  if (uses <= 0) return { macro, mean, score };
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const interval = betaInterval95(alpha, beta);
  return {
    macro,
    mean,
    score,
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

/** How relevant a macro is to this ticket: 1 for the top cause's and generic fixes, else its cause's odds. */
function relevanceOf(ctx: RankContext, macro: MacroDef): number {
  const top = ctx.causes[0];
  if (!top || macro.generic || macro.causeIds.includes(top.id)) return 1;
  let best = 0;
  for (const c of ctx.causes) if (macro.causeIds.includes(c.id)) best = Math.max(best, c.probability / Math.max(top.probability, 1e-9));
  return best;
}

/** Best score first (posterior mean, or a draw), ties in pack order. */
function byScore(ranked: readonly RankedMacro[]): RankedMacro[] {
  return ranked
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.score - a.r.score || a.i - b.i)
    .map(({ r }) => r);
}

export interface Recommendation {
  readonly primary: MacroDef;
  /** The learned statistics of the primary macro, once it has any. */
  readonly primaryStats?: MacroStats;
  readonly alternatives: Alternative[];
}

/**
 * The fix to send and the alternatives. Without outcomes, the pack's order: the top cause's fix, the next
 * causes' fixes, then the generic fallbacks. Once outcomes exist, all of them are ranked by the expected chance
 * of resolving a ticket like this one, so a fix that keeps failing gives way to one that works.
 */
export function recommend(ctx: RankContext): Recommendation {
  const { pack } = ctx;
  const top = ctx.causes[0]?.id ?? pack.definition.fallbackCause;
  const fallback = pack.macros.get(pack.definition.fallbackMacro) as MacroDef;
  const own = pack.macrosByCause.get(top) ?? [];

  const candidates: MacroDef[] = [];
  const seen = new Set<string>();
  const add = (m: MacroDef) => {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    candidates.push(m);
  };
  own.forEach(add);
  const nextCauses = ctx.causes
    .slice(1)
    .filter((c) => c.id !== pack.definition.fallbackCause && c.probability >= MIN_ALTERNATIVE_PROBABILITY)
    .slice(0, MAX_ALTERNATIVE_CAUSES);
  for (const cause of nextCauses) for (const m of pack.macrosByCause.get(cause.id) ?? []) if (!m.generic) add(m);
  pack.genericMacros.forEach(add);

  // A ticket whose answer is the fallback cause (not a problem the pack covers) keeps the fallback macro first.
  const learned = hasStats(ctx.stats) && top !== pack.definition.fallbackCause;
  const scored = candidates.map((m) => macroPosterior(ctx, m, relevanceOf(ctx, m)));
  const order = learned ? byScore(scored) : scored;
  const primary = learned
    ? (order.find((r) => !ctx.tried.has(r.macro.id))?.macro ?? fallback)
    : (own.find((m) => !ctx.tried.has(m.id)) ?? order.find((r) => !ctx.tried.has(r.macro.id))?.macro ?? own[0] ?? fallback);
  const alternatives = order
    .filter((r) => r.macro.id !== primary.id && !ctx.tried.has(r.macro.id))
    .map((r): Alternative =>
      r.stats ? { id: r.macro.id, title: r.macro.title, stats: r.stats } : { id: r.macro.id, title: r.macro.title },
    );
  const primaryStats = scored.find((r) => r.macro.id === primary.id)?.stats;
  return primaryStats ? { primary, primaryStats, alternatives } : { primary, alternatives };
}
