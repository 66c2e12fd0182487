import { topActions } from './report-actions';
import type { WeeklyReportDto } from './weekly-report.dto';

type Figures = Parameters<typeof topActions>[0];

const fix = (macroId: string, resolved: number, outcomes: number) => ({
  macroId,
  title: macroId,
  outcomes,
  resolved,
  resolutionRate: resolved / outcomes,
  interval: { low: 0, high: 1 },
  posteriorMean: resolved / outcomes,
  credibleInterval: { low: 0, high: 1 },
});

/** A quiet week: nothing to act on until a test adds it. */
function week(over: Partial<Figures> = {}): Figures {
  const base: Omit<WeeklyReportDto, 'actions'> = {
    isoWeek: '2020-W11',
    previousIsoWeek: '2020-W10',
    timeZone: 'UTC',
    weekStart: '',
    weekEnd: '',
    generatedAt: '',
    partial: false,
    packVersion: 'x',
    minSamples: 5,
    summary: { tickets: 100, previousTickets: 100, outcomes: 0, resolved: 0, resolutionRate: null, previousResolutionRate: null },
    volume: { byCause: [], bySymptom: [], weekly: [] },
    macros: [],
    symptoms: [],
    worseThanPrior: [],
    gaps: [],
    quality: {
      overridesByCause: [],
      otherShare: { tickets: 100, other: 5, share: 0.05, previousShare: 0.05 },
      review: { tickets: 100, review: 10, share: 0.1, previousShare: 0.1 },
      phrases: [],
    },
    csat: { good: 0, bad: 0, shareGood: null, previousShareGood: null, byMacro: [] },
  };
  return { ...base, ...over };
}

const symptom = (fixes: ReturnType<typeof fix>[], confirmed: ReturnType<typeof fix> | null) => ({
  symptomId: 'wifi_unstable',
  title: 'Unstable Wi-Fi',
  outcomes: fixes.reduce((s, f) => s + f.outcomes, 0),
  fixesTried: fixes.length,
  bestFix: fixes[0],
  enoughSamples: true,
  confirmedBestFix: confirmed,
  mostUsedFix: [...fixes].sort((a, b) => b.outcomes - a.outcomes)[0],
  previous: { outcomes: 0, bestMacroId: null, bestResolutionRate: null },
});

describe('top things to act on', () => {
  it('is empty for a quiet week', () => {
    expect(topActions(week())).toEqual([]);
  });

  it('proposes a clearly better fix for a symptom whose usual fix fails', () => {
    const usual = fix('connect_stable_wifi', 2, 20);
    const better = fix('restart_device', 9, 12);
    const [action] = topActions(week({ symptoms: [symptom([better, usual], better)] }));
    expect(action).toMatchObject({ kind: 'switch_fix', weight: 18, subject: { type: 'macro', id: 'connect_stable_wifi' } });
    expect(action.text).toContain('send “restart_device” first');
  });

  it('ignores a failing fix with fewer outcomes than the minimum', () => {
    const usual = fix('connect_stable_wifi', 0, 4);
    expect(topActions(week({ symptoms: [symptom([usual], null)] }))).toEqual([]);
  });

  it('keeps the three weightiest, at most two of a kind', () => {
    const causes = ['wifi', 'power', 'storage_full'].map((id, i) => ({
      id,
      title: id,
      tickets: 40 + i,
      previousTickets: 5,
      change: 35 + i,
    }));
    const gaps = ['a', 'b', 'c'].map((id, i) => ({
      symptomId: id,
      title: id,
      outcomes: 10 + i,
      fixesTried: 1,
      bestMacroId: 'x',
      bestResolutionRate: 0,
      gapLastWeek: false,
      enoughSamples: true,
    }));
    const actions = topActions(
      week({
        summary: { ...week().summary, tickets: 120, previousTickets: 100 },
        volume: { byCause: causes, bySymptom: [], weekly: [] },
        gaps,
      }),
    );
    // One rise (the biggest), then the two largest gaps.
    expect(actions.map((a) => [a.kind, a.subject.id])).toEqual([
      ['rising', 'storage_full'],
      ['knowledge_gap', 'c'],
      ['knowledge_gap', 'b'],
    ]);
  });
});
