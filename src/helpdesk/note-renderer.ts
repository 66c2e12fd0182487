/** The private note and the tags the service writes back to a helpdesk ticket after triage. */
import type { Alternative, Evidence, SymptomHit, TriageResult } from '../engine/types';

export interface NoteOptions {
  /** Identifies the note, e.g. `triage-note:<triage id>`; the service finds its own notes by it. */
  readonly marker: string;
  readonly format: 'html' | 'text';
}

export const DEFAULT_TAG_PREFIX = 'triage_';

const MAX_SYMPTOMS = 20;
const MAX_EVIDENCE = 10;
/** Long enough for every tag the service writes, short enough for what helpdesks accept. */
const MAX_TAG_LENGTH = 80;

interface NoteContent {
  readonly headline: string;
  readonly symptoms: { readonly id: string; readonly quote: string; readonly note?: string }[];
  readonly evidence: { readonly symptom: string; readonly quote: string; readonly weight: string }[];
  readonly macro: { readonly title: string; readonly body: string };
  readonly alternatives: string[];
  readonly tried: string[];
  readonly footer: string;
}

/**
 * The note an agent reads: diagnosis, the customer's words behind it, the suggested macro and
 * the alternatives. The marker goes into an HTML comment and into a visible footer line, because
 * helpdesks may strip comments when they sanitize a note's HTML.
 */
export function renderNote(result: TriageResult, opts: NoteOptions): string {
  const content = noteContent(result, opts.marker);
  return opts.format === 'html' ? renderHtml(content, opts.marker) : renderText(content);
}

function noteContent(result: TriageResult, marker: string): NoteContent {
  const percent = Math.round(result.cause.confidence * 100);
  const headline =
    result.cause.id === 'other'
      ? `No known cause fits this ticket (confidence ${percent}%).`
      : `Likely cause: ${result.cause.id} (confidence ${percent}%).`;
  const top = result.causes.find((c) => c.id === result.cause.id);
  return {
    headline,
    symptoms: result.symptoms.slice(0, MAX_SYMPTOMS).map((s) => ({ id: s.id, quote: s.text, note: polarityNote(s) })),
    evidence: [...(top?.evidence ?? [])]
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
      .slice(0, MAX_EVIDENCE)
      .map((e) => ({ symptom: e.symptom, quote: e.text, weight: signedWeight(e) })),
    macro: { title: result.macro.title, body: result.macro.body },
    alternatives: result.alternatives.map(describeAlternative),
    tried: result.tried ?? [],
    footer: `Rule pack ${result.packVersion} · ${marker}`,
  };
}

function polarityNote(symptom: SymptomHit): string | undefined {
  if (symptom.polarity === 'negated') return 'ruled out by the customer';
  if (symptom.polarity === 'tried') return 'already tried by the customer';
  return undefined;
}

function signedWeight(evidence: Evidence): string {
  const rounded = Math.round(evidence.weight * 100) / 100;
  return rounded >= 0 ? `+${rounded}` : `${rounded}`;
}

function describeAlternative(alt: Alternative): string {
  if (!alt.stats || alt.stats.uses === 0) return alt.title;
  const rate = Math.round(alt.stats.rate * 100);
  return `${alt.title} (resolved ${alt.stats.successes} of ${alt.stats.uses}, about ${rate}%)`;
}

function renderText(c: NoteContent): string {
  const lines = [`Triage: ${c.headline}`, ''];
  if (c.symptoms.length) {
    lines.push('Symptoms:');
    for (const s of c.symptoms) lines.push(`- ${s.id}: "${s.quote}"${s.note ? ` (${s.note})` : ''}`);
    lines.push('');
  }
  if (c.evidence.length) {
    lines.push('Evidence:');
    for (const e of c.evidence) lines.push(`- ${e.symptom} ${e.weight}: "${e.quote}"`);
    lines.push('');
  }
  lines.push(`Suggested macro: ${c.macro.title}`, ...c.macro.body.split('\n').map((l) => `> ${l}`), '');
  if (c.alternatives.length) {
    lines.push('Alternatives:', ...c.alternatives.map((a) => `- ${a}`), '');
  }
  if (c.tried.length) lines.push(`Already tried: ${c.tried.join(', ')}`, '');
  lines.push(c.footer);
  return lines.join('\n');
}

function renderHtml(c: NoteContent, marker: string): string {
  const parts = [`<!-- ${escapeHtmlComment(marker)} -->`, `<p><strong>Triage:</strong> ${escapeHtml(c.headline)}</p>`];
  if (c.symptoms.length) {
    parts.push(
      '<p><strong>Symptoms</strong></p>',
      list(c.symptoms.map((s) => `${escapeHtml(s.id)}: “${escapeHtml(s.quote)}”${s.note ? ` <em>(${escapeHtml(s.note)})</em>` : ''}`)),
    );
  }
  if (c.evidence.length) {
    parts.push(
      '<p><strong>Evidence</strong></p>',
      list(c.evidence.map((e) => `${escapeHtml(e.symptom)} ${escapeHtml(e.weight)}: “${escapeHtml(e.quote)}”`)),
    );
  }
  parts.push(
    `<p><strong>Suggested macro:</strong> ${escapeHtml(c.macro.title)}</p>`,
    `<blockquote>${escapeHtml(c.macro.body).replace(/\r?\n/g, '<br>')}</blockquote>`,
  );
  if (c.alternatives.length) {
    parts.push('<p><strong>Alternatives</strong></p>', list(c.alternatives.map(escapeHtml)));
  }
  if (c.tried.length) parts.push(`<p><strong>Already tried:</strong> ${escapeHtml(c.tried.join(', '))}</p>`);
  parts.push(`<p><small>${escapeHtml(c.footer)}</small></p>`);
  return parts.join('\n');
}

function list(items: string[]): string {
  return `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/** "--" may not appear inside an HTML comment; a marker holding it would end the comment early. */
function escapeHtmlComment(text: string): string {
  return escapeHtml(text).replace(/--/g, '-\u200b-');
}

/**
 * Tags for the triage: `<prefix>cause_<id>` and `<prefix>symptom_<id>` for each symptom the customer
 * reports (not those ruled out or already tried), reduced to what both helpdesks accept.
 */
export function triageTags(result: TriageResult, prefix: string = DEFAULT_TAG_PREFIX): string[] {
  const raw = [
    `${prefix}cause_${result.cause.id}`,
    ...result.symptoms.filter((s) => !s.polarity || s.polarity === 'present').map((s) => `${prefix}symptom_${s.id}`),
  ];
  return [...new Set(raw.map(sanitizeTag).filter((t) => t.length > 0))];
}

/** Lowercase, only [a-z0-9_], no doubled or edge underscores, bounded length. */
export function sanitizeTag(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, MAX_TAG_LENGTH)
    .replace(/_$/, '');
}
