/** Prometheus text read as a scraper reads it. */

/** Sum of a metric's samples over every series whose labels include `labels` (0 when there is none). */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) total += Number(match[3]);
  }
  return total;
}

/** Every metric family a scrape declares (its `# TYPE` lines) and every sample name it holds. */
export function metricNames(exposition: string): string[] {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const declared = /^# (?:TYPE|HELP) (\S+)/.exec(line);
    const sample = /^([a-zA-Z_:][\w:]*)[{\s]/.exec(line);
    if (declared) names.add(declared[1]);
    else if (sample) names.add(sample[1]);
  }
  return [...names];
}
