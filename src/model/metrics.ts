/**
 * Accuracy and calibration of cause probabilities on labelled tickets, as `npm run eval` prints them.
 * Definitions (docs/ENGINE.md, "Evaluation"): ECE over 10 equal-width confidence bins; precision at 70% =
 * top-1 accuracy on the 70% of tickets with the highest confidence; confident wrong = share of all tickets
 * answered wrongly with confidence >= 0.9.
 */

export interface ScoredTicket {
  readonly id: string;
  readonly label: string;
  readonly lang: string;
  /** Probability per cause id (calibrated; sums to 1). */
  readonly probabilities: ReadonlyMap<string, number>;
}

export interface CurvePoint {
  readonly threshold: number;
  /** Share of tickets at or above the threshold (auto-applied). */
  readonly coverage: number;
  readonly auto: number;
  /** Top-1 accuracy among them (null when none). */
  readonly precision: number | null;
}

export interface EvalReport {
  readonly n: number;
  readonly top1: number;
  readonly top1Interval: [number, number];
  readonly top3: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly ece: number;
  readonly precisionAt70: number;
  readonly confidentWrong: number;
  readonly meanConfidence: number;
  readonly perCause: { id: string; support: number; predicted: number; precision: number | null; recall: number | null }[];
  readonly confusion: { causes: string[]; counts: number[][] };
  readonly perLanguage: { lang: string; n: number; top1: number }[];
  readonly curve: CurvePoint[];
  readonly gate: CurvePoint;
}

