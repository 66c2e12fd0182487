import type { DataSource, EntityManager } from 'typeorm';
import { betaInterval95, betaMean } from '../engine/beta';
import { IsoWeek, shiftWeek, weekRange, WeekRange } from './iso-week';
import type { ReportCatalog } from './report-catalog';
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

type Num = string | number | null;
/** The pack parameter of a report without a scope: every pack's rows. */
const ALL_PACKS = '*';
const n = (v: Num): number => (v === null ? 0 : Number(v));

type QualityRow = { cause_id: string; cur: boolean; tickets: Num; overridden: Num; review: Num };

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

/** $5 the pack (`*`: every pack), $6 the default pack: the ticket `alias` belongs to the pack. */
const ticketInPack = (alias: string) =>
  `($5::varchar = '*' OR COALESCE((SELECT r.pack_id FROM triage_results r WHERE r.id = ${alias}.latest_triage_id), $6::varchar) = $5::varchar)`;
/** The same for a row naming its ticket by `ticket_id`. */
const ticketOfRowInPack = (alias: string) =>
  `($5::varchar = '*' OR COALESCE((SELECT r.pack_id FROM tickets k JOIN triage_results r ON r.id = k.latest_triage_id WHERE k.id = ${alias}.ticket_id), $6::varchar) = $5::varchar)`;
/** $5 the pack (`*`: every pack): a row with its own pack_id belongs to it. */
const rowInPack = (alias: string) => `($5::varchar = '*' OR ${alias}.pack_id = $5::varchar)`;

export interface GenerateOptions {
  /** Outcomes a fix needs before it is named best fix, and a symptom before it is called a knowledge gap. */
  readonly minSamples: number;
}

/**
 * Builds one week's report with the previous week beside it. Every figure is aggregated in Postgres over
 * the two weeks' rows (both weeks in one scan); Node only joins the small per-macro and per-symptom tables.
 */
