import type { ActionDto, ActionKind, CsvSection, MacroRowDto, VolumeRowDto, WeeklyReportDto } from './weekly-report.dto';

/**
 * The report as one self-contained page: inline CSS and SVG, no script, no external resource, so it renders
 * offline, survives being forwarded as a file and prints well. Every value from the database is escaped.
 */
export function renderHtml(r: WeeklyReportDto): string {
  const s = r.summary;
  const last = r.partial ? 'same days last week' : 'last week';
  const csat = r.csat ?? null;
  const minSamples = r.minSamples ?? 1;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Fix effectiveness, week ${esc(r.isoWeek)}${r.partial ? ' so far' : ''}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
  <h1>Fix effectiveness <span class="week">${esc(r.isoWeek)}</span>${r.partial ? ' <span class="partial">week in progress</span>' : ''}</h1>
  <p class="meta">${period(r)}. Generated ${esc(r.generatedAt.replace('T', ' ').slice(0, 16))} UTC, knowledge pack ${esc(r.packVersion)}.</p>
</header>
${actionsSection(r.actions ?? [])}
<section class="cards" aria-label="Summary">
  ${card('Tickets received', String(s.tickets), `${volumeDelta(s.tickets - s.previousTickets)} (${esc(last)} ${s.previousTickets})`)}
  ${card('Outcomes recorded', String(s.outcomes), `${s.resolved} resolved`)}
  ${card('Resolution rate', pct(s.resolutionRate), s.previousResolutionRate === null ? `no outcomes ${esc(last)}` : `${esc(last)} ${pct(s.previousResolutionRate)}`)}
  ${card('Customer satisfaction', csat && csat.good + csat.bad > 0 ? pct(csat.shareGood) : '—', csat && csat.good + csat.bad > 0 ? `${csat.good} good, ${csat.bad} bad` : 'no ratings')}
  ${card('Answered “other”', pct(r.quality.otherShare.share), `${r.quality.otherShare.other} of ${r.quality.otherShare.tickets} triaged`)}
  ${r.quality.review ? card('Needed review', pct(r.quality.review.share), `${r.quality.review.review} of ${r.quality.review.tickets} below the gate`) : ''}
</section>

<section>
<h2>Resolution rate per fix</h2>
<p class="note">Bar: share of outcomes resolved. Line: 95% interval (where the true rate most likely lies). Tick: what the fix was expected to do.</p>
${rateChart(r.macros.filter((m) => m.outcomes > 0))}
${table(
  ['Fix', 'Suggested', 'Applied', 'Outcomes', 'Resolved', 'Rate (95% interval)', 'Change', 'Median time to resolve', 'Last week', 'CSAT'],
  r.macros.map((m) => [
    `${esc(m.title)}${m.worseThanPrior ? ' <span class="flag">worse than expected</span>' : ''}<br><code>${esc(m.macroId)}</code>${
      m.outcomes > m.resolved ? ` ${link(m.link, 'unresolved tickets', true)}` : ''
    }`,
    num(m.suggested),
    num(m.applied),
    num(m.outcomes),
    num(m.resolved),
    `${pct(m.resolutionRate)}${m.interval ? ` <span class="ci">(${pct(m.interval.low)}–${pct(m.interval.high)})</span>` : ''}`,
    points(m.change),
    duration(m.medianResolutionSeconds),
    `${pct(m.previous.resolutionRate)} of ${m.previous.outcomes}`,
    macroCsat(csat?.byMacro.find((c) => c.macroId === m.macroId)),
  ]),
  { empty: 'No fix was suggested, applied or rated this week.', csv: 'macros' },
)}
</section>

<section>
<h2>Ticket volume</h2>
${volumeChart(r.volume.weekly, r.partial)}
<div class="two">
<div><h3>By cause</h3>${volumeTable(r.volume.byCause, last, 'causes')}</div>
<div><h3>By symptom</h3>${volumeTable(
    // A symptom with no ticket this week has nothing to say here; the CSV keeps it.
    r.volume.bySymptom.filter((v) => v.tickets > 0),
    last,
    'causes',
  )}</div>
</div>
</section>

<section>
<h2>Best fix per symptom</h2>
<p class="note">A fix is named best only with at least ${num(minSamples)} outcomes on the symptom’s tickets this week; with fewer, the leading fix is shown as too early to tell.</p>
${table(
  ['Symptom', 'Best fix', 'Rate (95% interval)', 'Expected rate (95% credible)', 'Outcomes', 'Last week'],
  r.symptoms.map((x) => {
    const best = x.confirmedBestFix === undefined ? x.bestFix : x.confirmedBestFix;
    const title = `${link(x.link, x.title)}<br><code>${esc(x.symptomId)}</code>`;
    const previous = x.previous.bestMacroId ? `<code>${esc(x.previous.bestMacroId)}</code> ${pct(x.previous.bestResolutionRate)}` : '—';
    if (!best) {
      return [
        title,
        `<span class="early">Too early to tell</span>: leading <code>${esc(x.bestFix.macroId)}</code>, ${num(x.bestFix.resolved)} of ${num(x.bestFix.outcomes)}`,
        '—',
        '—',
        `${num(x.outcomes)} for the symptom, ${num(x.fixesTried)} fixes tried`,
        previous,
      ];
    }
    return [
      title,
      `${esc(best.title)}<br><code>${esc(best.macroId)}</code>${
        best.macroId === x.bestFix.macroId
          ? ''
          : `<br><span class="early">ahead on too few outcomes: <code>${esc(x.bestFix.macroId)}</code> ${num(x.bestFix.resolved)} of ${num(x.bestFix.outcomes)}</span>`
      }`,
      `${pct(best.resolutionRate)} <span class="ci">(${pct(best.interval.low)}–${pct(best.interval.high)})</span>`,
      `${pct(best.posteriorMean)} <span class="ci">(${pct(best.credibleInterval.low)}–${pct(best.credibleInterval.high)})</span>`,
      `${num(best.resolved)} of ${num(best.outcomes)} (${num(x.outcomes)} for the symptom, ${num(x.fixesTried)} fixes tried)`,
      previous,
    ];
  }),
  { empty: 'No outcomes this week.', textColumns: 2, csv: 'symptoms', printRows: PRINT_ROWS },
)}
</section>

<div class="two">
<section>
<h2>Fixes doing worse than expected</h2>
${table(
  ['Fix', 'Rate (95% interval)', 'Expected', 'Outcomes'],
  r.worseThanPrior.map((w) => [
    `${esc(w.title)}<br><code>${esc(w.macroId)}</code> ${link(w.link, 'unresolved tickets', true)}`,
    `${pct(w.resolutionRate)} <span class="ci">(${pct(w.interval.low)}–${pct(w.interval.high)})</span>`,
    pct(w.priorMean),
    `${num(w.resolved)} of ${num(w.outcomes)}`,
  ]),
  { empty: 'None: every fix is within what it was expected to do.' },
)}
</section>

<section>
<h2>Knowledge gaps</h2>
${table(
  ['Symptom', 'Best fix so far', 'Outcomes', 'Gap last week too'],
  r.gaps
    .filter((g) => g.enoughSamples !== false)
    .map((g) => [
      `${link(g.link, g.title)}<br><code>${esc(g.symptomId)}</code>`,
      `<code>${esc(g.bestMacroId)}</code> ${pct(g.bestResolutionRate)}`,
      `${num(g.outcomes)} (${num(g.fixesTried)} fixes tried)`,
      g.gapLastWeek ? 'yes' : 'no',
    ]),
  {
    empty: `None: every symptom with at least ${minSamples} outcomes has a fix that resolves at least half of its tickets.`,
    textColumns: 2,
    csv: 'gaps',
  },
)}
</section>
</div>

<section>
<h2>Triage quality</h2>
<div class="two">
<div><h3>Agent overrides by cause</h3>${table(
    ['Cause', 'Tickets', 'Overridden', 'Rate', 'Last week'],
    r.quality.overridesByCause.map((o) => [
      `${link(o.link, o.title)}<br><code>${esc(o.causeId)}</code>`,
      num(o.tickets),
      num(o.overridden),
      pct(o.overrideRate),
      pct(o.previousOverrideRate),
    ]),
    { empty: 'No triaged tickets this week.', csv: 'quality', printRows: PRINT_ROWS },
  )}</div>
<div><h3>Phrases in “other” tickets</h3>
<p class="note">${num(r.quality.otherShare.other)} of ${num(r.quality.otherShare.tickets)} tickets (${pct(r.quality.otherShare.share)}; ${esc(last)} ${pct(r.quality.otherShare.previousShare)}) matched no cause. Frequent phrases are candidates for new rules.</p>
${table(
  ['Phrase', 'Tickets'],
  r.quality.phrases.map((p) => [`<q>${esc(p.phrase)}</q>`, num(p.tickets)]),
  { empty: 'No phrase occurs in two or more “other” tickets.', csv: 'quality', printRows: 5 },
)}
</div>
</div>
</section>
</main>
</body>
</html>
`;
}

/** Rows a long table keeps in print; the rest stay on screen and in the CSV. */
const PRINT_ROWS = 10;

function period(r: WeeklyReportDto): string {
  const from = esc(day(r.weekStart, r.timeZone));
  if (r.partial) {
    return `Week in progress: ${from} to ${esc(moment(r.generatedAt, r.timeZone))} (${esc(r.timeZone)}), compared with the same days of ${esc(r.previousIsoWeek)}`;
  }
  return `${from} to ${esc(day(new Date(Date.parse(r.weekEnd) - 1).toISOString(), r.timeZone))} (${esc(r.timeZone)}), compared with ${esc(r.previousIsoWeek)}`;
}

function actionsSection(actions: ActionDto[]): string {
  const items = actions
    .map(
      (a) =>
        `<li class="action" data-kind="${esc(a.kind)}"><span class="kind">${esc(ACTION_LABELS[a.kind])}</span> ${esc(a.text)} ${link(a.link, 'See the tickets', true)}</li>`,
    )
    .join('\n');
  return `<section class="actions" aria-label="Top things to act on">
<h2>${actions.length > 1 ? `Top ${actions.length} things` : actions.length === 1 ? 'One thing' : 'Things'} to act on this week</h2>
${actions.length ? `<ol>\n${items}\n</ol>` : '<p class="empty">Nothing stands out: no fix, gap or rise has enough outcomes or tickets to call for action.</p>'}
</section>`;
}

const ACTION_LABELS: Record<ActionKind, string> = {
  switch_fix: 'Switch fix',
  failing_fix: 'Failing fix',
  knowledge_gap: 'Knowledge gap',
  rising: 'Rising',
  review_share: 'Review load',
  unmatched: 'No cause',
  low_csat: 'Low CSAT',
};

function macroCsat(c: { good: number; bad: number; shareGood: number | null } | undefined): string {
  return c && c.good + c.bad > 0 ? `${pct(c.shareGood)} <span class="ci">(${c.good}/${c.good + c.bad})</span>` : '—';
}

/** A link to the tickets behind a row: its text escaped, its address escaped for the attribute; `only` marks a link that is nothing but a link (hidden in print). */
function link(href: string | undefined, text: string, only = false): string {
  if (!href) return only ? '' : esc(text);
  const external = /^https?:/.test(href) ? ' rel="noopener noreferrer"' : '';
  return `<a class="tickets${only ? ' more' : ''}" href="${esc(href)}"${external}>${esc(text)}</a>`;
}

const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d2330;background:#f5f6f8}
main{max-width:1100px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:24px;margin:0 0 4px}
h1 .week{color:#3659c6}
h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #dde2ea;padding-bottom:4px}
h3{font-size:15px;margin:12px 0 6px}
.meta,.note{color:#5b6475;margin:4px 0 10px}
section{overflow-wrap:break-word}
code,q{overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:16px}
.card{background:#fff;border:1px solid #dde2ea;border-radius:8px;padding:10px 12px;min-width:0}
.card .label{color:#5b6475;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:26px;font-weight:600}
.card .sub{color:#5b6475;font-size:12px}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
.two>div{min-width:0}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dde2ea;table-layout:auto}
th,td{padding:6px 8px;border-bottom:1px solid #eef1f5;text-align:left;vertical-align:top}
th{background:#eef1f6;font-size:12px;color:#3b4456}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td:not(.n){overflow-wrap:anywhere}
code{font-size:11px;color:#5b6475}
.ci{color:#5b6475;font-size:12px}
.flag{display:inline-block;background:#fde8e6;color:#a2281b;border-radius:4px;padding:0 5px;font-size:11px}
.good{color:#17733b}.bad{color:#a2281b}
.rise{color:#a2281b;font-weight:600}.fall{color:#5b6475}
.empty{color:#5b6475;font-style:italic}
.partial{display:inline-block;vertical-align:middle;background:#fff4d6;color:#7a5200;border-radius:4px;padding:1px 6px;font-size:13px;font-weight:600}
.early{color:#5b6475;font-style:italic}
a.tickets{color:#3659c6}
.actions{background:#fff;border:1px solid #dde2ea;border-left:4px solid #3659c6;border-radius:8px;padding:4px 14px 8px;margin-top:16px}
.actions h2{border:0;margin:8px 0 4px;padding:0}
.actions ol{margin:4px 0;padding-left:22px}
.actions li{margin:4px 0}
.actions .kind{display:inline-block;background:#eef1f6;color:#3b4456;border-radius:4px;padding:0 5px;font-size:11px;font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.print-only{display:none}
svg.chart{display:block;width:100%;max-width:760px;height:auto;background:#fff;border:1px solid #dde2ea;border-radius:8px;margin:8px 0 12px}
svg.chart text{font:13px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#1d2330}
svg.chart .axis{stroke:#c5ccd8;stroke-width:1}
svg.chart .bar{fill:#7d97e6}
svg.chart .ci-line{stroke:#1d2330;stroke-width:2}
svg.chart .prior{stroke:#a2281b;stroke-width:2}
svg.chart .point{fill:#1d2330}
svg.chart .vol{fill:#3659c6}
svg.chart .muted{fill:#5b6475}
@media (max-width:640px){
  main{padding:16px 10px 32px}
  table,thead,tbody,tr,th,td{display:block;width:100%}
  thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  tr{border-bottom:2px solid #dde2ea;padding:4px 0}
  td{border:0;padding:3px 8px;display:flex;gap:8px}
  td.n{text-align:left;white-space:normal}
  td::before{content:attr(data-label);flex:0 0 40%;color:#5b6475;font-size:12px}
  td>span.cell{flex:1 1 auto;min-width:0}
}
@page{size:A4;margin:12mm 11mm}
@media print{
  body{background:#fff;font-size:9.5px;line-height:1.3}
  main{max-width:none;padding:0}
  h1{font-size:17px}
  h2{font-size:13px;margin:10px 0 4px;break-after:avoid}
  h3{font-size:11px;margin:6px 0 3px;break-after:avoid}
  .meta,.note{margin:2px 0 4px}
  .cards{grid-template-columns:repeat(6,1fr);gap:6px;margin-top:8px}
  .card{padding:4px 6px}
  .card .value{font-size:16px}
  .card .label,.card .sub{font-size:9px}
  .actions{margin-top:8px;padding:2px 10px 4px}
  .two{grid-template-columns:1fr 1fr;gap:10px}
  .card,table,svg.chart,.actions{border-color:#999}
  th,td{padding:2px 4px}
  th{font-size:9px}
  code{font-size:8px}
  .ci{font-size:8.5px}
  tr,svg.chart,.card,.actions li{break-inside:avoid}
  tr.tail{display:none}
  .print-only{display:block}
  svg.chart{max-width:470px;margin:4px 0 6px}
  a,a.tickets{color:inherit;text-decoration:none}
  a.more{display:none}
}
`;

/** Horizontal bars of resolution rate with the 95% interval as a line, and the prior mean as a tick. */
function rateChart(macros: MacroRowDto[]): string {
  if (macros.length === 0) return '<p class="empty">No outcomes this week: nothing to chart.</p>';
  const width = 760;
  const left = 10;
  const plot = width - left - 70;
  const rowH = 44;
  const top = 22;
  const height = top + macros.length * rowH + 10;
  const x = (v: number) => left + v * plot;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (g) =>
        `<line class="axis" x1="${x(g)}" y1="${top - 6}" x2="${x(g)}" y2="${height - 6}"/><text class="muted" x="${x(g)}" y="${top - 9}" text-anchor="middle">${g * 100}%</text>`,
    )
    .join('');
  const rows = macros
    .map((m, i) => {
      const y = top + i * rowH;
      const rate = m.resolutionRate ?? 0;
      const ci = m.interval;
      const prior = m.prior
        ? `<line class="prior" x1="${x(m.prior.mean)}" y1="${y + 16}" x2="${x(m.prior.mean)}" y2="${y + 36}"><title>expected ${pct(m.prior.mean)}</title></line>`
        : '';
      return `<g class="macro" data-macro="${esc(m.macroId)}">
<text x="${left}" y="${y + 12}">${esc(clip(m.title, 70))} (${m.resolved}/${m.outcomes})</text>
<rect class="bar" x="${left}" y="${y + 18}" width="${(rate * plot).toFixed(1)}" height="16" rx="2"><title>${esc(m.title)}: ${pct(rate)}</title></rect>
${ci ? `<line class="ci-line" x1="${x(ci.low).toFixed(1)}" y1="${y + 26}" x2="${x(ci.high).toFixed(1)}" y2="${y + 26}"/>` : ''}
<circle class="point" cx="${x(rate).toFixed(1)}" cy="${y + 26}" r="4"/>${prior}
<text x="${width - 8}" y="${y + 31}" text-anchor="end">${pct(rate)}</text>
</g>`;
    })
    .join('\n');
  return `<svg class="chart chart-rates" viewBox="0 0 ${width} ${height}" role="img" aria-label="Resolution rate per fix with 95% intervals" preserveAspectRatio="xMinYMin meet">${grid}${rows}</svg>`;
}

