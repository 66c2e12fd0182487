import { betaInterval95, betaMean } from '../engine/beta';
import { IsoWeek, shiftWeek, weekRange, WeekRange } from './iso-week';
import type { ReportCatalog } from './report-catalog';
import {
  ALL_PACKS,
  type CauseQuality,
  type MacroCounts,
  type MacroOutcomes,
  type MacroRatings,
  type Num,
  type PhraseRow,
  type ReportStatisticsRepository,
  type ReportWindow,
  type SymptomFixOutcomes,
  type WeekCounts,
} from './report-statistics.repository';
import { GAP_THRESHOLD, ratio, round4, wilsonInterval } from './report-stats';
import { candidatePhrases, PHRASE_STOP_WORDS } from './report-phrases';
import { topActions } from './report-actions';
import type {
  CsatDto,
  FixEstimateDto,
  GapDto,
  MacroRowDto,
  MacroWeekDto,
  OverrideRateDto,
  SymptomFixRowDto,
  VolumeRowDto,
  WeeklyReportDto,
  WorseThanPriorDto,
} from './weekly-report.dto';

/** Weeks of ticket volume the chart shows, this one included. */
export const VOLUME_WEEKS = 8;
const PHRASE_LIMIT = 10;

const n = (v: Num): number => (v === null ? 0 : Number(v));

interface WeekBounds {
  readonly week: WeekRange;
  readonly previous: WeekRange;
}

/**
 * Which pack's tickets a report covers. A ticket belongs to the pack of its latest triage (not yet triaged: the
 * default pack's); outcomes and triage results name their pack. Without a scope, a report covers every ticket.
 */
export interface ReportScope {
  readonly packId: string;
  readonly defaultPackId: string;
  /** The only pack loaded: every row is its own, and the queries skip the pack conditions' lookups. */
  readonly only?: boolean;
}

export interface GenerateOptions {
  /** Outcomes a fix needs before it is named best fix, and a symptom before it is called a knowledge gap. */
  readonly minSamples: number;
}

/**
 * Builds one week's report with the previous week beside it. Every figure is aggregated in Postgres over
 * the two weeks' rows (both weeks in one scan, see ReportStatisticsRepository); Node only joins the small
 * per-macro and per-symptom tables.
 */
export class ReportGenerator {
  constructor(
    private readonly statistics: ReportStatisticsRepository,
    private readonly catalog: ReportCatalog,
    private readonly scope?: ReportScope,
  ) {}

  /** The two weeks' spans and the pack (`*` without a scope, or for the only pack: every row qualifies). */
  private window(bounds: Date[]): ReportWindow {
    return {
      bounds,
      pack: this.scope && !this.scope.only ? this.scope.packId : ALL_PACKS,
      defaultPack: this.scope?.defaultPackId ?? ALL_PACKS,
    };
  }

