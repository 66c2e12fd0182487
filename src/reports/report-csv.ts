import { assertUnreachable } from '../platform/errors/domain-error';
import type { CsvSection, WeeklyReportDto } from './weekly-report.dto';

type Cell = string | number | boolean | null | undefined;

/** One CSV table (RFC 4180, CRLF) per section of the report. */
export function renderCsv(report: WeeklyReportDto, section: CsvSection): string {
  const [header, rows] = table(report, section);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function table(r: WeeklyReportDto, section: CsvSection): [string[], Cell[][]] {
  switch (section) {
    case 'macros':
      return [
        [
          'iso_week',
          'macro_id',
          'title',
          'suggested',
          'applied',
          'outcomes',
          'resolved',
          'resolution_rate',
          'ci95_low',
          'ci95_high',
          'change',
          'median_resolution_seconds',
          'prior_mean',
          'worse_than_prior',
          'previous_suggested',
          'previous_applied',
          'previous_outcomes',
          'previous_resolved',
          'previous_resolution_rate',
        ],
        r.macros.map((m) => [
          r.isoWeek,
          m.macroId,
          m.title,
          m.suggested,
          m.applied,
          m.outcomes,
          m.resolved,
          m.resolutionRate,
          m.interval?.low,
          m.interval?.high,
          m.change,
          m.medianResolutionSeconds,
          m.prior?.mean,
          m.worseThanPrior,
          m.previous.suggested,
          m.previous.applied,
          m.previous.outcomes,
          m.previous.resolved,
          m.previous.resolutionRate,
        ]),
      ];
    case 'symptoms':
      return [
        [
          'iso_week',
          'symptom_id',
          'title',
          'outcomes',
          'fixes_tried',
          'best_macro_id',
          'best_outcomes',
          'best_resolved',
          'best_resolution_rate',
          'ci95_low',
          'ci95_high',
          'posterior_mean',
          'credible95_low',
          'credible95_high',
          'previous_outcomes',
          'previous_best_macro_id',
          'previous_best_resolution_rate',
          'min_samples_met',
          'confirmed_best_macro_id',
          'confirmed_best_resolution_rate',
          'most_used_macro_id',
          'most_used_outcomes',
          'most_used_resolution_rate',
        ],
        r.symptoms.map((s) => [
          r.isoWeek,
          s.symptomId,
          s.title,
          s.outcomes,
          s.fixesTried,
          s.bestFix.macroId,
          s.bestFix.outcomes,
          s.bestFix.resolved,
          s.bestFix.resolutionRate,
          s.bestFix.interval.low,
          s.bestFix.interval.high,
          s.bestFix.posteriorMean,
          s.bestFix.credibleInterval.low,
          s.bestFix.credibleInterval.high,
          s.previous.outcomes,
          s.previous.bestMacroId,
          s.previous.bestResolutionRate,
          s.enoughSamples,
          s.confirmedBestFix?.macroId,
          s.confirmedBestFix?.resolutionRate,
          s.mostUsedFix?.macroId,
          s.mostUsedFix?.outcomes,
          s.mostUsedFix?.resolutionRate,
        ]),
      ];
    case 'causes':
      return [
        ['iso_week', 'dimension', 'id', 'title', 'tickets', 'previous_tickets', 'change'],
        [
          ...r.volume.byCause.map((v) => [r.isoWeek, 'cause', v.id, v.title, v.tickets, v.previousTickets, v.change]),
          ...r.volume.bySymptom.map((v) => [r.isoWeek, 'symptom', v.id, v.title, v.tickets, v.previousTickets, v.change]),
        ],
      ];
    case 'gaps':
      return [
        [
          'iso_week',
          'symptom_id',
          'title',
          'outcomes',
          'fixes_tried',
          'best_macro_id',
          'best_resolution_rate',
          'gap_last_week',
          'min_samples_met',
        ],
        r.gaps.map((g) => [
          r.isoWeek,
          g.symptomId,
          g.title,
          g.outcomes,
          g.fixesTried,
          g.bestMacroId,
          g.bestResolutionRate,
          g.gapLastWeek,
          g.enoughSamples,
        ]),
      ];
    case 'quality':
      return [
        ['iso_week', 'metric', 'key', 'title', 'tickets', 'count', 'rate', 'previous_rate'],
        [
          ...r.quality.overridesByCause.map((o) => [
            r.isoWeek,
            'override_rate',
            o.causeId,
            o.title,
            o.tickets,
            o.overridden,
            o.overrideRate,
            o.previousOverrideRate,
          ]),
          [
            r.isoWeek,
            'other_share',
            'other',
            'Answered other',
            r.quality.otherShare.tickets,
            r.quality.otherShare.other,
            r.quality.otherShare.share,
            r.quality.otherShare.previousShare,
          ],
          ...(r.quality.review
            ? [
                [
                  r.isoWeek,
                  'review_share',
                  'review',
                  'Needed review',
                  r.quality.review.tickets,
                  r.quality.review.review,
                  r.quality.review.share,
                  r.quality.review.previousShare,
                ],
              ]
            : []),
          ...r.quality.phrases.map((p) => [r.isoWeek, 'phrase', p.phrase, p.phrase, p.tickets, p.tickets, null, null]),
        ],
      ];
    case 'csat': {
      const c = r.csat ?? { good: 0, bad: 0, shareGood: null, previousShareGood: null, byMacro: [] };
      return [
        ['iso_week', 'macro_id', 'title', 'good', 'bad', 'share_good', 'previous_share_good'],
        [
          [r.isoWeek, '', 'All ratings', c.good, c.bad, c.shareGood, c.previousShareGood],
          ...c.byMacro.map((m) => [r.isoWeek, m.macroId, m.title, m.good, m.bad, m.shareGood, null]),
        ],
      ];
    }
    default:
      return assertUnreachable(section);
  }
}

/** Quotes when needed; a text starting like a formula gets a leading apostrophe, so spreadsheets do not run it. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
