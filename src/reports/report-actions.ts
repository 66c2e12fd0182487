import { GAP_THRESHOLD } from './report-stats';
import type { ActionDto, ActionKind, WeeklyReportDto } from './weekly-report.dto';

/** How many actions the report leads with. */
export const TOP_ACTIONS = 3;
/** No more than this many actions of one kind, so the list is not three variations of one finding. */
const PER_KIND = 2;
/** A fix replaces another only when it resolves at least this much more of the symptom's tickets. */
const CLEARLY_BETTER = 0.15;
/** A problem is rising when its tickets grew by half more than the helpdesk's (and by at least minSamples tickets). */
const RISING_GROWTH = 0.5;
/** Shares of the week's triaged tickets worth acting on: needing review, or matching no cause. */
const REVIEW_SHARE = 0.25;
const UNMATCHED_SHARE = 0.15;

type Figures = Omit<WeeklyReportDto, 'actions'>;

/**
 * The few things most worth doing this week, derived from the figures: each candidate weighs the tickets (or
 * outcomes) it concerns, and the heaviest lead. Only figures with at least minSamples outcomes or tickets count.
 */
export function topActions(r: Figures, limit = TOP_ACTIONS): ActionDto[] {
  const min = r.minSamples;
  const candidates: ActionDto[] = [];
  const sameSpan = r.partial ? 'the same days last week' : 'last week';
  const gapSymptoms = new Set(r.gaps.filter((g) => g.enoughSamples).map((g) => g.symptomId));
  const namedMacros = new Set<string>();

  for (const s of r.symptoms) {
    const used = s.mostUsedFix;
    if (gapSymptoms.has(s.symptomId) || used.outcomes < min || used.resolutionRate >= GAP_THRESHOLD) continue;
    const better = s.confirmedBestFix;
    const failures = used.outcomes - used.resolved;
    namedMacros.add(used.macroId);
    if (better && better.macroId !== used.macroId && better.resolutionRate - used.resolutionRate >= CLEARLY_BETTER) {
      candidates.push({
        kind: 'switch_fix',
        text:
          `On “${s.title}” tickets, “${used.title}” resolved ${used.resolved} of ${used.outcomes} (${pct(used.resolutionRate)}), ` +
          `“${better.title}” ${better.resolved} of ${better.outcomes} (${pct(better.resolutionRate)}): send “${better.title}” first.`,
        weight: failures,
        subject: { type: 'macro', id: used.macroId },
      });
    } else {
      candidates.push({
        kind: 'failing_fix',
        text: `“${used.title}” fails on “${s.title}” tickets: it resolved ${used.resolved} of ${used.outcomes} (${pct(used.resolutionRate)}). Review the macro or when it is sent.`,
        weight: failures,
        subject: { type: 'macro', id: used.macroId },
      });
    }
  }
  for (const w of r.worseThanPrior) {
    if (namedMacros.has(w.macroId) || w.outcomes < min) continue;
    candidates.push({
      kind: 'failing_fix',
      text: `“${w.title}” resolved ${w.resolved} of ${w.outcomes} (${pct(w.resolutionRate)}), well below the ${pct(w.priorMean)} expected. Review the macro or when it is sent.`,
      weight: w.outcomes - w.resolved,
      subject: { type: 'macro', id: w.macroId },
    });
  }
  for (const g of r.gaps) {
    if (!g.enoughSamples) continue;
    candidates.push({
      kind: 'knowledge_gap',
      text:
        `No fix works for “${g.title}”: the best of ${g.fixesTried} tried resolved ${pct(g.bestResolutionRate)} of its tickets ` +
        `(${g.outcomes} outcomes)${g.gapLastWeek ? ', as last week' : ''}. Write a better macro or rule.`,
      weight: Math.round(g.outcomes * (1 - g.bestResolutionRate)),
      subject: { type: 'symptom', id: g.symptomId },
    });
  }
  // A problem rises when it grows faster than the whole helpdesk: its expected count follows the total's change.
  const growth = r.summary.previousTickets > 0 ? r.summary.tickets / r.summary.previousTickets : 1;
  // Causes, not symptoms: many symptoms are context ("already restarted", "Wi-Fi is fine"), not problems.
  const rising = r.volume.byCause
    .filter((v) => v.id !== null && v.id !== 'other')
    .map((v) => ({ ...v, excess: Math.round(v.tickets - v.previousTickets * growth) }))
    .filter((v) => v.tickets >= min && v.excess >= Math.max(min, v.previousTickets * growth * RISING_GROWTH))
    .sort((a, b) => b.excess - a.excess || String(a.id).localeCompare(String(b.id)));
  for (const v of rising.slice(0, 1)) {
    candidates.push({
      kind: 'rising',
      text: `More tickets about “${v.title}”: ${v.tickets}, against ${v.previousTickets} ${sameSpan}. Check for a new cause (an iOS release, an outage) and that its fix still fits.`,
      weight: v.excess,
      subject: { type: 'cause', id: v.id! },
    });
  }
  const review = r.quality.review;
  if (review.share !== null && review.share >= REVIEW_SHARE && review.review >= min) {
    candidates.push({
      kind: 'review_share',
      text: `${review.review} of ${review.tickets} tickets (${pct(review.share)}) were below the confidence gate and needed an agent’s review. Correcting their cause teaches the model.`,
      // Each review costs an agent's time, not a customer's fix: half the weight of a failed fix.
      weight: Math.round(review.review / 2),
      subject: { type: 'review', id: '' },
    });
  }
  const other = r.quality.otherShare;
  if (other.share !== null && other.share >= UNMATCHED_SHARE && other.other >= min) {
    const phrase = r.quality.phrases[0];
    candidates.push({
      kind: 'unmatched',
      text:
        `${other.other} of ${other.tickets} tickets (${pct(other.share)}) matched no cause` +
        (phrase ? `; “${phrase.phrase}” occurs in ${phrase.tickets} of them: a candidate for a new rule.` : '.'),
      weight: Math.round(other.other / 2),
      subject: { type: 'cause', id: 'other' },
    });
  }
  for (const m of r.csat.byMacro) {
    if (m.good + m.bad < min || m.shareGood === null || m.shareGood >= GAP_THRESHOLD) continue;
    candidates.push({
      kind: 'low_csat',
      text: `Customers rated “${m.title}” bad ${m.bad} times out of ${m.good + m.bad} (${pct(m.shareGood)} good). Read their tickets.`,
      weight: m.bad,
      subject: { type: 'macro', id: m.macroId },
    });
  }

  const order: readonly ActionKind[] = ['switch_fix', 'knowledge_gap', 'failing_fix', 'rising', 'low_csat', 'review_share', 'unmatched'];
  candidates.sort(
    (a, b) => b.weight - a.weight || order.indexOf(a.kind) - order.indexOf(b.kind) || a.subject.id.localeCompare(b.subject.id),
  );
  const chosen: ActionDto[] = [];
  const perKind = new Map<ActionKind, number>();
  for (const c of candidates) {
    if (chosen.length >= limit) break;
    if (c.weight <= 0 || (perKind.get(c.kind) ?? 0) >= PER_KIND) continue;
    if (chosen.some((x) => x.subject.type === c.subject.type && x.subject.id === c.subject.id)) continue;
    perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
    chosen.push(c);
  }
  return chosen;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