export class ReportGenerator {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: ReportCatalog,
    private readonly scope?: ReportScope,
  ) {}

  /** The week bounds and $5, the pack (`*` without a scope: every row qualifies). */
  private withPack(p: Date[]): unknown[] {
    return [...p, this.packParam];
  }

  /** The week bounds, $5 the pack and $6 the default pack, for conditions on a ticket's pack. */
  private withPacks(p: Date[]): unknown[] {
    return [...this.withPack(p), this.scope?.defaultPackId ?? ALL_PACKS];
  }

  private get packParam(): string {
    return this.scope && !this.scope.only ? this.scope.packId : ALL_PACKS;
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
    return this.db.transaction('REPEATABLE READ', async (tx) => {
      // $1 previous week's start, $2 this week's start, $3 end of this week's data, $4 end of the previous week's span.
      const p = [bounds.previous.start, bounds.week.start, dataEnd, previousEnd];
      // One connection runs them in turn; a transaction cannot run queries side by side.
      const causes = await this.volumeByCause(tx, p);
      const symptoms = await this.volumeBySymptom(tx, p);
      const weekly = await this.weeklyVolume(tx, volumeWeeks, dataEnd);
      const suggested = await this.suggestions(tx, p);
      const outcomes = await this.outcomesByMacro(tx, p);
      const overrides = await this.overridesChoosing(tx, p);
      const symptomFixes = await this.symptomFixes(tx, p);
      const quality = await this.overridesByCause(tx, p);
      const phrases = await this.otherPhrases(tx, p);
      const csat = await this.csat(tx, p);
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

  private async volumeByCause(tx: EntityManager, p: Date[]): Promise<VolumeRowDto[]> {
    const rows: { id: string | null; cur: Num; prev: Num }[] = await tx.query(
      `SELECT cause_id AS id, count(*) FILTER (WHERE created_at >= $2) AS cur, count(*) FILTER (WHERE created_at < $2) AS prev
       FROM tickets t WHERE created_at >= $1 AND created_at < $3 AND (created_at >= $2 OR created_at < $4) AND ${ticketInPack('t')}
       GROUP BY cause_id`,
      this.withPacks(p),
    );
    return volumeRows(rows, (id) => (id === null ? 'Not triaged yet' : (this.catalog.causes.get(id) ?? id)));
  }

  private async volumeBySymptom(tx: EntityManager, p: Date[]): Promise<VolumeRowDto[]> {
    const rows: { id: string; cur: Num; prev: Num }[] = await tx.query(
      `SELECT s.id, count(*) FILTER (WHERE t.created_at >= $2) AS cur, count(*) FILTER (WHERE t.created_at < $2) AS prev
       FROM tickets t CROSS JOIN LATERAL (SELECT DISTINCT unnest(t.symptom_ids)) AS s(id)
       WHERE t.created_at >= $1 AND t.created_at < $3 AND (t.created_at >= $2 OR t.created_at < $4) AND ${ticketInPack('t')} GROUP BY s.id`,
      this.withPacks(p),
    );
    return volumeRows(rows, (id) => this.symptomTitle(id!));
  }

  private async weeklyVolume(tx: EntityManager, weeks: WeekRange[], dataEnd: Date) {
    const edges = [...weeks.map((w) => w.start), dataEnd];
    const rows: { bucket: number; tickets: Num }[] = await tx.query(
      `SELECT width_bucket(created_at, $1::timestamptz[]) AS bucket, count(*) AS tickets
       FROM tickets t WHERE created_at >= $2 AND created_at < $3
         AND ($4::varchar = '*' OR COALESCE((SELECT r.pack_id FROM triage_results r WHERE r.id = t.latest_triage_id), $5::varchar) = $4::varchar)
       GROUP BY 1`,
      [edges, edges[0], edges[edges.length - 1], this.packParam, this.scope?.defaultPackId ?? ALL_PACKS],
    );
    const byBucket = new Map(rows.map((r) => [Number(r.bucket), n(r.tickets)]));
    return weeks.map((w, i) => ({ isoWeek: w.isoWeek, tickets: byBucket.get(i + 1) ?? 0 }));
  }

  private suggestions(tx: EntityManager, p: Date[]): Promise<{ macro_id: string; cur: Num; prev: Num }[]> {
    return tx.query(
      `SELECT macro_id, count(*) FILTER (WHERE triaged_at >= $2) AS cur, count(*) FILTER (WHERE triaged_at < $2) AS prev
       FROM triage_results x WHERE triaged_at >= $1 AND triaged_at < $3 AND (triaged_at >= $2 OR triaged_at < $4) AND ${rowInPack('x')}
       GROUP BY macro_id`,
      this.withPack(p),
    );
  }

  private outcomesByMacro(tx: EntityManager, p: Date[]) {
    return tx.query(
      `SELECT macro_id, event_at >= $2 AS cur, count(*) AS outcomes, count(*) FILTER (WHERE resolved) AS resolved,
              count(*) FILTER (WHERE attribution IN ('agent', 'applied')) AS applied,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_resolution_seconds)
                FILTER (WHERE resolved AND time_to_resolution_seconds IS NOT NULL) AS median_ttr
       FROM outcomes x WHERE event_at >= $1 AND event_at < $3 AND (event_at >= $2 OR event_at < $4) AND ${rowInPack('x')}
       GROUP BY macro_id, cur`,
      this.withPack(p),
    ) as Promise<{ macro_id: string; cur: boolean; outcomes: Num; resolved: Num; applied: Num; median_ttr: Num }[]>;
  }

  private overridesChoosing(tx: EntityManager, p: Date[]): Promise<{ macro_id: string; cur: Num; prev: Num }[]> {
    return tx.query(
      `SELECT macro_id, count(*) FILTER (WHERE created_at >= $2) AS cur, count(*) FILTER (WHERE created_at < $2) AS prev
       FROM triage_overrides x WHERE created_at >= $1 AND created_at < $3 AND (created_at >= $2 OR created_at < $4) AND macro_id IS NOT NULL
         AND ${ticketOfRowInPack('x')}
       GROUP BY macro_id`,
      this.withPacks(p),
    );
  }

  private symptomFixes(tx: EntityManager, p: Date[]) {
    return tx.query(
      `SELECT s.id AS symptom_id, o.macro_id, o.event_at >= $2 AS cur, count(*) AS outcomes, count(*) FILTER (WHERE o.resolved) AS resolved
       FROM outcomes o CROSS JOIN LATERAL (SELECT DISTINCT unnest(o.symptom_ids)) AS s(id)
       WHERE o.event_at >= $1 AND o.event_at < $3 AND (o.event_at >= $2 OR o.event_at < $4) AND ${rowInPack('o')} GROUP BY 1, 2, 3`,
      this.withPack(p),
    ) as Promise<{ symptom_id: string; macro_id: string; cur: boolean; outcomes: Num; resolved: Num }[]>;
  }

  /** Triaged tickets received in each week, by the engine's cause, with how many an agent overrode and how many needed review. */
  private overridesByCause(tx: EntityManager, p: Date[]) {
    return tx.query(
      `SELECT tr.cause_id, t.created_at >= $2 AS cur, count(*) AS tickets, count(t.override_id) AS overridden,
              count(*) FILTER (WHERE t.decision = 'review') AS review
       FROM tickets t JOIN triage_results tr ON tr.id = t.latest_triage_id
       WHERE t.created_at >= $1 AND t.created_at < $3 AND (t.created_at >= $2 OR t.created_at < $4) AND ${rowInPack('tr')} GROUP BY 1, 2`,
      this.withPack(p),
    ) as Promise<QualityRow[]>;
  }

  /**
   * Satisfaction ratings, as the helpdesks' webhooks stored them: each ticket's last rating in the week, credited
   * to the fix its outcome names (none when no fix could be credited).
   */
  private csat(tx: EntityManager, p: Date[]) {
    return tx.query(
      `SELECT macro_id, cur, count(*) FILTER (WHERE kind = 'csat_good') AS good, count(*) FILTER (WHERE kind = 'csat_bad') AS bad
       FROM (SELECT DISTINCT ON (ticket_id, event_at >= $2) macro_id, kind, event_at >= $2 AS cur
             FROM outcome_signals x
             WHERE event_at >= $1 AND event_at < $3 AND (event_at >= $2 OR event_at < $4) AND kind IN ('csat_good', 'csat_bad')
               AND ${ticketOfRowInPack('x')}
             ORDER BY ticket_id, event_at >= $2, event_at DESC) last_rating
       GROUP BY 1, 2`,
      this.withPacks(p),
    ) as Promise<{ macro_id: string | null; cur: boolean; good: Num; bad: Num }[]>;
  }

  /**
   * 2- and 3-word phrases of the week's `other` tickets (subject and description), counted once per ticket;
   * phrases holding a stop word, a number or a single letter are no rule candidates.
   */
  private async otherPhrases(tx: EntityManager, p: Date[]) {
    const rows: { phrase: string; words: number; tickets: Num }[] = await tx.query(
      `WITH docs AS (
         SELECT t.id, regexp_split_to_array(lower(t.subject || ' ' || t.description), '[^[:alnum:]]+') AS words
         FROM tickets t JOIN triage_results tr ON tr.id = t.latest_triage_id
         WHERE t.created_at >= $1 AND t.created_at < $2 AND tr.cause_id = 'other' AND ($4::varchar = '*' OR tr.pack_id = $4::varchar)
       ), tokens AS (
         SELECT d.id, w.word, w.i, (length(w.word) < 2 OR w.word ~ '^[0-9]+$' OR w.word = ANY($3)) AS stop
         FROM docs d CROSS JOIN LATERAL unnest(d.words) WITH ORDINALITY AS w(word, i) WHERE w.word <> ''
       ), grams AS (
         SELECT id, word, stop,
                lead(word, 1) OVER win AS w2, lead(stop, 1) OVER win AS s2,
                lead(word, 2) OVER win AS w3, lead(stop, 2) OVER win AS s3
         FROM tokens WINDOW win AS (PARTITION BY id ORDER BY i)
       ), phrases AS (
         SELECT id, word || ' ' || w2 AS phrase, 2 AS words FROM grams WHERE NOT stop AND NOT s2
         UNION ALL
         SELECT id, word || ' ' || w2 || ' ' || w3, 3 FROM grams WHERE NOT stop AND NOT s2 AND NOT s3
       )
       SELECT phrase, words, count(DISTINCT id) AS tickets FROM phrases GROUP BY phrase, words
       HAVING count(DISTINCT id) >= 2 ORDER BY tickets DESC, words DESC, phrase LIMIT 200`,
      [p[1], p[2], [...PHRASE_STOP_WORDS], this.packParam],
    );
    return candidatePhrases(
      rows.map((r) => ({ phrase: r.phrase, tickets: n(r.tickets) })),
      PHRASE_LIMIT,
    );
  }

  private macroRows(
    suggested: { macro_id: string; cur: Num; prev: Num }[],
    outcomes: { macro_id: string; cur: boolean; outcomes: Num; resolved: Num; applied: Num; median_ttr: Num }[],
    overrides: { macro_id: string; cur: Num; prev: Num }[],
  ): MacroRowDto[] {
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
  private symptomRows(rows: { symptom_id: string; macro_id: string; cur: boolean; outcomes: Num; resolved: Num }[], minSamples: number) {
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

  private qualityFigures(rows: QualityRow[]) {
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

  private csatFigures(rows: { macro_id: string | null; cur: boolean; good: Num; bad: Num }[]): CsatDto {
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

function volumeRows(rows: { id: string | null; cur: Num; prev: Num }[], title: (id: string | null) => string): VolumeRowDto[] {
  return rows
    .map((r) => ({ id: r.id, title: title(r.id), tickets: n(r.cur), previousTickets: n(r.prev), change: n(r.cur) - n(r.prev) }))
    .sort((a, b) => b.tickets - a.tickets || b.previousTickets - a.previousTickets || String(a.id).localeCompare(String(b.id)));
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
