import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../platform/config/app-config.service';
import type { WeeklyReportDto } from './weekly-report.dto';

const DELIVERY_TIMEOUT_MS = 10_000;

/** Posts a short summary to a Slack-compatible incoming webhook (REPORT_WEBHOOK_URL), when one is set. */
@Injectable()
export class ReportDeliveryService {
  private readonly logger = new Logger(ReportDeliveryService.name);

  constructor(private readonly config: AppConfig) {}

  get configured(): boolean {
    return !!this.config.get('REPORT_WEBHOOK_URL');
  }

  /** Throws when the webhook does not answer 2xx, so a job retries it. */
  async deliver(report: WeeklyReportDto): Promise<boolean> {
    const url = this.config.get('REPORT_WEBHOOK_URL');
    if (!url) return false;
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: summaryText(report) }),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`report webhook answered ${res.status}`);
    this.logger.log({ isoWeek: report.isoWeek }, 'weekly report summary delivered');
    return true;
  }
}

/** Plain text (Slack mrkdwn-safe: &, < and > escaped), a handful of lines. */
export function summaryText(r: WeeklyReportDto): string {
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
  const s = r.summary;
  const lines = [
    `*Fix effectiveness ${r.isoWeek}*`,
    `Tickets: ${s.tickets} (last week ${s.previousTickets}). Outcomes: ${s.outcomes}, resolved ${pct(s.resolutionRate)} (last week ${pct(s.previousResolutionRate)}).`,
    `Answered "other": ${pct(r.quality.otherShare.share)}.`,
  ];
  if (r.csat && r.csat.good + r.csat.bad > 0) lines.push(`CSAT: ${pct(r.csat.shareGood)} good (${r.csat.good} good, ${r.csat.bad} bad).`);
  const actions = r.actions ?? [];
  if (actions.length) lines.push('Act on:', ...actions.map((a, i) => `${i + 1}. ${a.text}`));
  if (r.worseThanPrior.length)
    lines.push(`Worse than expected: ${r.worseThanPrior.map((w) => `${w.title} ${pct(w.resolutionRate)}`).join(', ')}.`);
  const gaps = r.gaps.filter((g) => g.enoughSamples !== false);
  if (gaps.length) lines.push(`Knowledge gaps: ${gaps.map((g) => g.title).join(', ')}.`);
  lines.push(`Full report: /v1/reports/weekly/${r.isoWeek}?format=html`);
  return lines.join('\n').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