/** Tickets received per week over the last weeks, as columns; the last one so far when the week is in progress. */
function volumeChart(weeks: { isoWeek: string; tickets: number }[], partial = false): string {
  const width = 760;
  const height = 220;
  const bottom = height - 28;
  const top = 24;
  const max = Math.max(1, ...weeks.map((w) => w.tickets));
  const slot = (width - 20) / weeks.length;
  const bars = weeks
    .map((w, i) => {
      const h = ((bottom - top) * w.tickets) / max;
      const cx = 10 + slot * i + slot / 2;
      return `<g class="week" data-week="${esc(w.isoWeek)}"><rect class="vol" x="${(cx - slot * 0.3).toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${h.toFixed(1)}"><title>${esc(w.isoWeek)}: ${w.tickets}</title></rect>
<text x="${cx.toFixed(1)}" y="${(bottom - h - 5).toFixed(1)}" text-anchor="middle">${w.tickets}</text>
<text class="muted" x="${cx.toFixed(1)}" y="${height - 10}" text-anchor="middle">${esc(w.isoWeek.slice(5))}${partial && i === weeks.length - 1 ? ' so far' : ''}</text></g>`;
    })
    .join('\n');
  return `<svg class="chart chart-volume" viewBox="0 0 ${width} ${height}" role="img" aria-label="Tickets received per week, last ${weeks.length} weeks" preserveAspectRatio="xMinYMin meet"><line class="axis" x1="10" y1="${bottom}" x2="${width - 10}" y2="${bottom}"/>${bars}</svg>`;
}

