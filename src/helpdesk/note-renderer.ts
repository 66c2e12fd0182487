/** The private note and the tags the service writes back to a helpdesk ticket after triage. */
import type { Alternative, CauseScore, ConfidenceBand, SymptomHit, TriageDecision, TriageResult } from '../engine/types';

/**
 * Starts the marker in every note the service writes (`triage-note:<triage id>`). The write-back looks for it
 * before writing, so a note is never written twice; webhooks read a comment as the service's own only when its
 * author is also the service's helpdesk user, since a customer may quote the marker.
 */
export const NOTE_MARKER_PREFIX = 'triage-note:';

export interface NoteOptions {
  /** Identifies the note, e.g. `triage-note:<triage id>`; the service finds its own notes by it. */
  readonly marker: string;
  readonly format: 'html' | 'text';
}

export const DEFAULT_TAG_PREFIX = 'triage_';

const MAX_SYMPTOMS = 20;
const MAX_EVIDENCE = 10;
/** Causes a `review` note puts before the agent, each with its evidence. */
const REVIEW_CAUSES = 3;
/** Evidence lines and learned words per cause in a `review` note. */
const MAX_CAUSE_EVIDENCE = 5;
const MAX_CAUSE_WORDS = 5;
/** Long enough for every tag the service writes, short enough for what helpdesks accept. */
const MAX_TAG_LENGTH = 80;

interface EvidenceLine {
  readonly symptom: string;
  readonly quote: string;
  readonly weight: string;
}

/** A candidate cause in a `review` note: its probability and what speaks for or against it. */
interface CandidateCause {
  readonly id: string;
  readonly percent: number;
  readonly evidence: EvidenceLine[];
  readonly words: string[];
}

interface NoteContent {
  readonly headline: string;
  /** Decision, band and language, in one line. */
  readonly gate: string;
  readonly symptoms: { readonly id: string; readonly quote: string; readonly note?: string }[];
  /** The top cause's evidence (`auto`). */
  readonly evidence: EvidenceLine[];
  /** The top causes with their evidence (`review`). */
  readonly candidates: CandidateCause[];
  readonly macroLabel: string;
  readonly macro: { readonly title: string; readonly body: string };
  readonly alternatives: string[];
  readonly tried: string[];
  readonly footer: string;
}

/**
 * The write-back decision and band of a stored result. Results stored before decisions existed were all
 * written back as they were, so they count as `auto` (band `high`).
 */
export function writebackGate(result: TriageResult): { decision: TriageDecision; band: ConfidenceBand } {
  return result.decision === 'review'
    ? { decision: 'review', band: result.band === 'medium' ? 'medium' : 'low' }
    : { decision: 'auto', band: 'high' };
}

/**
 * The note an agent reads. `auto`: the diagnosis, the customer's words behind it, the suggested macro and
 * the alternatives. `review`: the top three causes, each with its evidence, for the agent to choose from.
 * The marker goes into an HTML comment and into a visible footer line, because helpdesks may strip comments
 * when they sanitize a note's HTML.
 */
export function renderNote(result: TriageResult, opts: NoteOptions): string {
  const content = noteContent(result, opts.marker);
  return opts.format === 'html' ? renderHtml(content, opts.marker) : renderText(content);
}

function noteContent(result: TriageResult, marker: string): NoteContent {
  const { decision, band } = writebackGate(result);
  const review = decision === 'review';
  const top = result.causes.find((c) => c.id === result.cause.id);
  return {
    headline: headline(result, review),
    gate: gateLine(result, decision, band),
    symptoms: result.symptoms.slice(0, MAX_SYMPTOMS).map((s) => ({ id: s.id, quote: s.text, note: polarityNote(s) })),
    evidence: review ? [] : evidenceLines(top, MAX_EVIDENCE),
    candidates: review ? topCauses(result).map(candidate) : [],
    macroLabel: review ? 'Macro for the most likely cause (check the cause first)' : 'Suggested macro',
    macro: { title: result.macro.title, body: result.macro.body },
    alternatives: result.alternatives.map(describeAlternative),
    tried: result.tried ?? [],
    footer: [`Rule pack ${result.packVersion}`, ...(result.modelVersion ? [`model ${result.modelVersion}`] : []), marker].join(' · '),
  };
}