  /**
   * A week that has not ended (the week in progress) is reported up to `now` and compared with the same span
   * of the week before, so Wednesday's figures are set beside last Monday to Wednesday, not a whole week.
   */
  async generate(
    isoWeek: IsoWeek,
    timeZone: string,
    now = new Date(),
    options: GenerateOptions = { minSamples: 1 },
  ): Promise<WeeklyReportDto> {
    const bounds: WeekBounds = { week: weekRange(isoWeek, timeZone), previous: weekRange(shiftWeek(isoWeek, 1), timeZone) };
    const partial = bounds.week.end.getTime() > now.getTime();
    const dataEnd = partial ? new Date(Math.max(now.getTime(), bounds.week.start.getTime())) : bounds.week.end;
    const previousEnd = partial
      ? new Date(bounds.previous.start.getTime() + (dataEnd.getTime() - bounds.week.start.getTime()))
      : bounds.week.start;
    const volumeWeeks = Array.from({ length: VOLUME_WEEKS }, (_, i) => weekRange(shiftWeek(isoWeek, VOLUME_WEEKS - 1 - i), timeZone));
    // One snapshot for every query: the figures agree with each other even while outcomes stream in.
    return this.statistics.snapshot(async (tx) => {
      const w = this.window([bounds.previous.start, bounds.week.start, dataEnd, previousEnd]);
      const edges = [...volumeWeeks.map((v) => v.start), dataEnd];
      const stats = this.statistics;
      // One connection runs them in turn; a transaction cannot run queries side by side.
      const causes = this.volumeByCause(await stats.ticketsByCause(tx, w));
      const symptoms = volumeRows(await stats.ticketsBySymptom(tx, w), (id) => this.symptomTitle(id!));
      const weekly = weeklyVolume(await stats.ticketsPerSpan(tx, edges, w), volumeWeeks);
      const suggested = await stats.suggestionsByMacro(tx, w);
      const outcomes = await stats.outcomesByMacro(tx, w);
      const overrides = await stats.overridesByMacro(tx, w);
      const symptomFixes = await stats.outcomesBySymptomAndMacro(tx, w);
      const quality = await stats.triagedByCause(tx, w);
      const phrases = otherPhrases(await stats.otherPhrases(tx, w, [...PHRASE_STOP_WORDS]));
      const csat = await stats.ratingsByMacro(tx, w);
      const macros = this.macroRows(suggested, outcomes, overrides);
      const symptomRows = this.symptomRows(symptomFixes, options.minSamples);
      const totals = outcomes.reduce(
        (acc, r) => {
          const key = r.cur ? 'cur' : 'prev';
          acc[key].outcomes += n(r.outcomes);
          acc[key].resolved += n(r.resolved);
          return acc;
        },
        { cur: { outcomes: 0, resolved: 0 }, prev: { outcomes: 0, resolved: 0 } },
      );
      const ticketTotals = causes.reduce((acc, r) => ({ cur: acc.cur + r.tickets, prev: acc.prev + r.previousTickets }), {
        cur: 0,
        prev: 0,
      });
      const report: WeeklyReportDto = {
        isoWeek: bounds.week.isoWeek,
        previousIsoWeek: bounds.previous.isoWeek,
        timeZone,
        weekStart: bounds.week.start.toISOString(),
        weekEnd: bounds.week.end.toISOString(),
        generatedAt: now.toISOString(),
        partial,
        ...(this.scope ? { packId: this.scope.packId } : {}),
        packVersion: this.catalog.packVersion,
        minSamples: options.minSamples,
        actions: [],
        summary: {
          tickets: ticketTotals.cur,
          previousTickets: ticketTotals.prev,
          outcomes: totals.cur.outcomes,
          resolved: totals.cur.resolved,
          resolutionRate: round4(ratio(totals.cur.resolved, totals.cur.outcomes)),
          previousResolutionRate: round4(ratio(totals.prev.resolved, totals.prev.outcomes)),
        },
        volume: { byCause: causes, bySymptom: symptoms, weekly },
        macros,
        symptoms: symptomRows.rows,
        worseThanPrior: macros.filter((m) => m.worseThanPrior).map(toWorse),
        gaps: symptomRows.gaps,
        quality: { ...this.qualityFigures(quality), phrases },
        csat: this.csatFigures(csat),
      };
      return { ...report, actions: topActions(report) };
    });
  }

  private volumeByCause(rows: WeekCounts<string | null>[]): VolumeRowDto[] {
    return volumeRows(rows, (id) => (id === null ? 'Not triaged yet' : (this.catalog.causes.get(id) ?? id)));
  }

  private macroRows(suggested: MacroCounts[], outcomes: MacroOutcomes[], overrides: MacroCounts[]): MacroRowDto[] {
    const empty = (): MacroWeekDto & { median: number | null } => ({
      suggested: 0,
      applied: 0,
      outcomes: 0,
      resolved: 0,
      resolutionRate: null,
      median: null,
    });
    const table = new Map<string, { cur: ReturnType<typeof empty>; prev: ReturnType<typeof empty> }>();
    const cell = (id: string) => table.get(id) ?? table.set(id, { cur: empty(), prev: empty() }).get(id)!;
    for (const r of suggested) {
      cell(r.macro_id).cur.suggested += n(r.cur);
      cell(r.macro_id).prev.suggested += n(r.prev);
    }
    for (const r of overrides) {
      cell(r.macro_id).cur.applied += n(r.cur);
      cell(r.macro_id).prev.applied += n(r.prev);
    }
    for (const r of outcomes) {
      const w = r.cur ? cell(r.macro_id).cur : cell(r.macro_id).prev;
      w.outcomes += n(r.outcomes);
      w.resolved += n(r.resolved);
      w.applied += n(r.applied);
      w.median = r.median_ttr === null ? null : Number(r.median_ttr);
    }
    const rows: MacroRowDto[] = [];
    for (const [macroId, { cur, prev }] of table) {
      const known = this.catalog.macros.get(macroId);
      const rate = ratio(cur.resolved, cur.outcomes);
      const previousRate = ratio(prev.resolved, prev.outcomes);
      const interval = wilsonInterval(cur.resolved, cur.outcomes);
      const prior = known ? { ...known.prior, mean: round4(betaMean(known.prior.alpha, known.prior.beta))! } : null;
      rows.push({
        macroId,
        title: known?.title ?? macroId,
        suggested: cur.suggested,
        applied: cur.applied,
        outcomes: cur.outcomes,
        resolved: cur.resolved,
        resolutionRate: round4(rate),
        interval: roundInterval(interval),
        change: rate === null || previousRate === null ? null : round4(rate - previousRate),
        medianResolutionSeconds: cur.median === null ? null : round4(cur.median),
        prior,
        worseThanPrior: !!(prior && interval && interval.high < betaMean(prior.alpha, prior.beta)),
        previous: {
          suggested: prev.suggested,
          applied: prev.applied,
          outcomes: prev.outcomes,
          resolved: prev.resolved,
          resolutionRate: round4(previousRate),
        },
      });
    }
    return rows.sort((a, b) => b.outcomes - a.outcomes || b.suggested - a.suggested || a.macroId.localeCompare(b.macroId));
  }

