import { sanitizeTag } from '../helpdesk/note-renderer';
import type { ActionSubjectDto, WeeklyReportDto } from './weekly-report.dto';

export interface LinkSettings {
  readonly zendeskUrl?: string;
  readonly freshdeskUrl?: string;
  readonly tagPrefix: string;
}

/** Where the tickets behind a figure are listed. */
export interface TicketLinks {
  cause(id: string): string;
  symptom(id: string): string;
  /** Tickets where the fix was used and did not resolve. */
  failedFix(macroId: string): string;
  review(): string;
}

/**
 * With exactly one helpdesk configured, its agent search on the tags the service writes (cause and symptom
 * tags, and the `applied_` tag the helpdesk macros add); otherwise (none, or both, whose tickets neither
 * helpdesk holds alone) the API's ticket filters.
 */
export function ticketLinks(settings: LinkSettings): TicketLinks {
  const tag = (kind: string, id: string) => sanitizeTag(`${settings.tagPrefix}${kind}_${id}`);
  if (settings.zendeskUrl && !settings.freshdeskUrl) {
    const base = settings.zendeskUrl.replace(/\/+$/, '');
    const search = (query: string) => `${base}/agent/search/1?type=ticket&q=${encodeURIComponent(query)}`;
    return {
      cause: (id) => search(`tags:${tag('cause', id)}`),
      symptom: (id) => search(`tags:${tag('symptom', id)}`),
      failedFix: (id) => search(`tags:${tag('applied', id)} status<solved`),
      review: () => search(`tags:${tag('needs', 'review')}`),
    };
  }
  if (settings.freshdeskUrl && !settings.zendeskUrl) {
    const base = settings.freshdeskUrl.replace(/\/+$/, '');
    // The agent ticket list's filter: q[]=tags:["<tag>"], and status:[0] for every unresolved status.
    const filter = (tagName: string, unresolved = false) =>
      `${base}/a/tickets/filters/search?orderBy=created_at&orderType=desc&q[]=${encodeURIComponent(`tags:["${tagName}"]`)}` +
      (unresolved ? `&q[]=${encodeURIComponent('status:[0]')}` : '') +
      '&ref=all_tickets';
    return {
      cause: (id) => filter(tag('cause', id)),
      symptom: (id) => filter(tag('symptom', id)),
      failedFix: (id) => filter(tag('applied', id), true),
      review: () => filter(tag('needs', 'review')),
    };
  }
  const q = encodeURIComponent;
  return {
    cause: (id) => `/v1/tickets?cause=${q(id)}`,
    symptom: (id) => `/v1/tickets?symptom=${q(id)}`,
    failedFix: (id) => `/v1/tickets?macro=${q(id)}&resolved=false`,
    review: () => '/v1/tickets?decision=review',
  };
}

/** The report as served: each row and action with the link to its tickets (links follow the configuration, so they are not stored). */
export function withLinks(r: WeeklyReportDto, links: TicketLinks): WeeklyReportDto {
  const subject = (s: ActionSubjectDto) =>
    s.type === 'cause'
      ? links.cause(s.id)
      : s.type === 'symptom'
        ? links.symptom(s.id)
        : s.type === 'macro'
          ? links.failedFix(s.id)
          : links.review();
  return {
    ...r,
    actions: (r.actions ?? []).map((a) => ({ ...a, link: subject(a.subject) })),
    volume: {
      ...r.volume,
      byCause: r.volume.byCause.map((v) => (v.id === null ? v : { ...v, link: links.cause(v.id) })),
      bySymptom: r.volume.bySymptom.map((v) => ({ ...v, link: links.symptom(v.id!) })),
    },
    macros: r.macros.map((m) => ({ ...m, link: links.failedFix(m.macroId) })),
    symptoms: r.symptoms.map((s) => ({ ...s, link: links.symptom(s.symptomId) })),
    worseThanPrior: r.worseThanPrior.map((w) => ({ ...w, link: links.failedFix(w.macroId) })),
    gaps: r.gaps.map((g) => ({ ...g, link: links.symptom(g.symptomId) })),
    quality: {
      ...r.quality,
      overridesByCause: r.quality.overridesByCause.map((o) => ({ ...o, link: links.cause(o.causeId) })),
      ...(r.quality.review ? { review: { ...r.quality.review, link: links.review() } } : {}),
    },
    ...(r.csat ? { csat: { ...r.csat, byMacro: r.csat.byMacro.map((m) => ({ ...m, link: links.failedFix(m.macroId) })) } } : {}),
  };
}