function volumeTable(rows: VolumeRowDto[], last: string, csv: CsvSection): string {
  return table(
    ['', 'Tickets', last.replace(/^./, (c) => c.toUpperCase()), 'Change'],
    rows.map((v) => [
      v.id === null ? esc(v.title) : `${link(v.link, v.title)}<br><code>${esc(v.id)}</code>`,
      num(v.tickets),
      num(v.previousTickets),
      volumeDelta(v.change),
    ]),
    { empty: 'No tickets this week.', csv, printRows: PRINT_ROWS },
  );
}

interface TableOptions {
  readonly empty: string;
  /** The first columns hold text, the others figures. */
  readonly textColumns?: number;
  /** Rows kept in print; the others are hidden there, with a line naming the CSV section that has them all. */
  readonly printRows?: number;
  readonly csv?: CsvSection;
}

/** Cells are HTML already escaped by the caller. */
function table(headers: string[], rows: string[][], options: TableOptions): string {
  const { empty, textColumns = 1, printRows = Infinity, csv } = options;
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (r, index) =>
        `<tr${index >= printRows ? ' class="tail"' : ''}>${r
          .map((c, i) => `<td${i >= textColumns ? ' class="n"' : ''} data-label="${esc(headers[i])}"><span class="cell">${c}</span></td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const hidden = rows.length - printRows;
  const more =
    hidden > 0
      ? `<p class="print-only note">${hidden} more ${hidden === 1 ? 'row' : 'rows'} on screen${csv ? ` and in the CSV (<code>?format=csv&amp;section=${esc(csv)}</code>)` : ''}.</p>`
      : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

function card(label: string, value: string, sub: string): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div><div class="sub">${sub}</div></div>`;
}

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

function num(v: number): string {
  return String(v);
}

function points(change: number | null): string {
  if (change === null) return '—';
  const p = (change * 100).toFixed(1);
  return change > 0 ? `<span class="good">+${p} pts</span>` : change < 0 ? `<span class="bad">${p} pts</span>` : '±0.0 pts';
}

/** More tickets about a problem is never good news: a rise is marked, a fall stays plain. */
function volumeDelta(change: number): string {
  return change > 0 ? `<span class="rise">+${change}</span>` : change < 0 ? `<span class="fall">${change}</span>` : '±0';
}

function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

function day(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(
    new Date(iso),
  );
}

function moment(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