  /**
   * Per symptom, the fix with the best posterior (the macro's prior updated by the week's outcomes), over every fix
   * and over the fixes with at least `minSamples` outcomes; a symptom is a gap when no fix resolves half its tickets.
   */
  private symptomRows(rows: SymptomFixOutcomes[], minSamples: number) {
    const bySymptom = new Map<string, { cur: FixEstimateDto[]; prev: FixEstimateDto[] }>();
    for (const r of rows) {
      const entry = bySymptom.get(r.symptom_id) ?? { cur: [], prev: [] };
      bySymptom.set(r.symptom_id, entry);
      (r.cur ? entry.cur : entry.prev).push(this.estimate(r.macro_id, n(r.outcomes), n(r.resolved)));
    }
    const result: SymptomFixRowDto[] = [];
    const gaps: GapDto[] = [];
    for (const [symptomId, { cur, prev }] of bySymptom) {
      if (cur.length === 0) continue;
      const ranked = rankFixes(cur);
      const best = ranked[0];
      const prevBest = prev.length ? rankFixes(prev)[0] : null;
      const title = this.symptomTitle(symptomId);
      const outcomes = cur.reduce((s, f) => s + f.outcomes, 0);
      result.push({
        symptomId,
        title,
        outcomes,
        fixesTried: cur.length,
        bestFix: best,
        enoughSamples: best.outcomes >= minSamples,
        confirmedBestFix: ranked.find((f) => f.outcomes >= minSamples) ?? null,
        mostUsedFix: [...cur].sort((a, b) => b.outcomes - a.outcomes || byRate(a, b))[0],
        previous: {
          outcomes: prev.reduce((s, f) => s + f.outcomes, 0),
          bestMacroId: prevBest?.macroId ?? null,
          bestResolutionRate: prevBest?.resolutionRate ?? null,
        },
      });
      const topRate = (fixes: FixEstimateDto[]) => [...fixes].sort(byRate)[0];
      const bestByRate = topRate(cur);
      if (bestByRate.resolutionRate < GAP_THRESHOLD) {
        gaps.push({
          symptomId,
          title,
          outcomes,
          fixesTried: cur.length,
          bestMacroId: bestByRate.macroId,
          bestResolutionRate: bestByRate.resolutionRate,
          gapLastWeek: prev.length > 0 && topRate(prev).resolutionRate < GAP_THRESHOLD,
          enoughSamples: outcomes >= minSamples,
        });
      }
    }
    result.sort((a, b) => b.outcomes - a.outcomes || a.symptomId.localeCompare(b.symptomId));
    gaps.sort((a, b) => b.outcomes - a.outcomes || a.symptomId.localeCompare(b.symptomId));
    return { rows: result, gaps };
  }

  private estimate(macroId: string, outcomes: number, resolved: number): FixEstimateDto {
    // A macro unknown to the pack gets a flat prior.
    const prior = this.catalog.macros.get(macroId)?.prior ?? { alpha: 1, beta: 1 };
    const a = prior.alpha + resolved;
    const b = prior.beta + outcomes - resolved;
    const [low, high] = betaInterval95(a, b);
    return {
      macroId,
      title: this.catalog.macros.get(macroId)?.title ?? macroId,
      outcomes,
      resolved,
      resolutionRate: round4(resolved / outcomes)!,
      interval: roundInterval(wilsonInterval(resolved, outcomes))!,
      posteriorMean: round4(betaMean(a, b))!,
      credibleInterval: { low: round4(low)!, high: round4(high)! },
    };
  }