/** Wilson score interval (95%) of a proportion. */
export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function ranked(t: ScoredTicket): [string, number][] {
  return [...t.probabilities].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function pointAt(rows: readonly { conf: number; right: boolean }[], threshold: number): CurvePoint {
  const auto = rows.filter((r) => r.conf >= threshold);
  return {
    threshold,
    coverage: rows.length ? auto.length / rows.length : 0,
    auto: auto.length,
    precision: auto.length ? auto.filter((r) => r.right).length / auto.length : null,
  };
}

export const CURVE_THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

export function evaluate(tickets: readonly ScoredTicket[], causeIds: readonly string[], gateThreshold: number): EvalReport {
  const n = tickets.length;
  const rows = tickets.map((t) => {
    const order = ranked(t);
    const [top, conf] = order[0] ?? ['', 0];
    const pLabel = t.probabilities.get(t.label) ?? 0;
    let brier = 0;
    for (const id of causeIds) brier += ((t.probabilities.get(id) ?? 0) - (id === t.label ? 1 : 0)) ** 2;
    return { t, top, conf, right: top === t.label, top3: order.slice(0, 3).some(([id]) => id === t.label), pLabel, brier };
  });
  const mean = (f: (r: (typeof rows)[number]) => number) => (n ? rows.reduce((s, r) => s + f(r), 0) / n : 0);
  const right = rows.filter((r) => r.right).length;

  let ece = 0;
  for (let b = 0; b < 10; b++) {
    const inBin = rows.filter((r) => Math.min(9, Math.floor(r.conf * 10)) === b);
    if (inBin.length === 0) continue;
    const acc = inBin.filter((r) => r.right).length / inBin.length;
    const conf = inBin.reduce((s, r) => s + r.conf, 0) / inBin.length;
    ece += (inBin.length / n) * Math.abs(acc - conf);
  }
  const byConf = [...rows].sort((a, b) => b.conf - a.conf);
  const top70 = byConf.slice(0, Math.ceil(0.7 * n));

  const known = [...new Set([...causeIds, ...tickets.map((t) => t.label)])];
  const index = new Map(known.map((id, i) => [id, i] as const));
  const counts = known.map(() => known.map(() => 0));
  for (const r of rows) counts[index.get(r.t.label) as number][index.get(r.top) ?? 0]++;
  const perCause = known.map((id) => {
    const support = rows.filter((r) => r.t.label === id).length;
    const predicted = rows.filter((r) => r.top === id).length;
    const hits = rows.filter((r) => r.t.label === id && r.right).length;
    return { id, support, predicted, precision: predicted ? hits / predicted : null, recall: support ? hits / support : null };
  });
  const langs = [...new Set(tickets.map((t) => t.lang))].sort();
  const perLanguage = langs.map((lang) => {
    const of = rows.filter((r) => r.t.lang === lang);
    return { lang, n: of.length, top1: of.filter((r) => r.right).length / of.length };
  });
  const simple = rows.map((r) => ({ conf: r.conf, right: r.right }));
  return {
    n,
    top1: n ? right / n : 0,
    top1Interval: wilson(right, n),
    top3: mean((r) => (r.top3 ? 1 : 0)),
    logLoss: mean((r) => -Math.log(Math.max(1e-12, r.pLabel))),
    brier: mean((r) => r.brier),
    ece,
    precisionAt70: top70.length ? top70.filter((r) => r.right).length / top70.length : 0,
    confidentWrong: mean((r) => (!r.right && r.conf >= 0.9 ? 1 : 0)),
    meanConfidence: mean((r) => r.conf),
    perCause,
    confusion: { causes: known, counts },
    perLanguage,
    curve: CURVE_THRESHOLDS.map((t) => pointAt(simple, t)),
    gate: pointAt(simple, gateThreshold),
  };
}

const pct = (x: number | null) => (x === null ? '   -  ' : `${(100 * x).toFixed(1).padStart(5)}%`);

/** The report as plain text for a terminal. */
export function formatReport(r: EvalReport, title: string): string {
  const lines: string[] = [];
  lines.push(`# ${title}`, '');
  lines.push(`tickets                 ${r.n}`);
  lines.push(`top-1                   ${pct(r.top1)}  (95% interval ${pct(r.top1Interval[0]).trim()} - ${pct(r.top1Interval[1]).trim()})`);
  lines.push(`top-3                   ${pct(r.top3)}`);
  lines.push(`log-loss                ${r.logLoss.toFixed(3)}`);
  lines.push(`Brier score             ${r.brier.toFixed(3)}`);
  lines.push(`ECE (10 bins)           ${r.ece.toFixed(3)}`);
  lines.push(`mean confidence         ${pct(r.meanConfidence)}`);
  lines.push(`precision at 70%        ${pct(r.precisionAt70)}`);
  lines.push(`confident wrong (>=0.9) ${pct(r.confidentWrong)}`);
  lines.push(
    `write-back gate ${r.gate.threshold.toFixed(2)}    auto-applies ${pct(r.gate.coverage).trim()} (${r.gate.auto}) at precision ${pct(r.gate.precision).trim()}`,
  );
  lines.push('', 'per cause               support  predicted  precision  recall');
  for (const c of r.perCause) {
    lines.push(
      `  ${c.id.padEnd(22)}${String(c.support).padStart(7)}${String(c.predicted).padStart(11)}    ${pct(c.precision)}  ${pct(c.recall)}`,
    );
  }
  lines.push('', 'per language            tickets  top-1');
  for (const l of r.perLanguage) lines.push(`  ${l.lang.padEnd(22)}${String(l.n).padStart(7)}  ${pct(l.top1)}`);
  lines.push('', 'precision / coverage    threshold  coverage  auto  precision');
  for (const p of r.curve)
    lines.push(
      `  ${' '.repeat(22)}${p.threshold.toFixed(2).padStart(9)}  ${pct(p.coverage)}  ${String(p.auto).padStart(4)}  ${pct(p.precision)}`,
    );
  lines.push('', 'confusion (rows: label, columns: answer)');
  const abbrev = r.confusion.causes.map((id) => id.slice(0, 5));
  lines.push(`  ${''.padEnd(18)}${abbrev.map((a) => a.padStart(6)).join('')}`);
  r.confusion.counts.forEach((row, i) => {
    if (row.every((x) => x === 0)) return;
    lines.push(`  ${r.confusion.causes[i].padEnd(18)}${row.map((x) => (x ? String(x) : '.').padStart(6)).join('')}`);
  });
  return lines.join('\n');
}