function headline(result: TriageResult, review: boolean): string {
  const percent = Math.round(result.cause.confidence * 100);
  if (review) {
    return result.cause.id === 'other'
      ? `Needs review: no known cause fits this ticket well (confidence ${percent}%).`
      : `Needs review: no cause is certain enough to tag (best guess ${result.cause.id}, confidence ${percent}%).`;
  }
  return result.cause.id === 'other'
    ? `No known cause fits this ticket (confidence ${percent}%).`
    : `Likely cause: ${result.cause.id} (confidence ${percent}%).`;
}

function gateLine(result: TriageResult, decision: TriageDecision, band: ConfidenceBand): string {
  const parts = [`Decision: ${decision}`, `confidence band ${band}`];
  const language = result.language;
  if (language) {
    parts.push(
      language.confidence > 0
        ? `language ${language.code} (${Math.round(language.confidence * 100)}%)`
        : `language ${language.code} (too little text to tell)`,
    );
  }
  return parts.join(' · ');
}

/** The best causes, best first (the engine lists them so; sorted again for results from elsewhere). */
function topCauses(result: TriageResult): CauseScore[] {
  return [...result.causes].sort((a, b) => b.score - a.score).slice(0, REVIEW_CAUSES);
}

function candidate(cause: CauseScore): CandidateCause {
  return {
    id: cause.id,
    percent: Math.round(cause.score * 100),
    evidence: evidenceLines(cause, MAX_CAUSE_EVIDENCE),
    words: [...(cause.words ?? [])]
      .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
      .slice(0, MAX_CAUSE_WORDS)
      .map((w) => `"${w.text}" ${signed(w.weight)}`),
  };
}

/** A cause's evidence, strongest first. */
function evidenceLines(cause: CauseScore | undefined, max: number): EvidenceLine[] {
  return [...(cause?.evidence ?? [])]
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, max)
    .map((e) => ({ symptom: e.symptom, quote: e.text, weight: signed(e.weight) }));
}

function polarityNote(symptom: SymptomHit): string | undefined {
  if (symptom.polarity === 'negated') return 'ruled out by the customer';
  if (symptom.polarity === 'tried') return 'already tried by the customer';
  return undefined;
}

function signed(weight: number): string {
  const rounded = Math.round(weight * 100) / 100;
  return rounded >= 0 ? `+${rounded}` : `${rounded}`;
}

function describeAlternative(alt: Alternative): string {
  if (!alt.stats || alt.stats.uses === 0) return alt.title;
  const rate = Math.round(alt.stats.rate * 100);
  return `${alt.title} (resolved ${alt.stats.successes} of ${alt.stats.uses}, about ${rate}%)`;
}

function renderText(c: NoteContent): string {
  const lines = [`Triage: ${c.headline}`, c.gate, ''];
  if (c.symptoms.length) {
    lines.push('Symptoms:');
    for (const s of c.symptoms) lines.push(`- ${s.id}: "${s.quote}"${s.note ? ` (${s.note})` : ''}`);
    lines.push('');
  }
  if (c.evidence.length) {
    lines.push('Evidence:');
    for (const e of c.evidence) lines.push(`- ${evidenceText(e)}`);
    lines.push('');
  }
  if (c.candidates.length) {
    lines.push('Top causes:');
    for (const cause of c.candidates) {
      lines.push(`- ${cause.id} (${cause.percent}%)`);
      for (const e of cause.evidence) lines.push(`  - ${evidenceText(e)}`);
      if (cause.words.length) lines.push(`  - words: ${cause.words.join(', ')}`);
      if (!cause.evidence.length && !cause.words.length) lines.push('  - no evidence in the ticket (prior only)');
    }
    lines.push('');
  }
  lines.push(`${c.macroLabel}: ${c.macro.title}`, ...c.macro.body.split('\n').map((l) => `> ${l}`), '');
  if (c.alternatives.length) {
    lines.push('Alternatives:', ...c.alternatives.map((a) => `- ${a}`), '');
  }
  if (c.tried.length) lines.push(`Already tried: ${c.tried.join(', ')}`, '');
  lines.push(c.footer);
  return lines.join('\n');
}