  private qualityFigures(rows: CauseQuality[]) {
    const byCause = new Map<string, { cur: { t: number; o: number }; prev: { t: number; o: number } }>();
    const total = { cur: { t: 0, other: 0, review: 0 }, prev: { t: 0, other: 0, review: 0 } };
    for (const r of rows) {
      const e = byCause.get(r.cause_id) ?? { cur: { t: 0, o: 0 }, prev: { t: 0, o: 0 } };
      byCause.set(r.cause_id, e);
      const w = r.cur ? e.cur : e.prev;
      w.t += n(r.tickets);
      w.o += n(r.overridden);
      const tw = r.cur ? total.cur : total.prev;
      tw.t += n(r.tickets);
      tw.review += n(r.review);
      if (r.cause_id === 'other') tw.other += n(r.tickets);
    }
    const overridesByCause: OverrideRateDto[] = [...byCause]
      .filter(([, e]) => e.cur.t > 0)
      .map(([causeId, e]) => ({
        causeId,
        title: this.catalog.causes.get(causeId) ?? causeId,
        tickets: e.cur.t,
        overridden: e.cur.o,
        overrideRate: round4(e.cur.o / e.cur.t)!,
        previousOverrideRate: round4(ratio(e.prev.o, e.prev.t)),
      }))
      .sort((a, b) => b.overrideRate - a.overrideRate || b.tickets - a.tickets || a.causeId.localeCompare(b.causeId));
    return {
      overridesByCause,
      otherShare: {
        tickets: total.cur.t,
        other: total.cur.other,
        share: round4(ratio(total.cur.other, total.cur.t)),
        previousShare: round4(ratio(total.prev.other, total.prev.t)),
      },
      review: {
        tickets: total.cur.t,
        review: total.cur.review,
        share: round4(ratio(total.cur.review, total.cur.t)),
        previousShare: round4(ratio(total.prev.review, total.prev.t)),
      },
    };
  }

  private csatFigures(rows: MacroRatings[]): CsatDto {
    const figures = (good: number, bad: number) => ({ good, bad, shareGood: round4(ratio(good, good + bad)) });
    const sum = (cur: boolean) =>
      rows.filter((r) => r.cur === cur).reduce((a, r) => ({ good: a.good + n(r.good), bad: a.bad + n(r.bad) }), { good: 0, bad: 0 });
    const cur = sum(true);
    const prev = sum(false);
    const byMacro = rows
      .filter((r) => r.cur && r.macro_id !== null)
      .map((r) => ({
        macroId: r.macro_id!,
        title: this.catalog.macros.get(r.macro_id!)?.title ?? r.macro_id!,
        ...figures(n(r.good), n(r.bad)),
      }))
      .sort((a, b) => b.good + b.bad - (a.good + a.bad) || a.macroId.localeCompare(b.macroId));
    return { ...figures(cur.good, cur.bad), previousShareGood: round4(ratio(prev.good, prev.good + prev.bad)), byMacro };
  }

  private symptomTitle(id: string): string {
    return this.catalog.symptoms.get(id) ?? this.catalog.symptoms.get(this.catalog.aliases.get(id) ?? '') ?? id;
  }
}

function volumeRows<K extends string | null>(rows: WeekCounts<K>[], title: (id: K) => string): VolumeRowDto[] {
  return rows
    .map((r) => ({ id: r.id, title: title(r.id), tickets: n(r.cur), previousTickets: n(r.prev), change: n(r.cur) - n(r.prev) }))
    .sort((a, b) => b.tickets - a.tickets || b.previousTickets - a.previousTickets || String(a.id).localeCompare(String(b.id)));
}

/** Tickets per week of the chart, oldest first; a week without tickets has no bucket and counts 0. */
function weeklyVolume(rows: { bucket: number; tickets: Num }[], weeks: WeekRange[]) {
  const byBucket = new Map(rows.map((r) => [Number(r.bucket), n(r.tickets)]));
  return weeks.map((w, i) => ({ isoWeek: w.isoWeek, tickets: byBucket.get(i + 1) ?? 0 }));
}

/** The rule candidates among the counted phrases: the most frequent, without 2-word ones that add nothing to a 3-word one. */
function otherPhrases(rows: PhraseRow[]) {
  return candidatePhrases(
    rows.map((r) => ({ phrase: r.phrase, tickets: n(r.tickets) })),
    PHRASE_LIMIT,
  );
}

function roundInterval(i: { low: number; high: number } | null) {
  return i ? { low: round4(i.low)!, high: round4(i.high)! } : null;
}

/** Best first: posterior mean, then more evidence, then id. */
function rankFixes(fixes: FixEstimateDto[]): FixEstimateDto[] {
  return [...fixes].sort((a, b) => b.posteriorMean - a.posteriorMean || b.outcomes - a.outcomes || a.macroId.localeCompare(b.macroId));
}

function byRate(a: FixEstimateDto, b: FixEstimateDto): number {
  return b.resolutionRate - a.resolutionRate || b.outcomes - a.outcomes || a.macroId.localeCompare(b.macroId);
}

function toWorse(m: MacroRowDto): WorseThanPriorDto {
  return {
    macroId: m.macroId,
    title: m.title,
    outcomes: m.outcomes,
    resolved: m.resolved,
    resolutionRate: m.resolutionRate!,
    interval: m.interval!,
    priorMean: m.prior!.mean,
  };
}
