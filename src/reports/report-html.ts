import type { MacroRowDto, VolumeRowDto, WeeklyReportDto } from './weekly-report.dto';

/**
 * The report as one self-contained page: inline CSS and SVG, no script, no external resource, so it renders
 * offline, survives being forwarded as a file and prints well. Every value from the database is escaped.
 */
export function renderHtml(r: WeeklyReportDto): string {
  const s = r.summary;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Fix effectiveness, week ${esc(r.isoWeek)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
  <h1>Fix effectiveness <span class="week">${esc(r.isoWeek)}</span></h1>
  <p class="meta">${esc(day(r.weekStart, r.timeZone))} to ${esc(day(new Date(Date.parse(r.weekEnd) - 1).toISOString(), r.timeZone))}
  (${esc(r.timeZone)}), compared with ${esc(r.previousIsoWeek)}. Generated ${esc(r.generatedAt.replace('T', ' ').slice(0, 16))} UTC, knowledge pack ${esc(r.packVersion)}.</p>
</header>
<section class="cards" aria-label="Summary">
  ${card('Tickets received', String(s.tickets), delta(s.tickets - s.previousTickets, String(s.previousTickets)))}
  ${card('Outcomes recorded', String(s.outcomes), `${s.resolved} resolved`)}
  ${card('Resolution rate', pct(s.resolutionRate), s.previousResolutionRate === null ? 'no outcomes last week' : `last week ${pct(s.previousResolutionRate)}`)}
  ${card('Answered “other”', pct(r.quality.otherShare.share), `${r.quality.otherShare.other} of ${r.quality.otherShare.tickets} triaged`)}
</section>

<section>
<h2>Resolution rate per fix</h2>
<p class="note">Bar: share of outcomes resolved. Line: 95% interval (where the true rate most likely lies). Tick: what the fix was expected to do.</p>
${rateChart(r.macros.filter((m) => m.outcomes > 0))}
${table(
  ['Fix', 'Suggested', 'Applied', 'Outcomes', 'Resolved', 'Rate (95% interval)', 'Change', 'Median time to resolve', 'Last week'],
  r.macros.map((m) => [
    `${esc(m.title)}${m.worseThanPrior ? ' <span class="flag">worse than expected</span>' : ''}<br><code>${esc(m.macroId)}</code>`,
    num(m.suggested),
    num(m.applied),
    num(m.outcomes),
    num(m.resolved),
    `${pct(m.resolutionRate)}${m.interval ? ` <span class="ci">(${pct(m.interval.low)}–${pct(m.interval.high)})</span>` : ''}`,
    points(m.change),
    duration(m.medianResolutionSeconds),
    `${pct(m.previous.resolutionRate)} of ${m.previous.outcomes}`,
  ]),
  'No fix was suggested, applied or rated this week.',
)}
</section>

<section>
<h2>Ticket volume</h2>
${volumeChart(r.volume.weekly)}
<div class="two">
<div><h3>By cause</h3>${volumeTable(r.volume.byCause)}</div>
<div><h3>By symptom</h3>${volumeTable(r.volume.bySymptom)}</div>
</div>
</section>

<section>
<h2>Best fix per symptom</h2>
${table(
  ['Symptom', 'Best fix', 'Rate (95% interval)', 'Expected rate (95% credible)', 'Outcomes', 'Last week'],
  r.symptoms.map((x) => [
    `${esc(x.title)}<br><code>${esc(x.symptomId)}</code>`,
    `${esc(x.bestFix.title)}<br><code>${esc(x.bestFix.macroId)}</code>`,
    `${pct(x.bestFix.resolutionRate)} <span class="ci">(${pct(x.bestFix.interval.low)}–${pct(x.bestFix.interval.high)})</span>`,
    `${pct(x.bestFix.posteriorMean)} <span class="ci">(${pct(x.bestFix.credibleInterval.low)}–${pct(x.bestFix.credibleInterval.high)})</span>`,
    `${num(x.bestFix.resolved)} of ${num(x.bestFix.outcomes)} (${num(x.outcomes)} for the symptom, ${num(x.fixesTried)} fixes tried)`,
    x.previous.bestMacroId ? `<code>${esc(x.previous.bestMacroId)}</code> ${pct(x.previous.bestResolutionRate)}` : '—',
  ]),
  'No outcomes this week.',
  2,
)}
</section>

<section>
<h2>Fixes doing worse than expected</h2>
${table(
  ['Fix', 'Rate (95% interval)', 'Expected', 'Outcomes'],
  r.worseThanPrior.map((w) => [
    `${esc(w.title)}<br><code>${esc(w.macroId)}</code>`,
    `${pct(w.resolutionRate)} <span class="ci">(${pct(w.interval.low)}–${pct(w.interval.high)})</span>`,
    pct(w.priorMean),
    `${num(w.resolved)} of ${num(w.outcomes)}`,
  ]),
  'None: every fix is within what it was expected to do.',
)}
</section>

<section>
<h2>Knowledge gaps</h2>
${table(
  ['Symptom', 'Best fix so far', 'Outcomes', 'Gap last week too'],
  r.gaps.map((g) => [
    `${esc(g.title)}<br><code>${esc(g.symptomId)}</code>`,
    `<code>${esc(g.bestMacroId)}</code> ${pct(g.bestResolutionRate)}`,
    `${num(g.outcomes)} (${num(g.fixesTried)} fixes tried)`,
    g.gapLastWeek ? 'yes' : 'no',
  ]),
  'None: every symptom with outcomes has a fix that resolves at least half of its tickets.',
  2,
)}
</section>

<section>
<h2>Triage quality</h2>
<div class="two">
<div><h3>Agent overrides by cause</h3>${table(
  ['Cause', 'Tickets', 'Overridden', 'Rate', 'Last week'],
  r.quality.overridesByCause.map((o) => [
    `${esc(o.title)}<br><code>${esc(o.causeId)}</code>`,
    num(o.tickets),
    num(o.overridden),
    pct(o.overrideRate),
    pct(o.previousOverrideRate),
  ]),
  'No triaged tickets this week.',
)}</div>
<div><h3>Phrases in “other” tickets</h3>
<p class="note">${num(r.quality.otherShare.other)} of ${num(r.quality.otherShare.tickets)} tickets (${pct(r.quality.otherShare.share)}; last week ${pct(r.quality.otherShare.previousShare)}) matched no cause. Frequent phrases are candidates for new rules.</p>
${table(['Phrase', 'Tickets'], r.quality.phrases.map((p) => [`<q>${esc(p.phrase)}</q>`, num(p.tickets)]), 'No phrase occurs in two or more “other” tickets.')}
</div>
</div>
</section>
</main>
</body>
</html>
`;
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
.up{color:#17733b}.down{color:#a2281b}
.empty{color:#5b6475;font-style:italic}
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
@media print{
  body{background:#fff;font-size:11px}
  main{max-width:none;padding:0}
  .card,table,svg.chart{border-color:#999}
  section{break-inside:avoid-page}
  tr,svg.chart{break-inside:avoid}
  h2{break-after:avoid}
  a{color:inherit;text-decoration:none}
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
    .map((g) => `<line class="axis" x1="${x(g)}" y1="${top - 6}" x2="${x(g)}" y2="${height - 6}"/><text class="muted" x="${x(g)}" y="${top - 9}" text-anchor="middle">${g * 100}%</text>`)
    .join('');
  const rows = macros
    .map((m, i) => {
      const y = top + i * rowH;
      const rate = m.resolutionRate ?? 0;
      const ci = m.interval;
      const prior = m.prior ? `<line class="prior" x1="${x(m.prior.mean)}" y1="${y + 16}" x2="${x(m.prior.mean)}" y2="${y + 36}"><title>expected ${pct(m.prior.mean)}</title></line>` : '';
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

/** Tickets received per week over the last weeks, as columns. */
function volumeChart(weeks: { isoWeek: string; tickets: number }[]): string {
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
<text class="muted" x="${cx.toFixed(1)}" y="${height - 10}" text-anchor="middle">${esc(w.isoWeek.slice(5))}</text></g>`;
    })
    .join('\n');
  return `<svg class="chart chart-volume" viewBox="0 0 ${width} ${height}" role="img" aria-label="Tickets received per week, last ${weeks.length} weeks" preserveAspectRatio="xMinYMin meet"><line class="axis" x1="10" y1="${bottom}" x2="${width - 10}" y2="${bottom}"/>${bars}</svg>`;
}

function volumeTable(rows: VolumeRowDto[]): string {
  return table(
    ['', 'Tickets', 'Last week', 'Change'],
    rows.map((v) => [
      v.id === null ? esc(v.title) : `${esc(v.title)}<br><code>${esc(v.id)}</code>`,
      num(v.tickets),
      num(v.previousTickets),
      delta(v.change, ''),
    ]),
    'No tickets this week.',
  );
}

/** Cells are HTML already escaped by the caller; the first `textColumns` are text, the others figures. */
function table(headers: string[], rows: string[][], empty: string, textColumns = 1): string {
  if (rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= textColumns ? ' class="n"' : ''} data-label="${esc(headers[i])}"><span class="cell">${c}</span></td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
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
  return change > 0 ? `<span class="up">+${p} pts</span>` : change < 0 ? `<span class="down">${p} pts</span>` : '±0.0 pts';
}

function delta(change: number, rest: string): string {
  const sign = change > 0 ? `<span class="up">+${change}</span>` : change < 0 ? `<span class="down">${change}</span>` : '±0';
  return rest ? `${sign} (last week ${esc(rest)})` : sign;
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
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