function renderHtml(c: NoteContent, marker: string): string {
  const parts = [
    `<!-- ${escapeHtmlComment(marker)} -->`,
    `<p><strong>Triage:</strong> ${escapeHtml(c.headline)}</p>`,
    `<p>${escapeHtml(c.gate)}</p>`,
  ];
  if (c.symptoms.length) {
    parts.push(
      '<p><strong>Symptoms</strong></p>',
      list(c.symptoms.map((s) => `${escapeHtml(s.id)}: “${escapeHtml(s.quote)}”${s.note ? ` <em>(${escapeHtml(s.note)})</em>` : ''}`)),
    );
  }
  if (c.evidence.length) {
    parts.push('<p><strong>Evidence</strong></p>', list(c.evidence.map(evidenceHtml)));
  }
  if (c.candidates.length) {
    parts.push(
      '<p><strong>Top causes</strong></p>',
      list(
        c.candidates.map((cause) => {
          const items = cause.evidence.map(evidenceHtml);
          if (cause.words.length) items.push(`words: ${escapeHtml(cause.words.join(', '))}`);
          if (!items.length) items.push('no evidence in the ticket (prior only)');
          return `${escapeHtml(cause.id)} (${cause.percent}%)${list(items)}`;
        }),
      ),
    );
  }
  parts.push(
    `<p><strong>${escapeHtml(c.macroLabel)}:</strong> ${escapeHtml(c.macro.title)}</p>`,
    `<blockquote>${escapeHtml(c.macro.body).replace(/\r?\n/g, '<br>')}</blockquote>`,
  );
  if (c.alternatives.length) {
    parts.push('<p><strong>Alternatives</strong></p>', list(c.alternatives.map(escapeHtml)));
  }
  if (c.tried.length) parts.push(`<p><strong>Already tried:</strong> ${escapeHtml(c.tried.join(', '))}</p>`);
  parts.push(`<p><small>${escapeHtml(c.footer)}</small></p>`);
  return parts.join('\n');
}

function evidenceText(e: EvidenceLine): string {
  return `${e.symptom} ${e.weight}: "${e.quote}"`;
}

function evidenceHtml(e: EvidenceLine): string {
  return `${escapeHtml(e.symptom)} ${escapeHtml(e.weight)}: “${escapeHtml(e.quote)}”`;
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
 * Tags for the triage. `auto`: `<prefix>cause_<id>` and `<prefix>confidence_high`; `review`: `<prefix>needs_review`
 * and `<prefix>confidence_<band>`, and no cause tag. Both: `<prefix>symptom_<id>` for each symptom the customer
 * reports (not those ruled out or already tried). Reduced to what both helpdesks accept.
 */
export function triageTags(result: TriageResult, prefix: string = DEFAULT_TAG_PREFIX): string[] {
  const { decision, band } = writebackGate(result);
  const verdict = decision === 'auto' ? [`${prefix}cause_${result.cause.id}`] : [`${prefix}needs_review`];
  const raw = [
    ...verdict,
    `${prefix}confidence_${band}`,
    ...result.symptoms.filter((s) => !s.polarity || s.polarity === 'present').map((s) => `${prefix}symptom_${s.id}`),
  ];
  return [...new Set(raw.map(sanitizeTag).filter((t) => t.length > 0))];
}

const SERVICE_TAG_KINDS = ['cause_', 'confidence_', 'symptom_'] as const;

/**
 * True for a tag `triageTags` can write under the prefix: `cause_`, `needs_review`, `confidence_` and `symptom_`.
 * A re-triage removes those the new triage lacks. An agent's `cause_is_` label and `applied_` macro tag are read
 * as signals and look alike, so they are never the service's, nor is any tag without the prefix.
 */
export function isServiceTag(tag: string, prefix: string = DEFAULT_TAG_PREFIX): boolean {
  if (!tag.startsWith(prefix)) return false;
  const rest = tag.slice(prefix.length);
  if (rest.startsWith('cause_is_')) return false;
  return rest === 'needs_review' || SERVICE_TAG_KINDS.some((kind) => rest.startsWith(kind));
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
