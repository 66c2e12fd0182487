import type { Tx } from '../../platform/database/transactions';
import type {
  CauseQuality,
  MacroCounts,
  MacroOutcomes,
  MacroRatings,
  Num,
  PhraseRow,
  ReportStatisticsRepository,
  ReportWindow,
  SymptomFixOutcomes,
  WeekCounts,
} from '../report-statistics.repository';
import type { ReportListRow, ReportsRepository, StoredReport } from '../reports.repository';
import type { WeeklyReportDto } from '../weekly-report.dto';

/** The rows each statistics query answers; the ones a test leaves out are empty. */
export interface StatisticsRows {
  ticketsByCause: WeekCounts<string | null>[];
  ticketsBySymptom: WeekCounts[];
  ticketsPerSpan: { bucket: number; tickets: Num }[];
  suggestionsByMacro: MacroCounts[];
  outcomesByMacro: MacroOutcomes[];
  overridesByMacro: MacroCounts[];
  outcomesBySymptomAndMacro: SymptomFixOutcomes[];
  triagedByCause: CauseQuality[];
  ratingsByMacro: MacroRatings[];
  otherPhrases: PhraseRow[];
}

export type FakeReportStatistics = ReportStatisticsRepository & {
  /** The windows the report read, one per query. */
  readonly windows: ReportWindow[];
  /** Snapshots opened: one per report generated. */
  snapshots: number;
};

/** Report statistics that answer the given rows whatever the window, for unit tests of the report's figures. */
export function fakeReportStatistics(rows: Partial<StatisticsRows> = {}): FakeReportStatistics {
  const windows: ReportWindow[] = [];
  const answer =
    <K extends keyof StatisticsRows>(name: K) =>
    (_tx: Tx, ...args: unknown[]): Promise<StatisticsRows[K]> => {
      windows.push(args.find((a): a is ReportWindow => typeof a === 'object' && a !== null && 'bounds' in a)!);
      return Promise.resolve(rows[name] ?? ([] as StatisticsRows[K]));
    };
  const fake = {
    windows,
    snapshots: 0,
    snapshot<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
      fake.snapshots += 1;
      return work({} as Tx);
    },
    ticketsByCause: answer('ticketsByCause'),
    ticketsBySymptom: answer('ticketsBySymptom'),
    ticketsPerSpan: answer('ticketsPerSpan'),
    suggestionsByMacro: answer('suggestionsByMacro'),
    outcomesByMacro: answer('outcomesByMacro'),
    overridesByMacro: answer('overridesByMacro'),
    outcomesBySymptomAndMacro: answer('outcomesBySymptomAndMacro'),
    triagedByCause: answer('triagedByCause'),
    ratingsByMacro: answer('ratingsByMacro'),
    otherPhrases: answer('otherPhrases'),
  };
  return fake as unknown as FakeReportStatistics;
}

/** The stored weekly reports in memory, one per ISO week as the table keeps them. */
export class FakeReportsRepository {
  readonly weeks = new Map<string, StoredReport>();

  save(r: StoredReport): Promise<void> {
    this.weeks.set(r.isoWeek, r);
    return Promise.resolve();
  }

  find(isoWeek: string): Promise<WeeklyReportDto | null> {
    return Promise.resolve(this.weeks.get(isoWeek)?.report ?? null);
  }

  exists(isoWeek: string): Promise<boolean> {
    return Promise.resolve(this.weeks.has(isoWeek));
  }

  weeksBefore(before: string | null, count: number): Promise<ReportListRow[]> {
    const rows = [...this.weeks.values()]
      .filter((r) => before === null || r.isoWeek < before)
      .sort((a, b) => b.isoWeek.localeCompare(a.isoWeek))
      .slice(0, count)
      .map((r) => ({ iso_week: r.isoWeek, week_start: r.weekStart, week_end: r.weekEnd, generated_at: r.generatedAt }));
    return Promise.resolve(rows);
  }

  asRepository(): ReportsRepository {
    return this as unknown as ReportsRepository;
  }
}
