/**
 * Lines that are not the customer's words: quoted replies, forwarded headers, signatures, legal
 * disclaimers and agent lines of transcripts (except a yes/no question the customer answered).
 */
import { answerPolarity, closingYesNoQuestion, speakerOf } from './discourse';

const REPLY_HEADER =
  /^\s*(on\b.{0,200}\bwrote:|le\b.{0,200}\ba [ée]crit\s?:|am\b.{0,200}\bschrieb.{0,60}:|el\b.{0,200}\bescribi[óo]:|em\b.{0,200}\bescreveu:)\s*$/i;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|mensaje original|urspr[üu]ngliche nachricht|message d'origine|mensagem original)\s*-*\s*$/i;
const FORWARD_MARKER =
  /^\s*(-{2,}\s*(forwarded message|weitergeleitete nachricht|mensaje reenviado|message transf[ée]r[ée]|mensagem encaminhada)\s*-*|begin forwarded message:)\s*$/i;
const HEADER_LINE =
  /^\s*(from|sent|to|cc|date|subject|von|gesendet|an|betreff|datum|de|para|enviado|asunto|fecha|envoy[ée]|[àa]|objet)\s*:/i;
const SIGNATURE_DELIMITER = /^--\s?$/;
const SENT_FROM = /^\s*(sent from my|get outlook for|von meinem .{0,30} gesendet|enviado desde mi|envoy[ée] de mon|enviado do meu)\b/i;
const CLOSING =
  /^\s*((kind|best|warm|many|with kind)\s+)?(regards|thanks|thank you( very much| so much)?|thanks in advance|thx|cheers|best|sincerely|yours|best wishes|mfg|mit freundlichen gr[üu](ß|ss)en|freundliche gr[üu](ß|ss)e|viele gr[üu](ß|ss)e|liebe gr[üu](ß|ss)e|sch[öo]ne gr[üu](ß|ss)e|gru(ß|ss)|danke( sch[öo]n)?|vielen dank|cordialement|bien [àa] vous|merci( beaucoup)?|saludos( cordiales)?|un saludo|gracias( por (la|tu|su) ayuda)?|muchas gracias|atentamente|obrigad[oa]|abra[çc]os|atenciosamente)\s*[,.!]*\s*$/i;
const DISCLAIMER_WORDS = [
  'confidential',
  'privileged',
  'intended solely',
  'intended only',
  'intended for the',
  'received this',
  'vertraulich',
  'confidencial',
  'confidentiel',
];
const AGENT_LINE = /^\s*(agent|support|rep|representative|advisor)\s*:/i;
const SEPARATOR = /^\s*(-{3,}|_{3,}|={3,})\s*$/;

interface Line {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) {
      lines.push({ start, end: text.length, text: text.slice(start) });
      return lines;
    }
    lines.push({ start, end, text: text.slice(start, end) });
    start = end + 1;
  }
}

const isBlank = (line: Line) => line.text.trim() === '';

/** An agent's yes/no question the customer answered: its offsets in the text, and the answer. */
interface AnsweredQuestion {
  readonly start: number;
  readonly end: number;
  readonly answer: 'yes' | 'no';
}

function isAgentLine(line: string): boolean {
  if (AGENT_LINE.test(line)) return true;
  const colon = line.indexOf(':');
  return colon > 0 && colon < 80 && speakerOf(line)?.role === 'agent';
}

/**
 * The yes/no question closing the agent's line `i` when the next line (after blank ones) is the
 * customer's answer starting with yes or no ("Is it on Wi-Fi at night?" / "no, only 5G").
 */
function answeredQuestion(lines: readonly Line[], i: number): AnsweredQuestion | null {
  const speaker = speakerOf(lines[i].text);
  const bodyStart = speaker?.bodyStart ?? lines[i].text.indexOf(':') + 1;
  const question = closingYesNoQuestion(lines[i].text.slice(bodyStart));
  if (!question) return null;
  let j = i + 1;
  while (j < lines.length && j <= i + 3 && isBlank(lines[j])) j++;
  if (j >= lines.length || j > i + 3) return null;
  const next = lines[j].text;
  if (/^\s*>/.test(next) || isAgentLine(next)) return null;
  const answerSpeaker = next.indexOf(':') >= 0 ? speakerOf(next) : null;
  const answer = answerPolarity(answerSpeaker ? next.slice(answerSpeaker.bodyStart) : next);
  if (!answer) return null;
  const at = lines[i].start + bodyStart;
  return { start: at + question[0], end: at + question[1], answer };
}

export interface CustomerRanges {
  /** Kept ranges of the text, in order. */
  readonly ranges: [number, number][];
  /** Answered agent questions, each kept as a range of its own: indexes into `ranges`. */
  readonly questions: { readonly range: number; readonly answer: 'yes' | 'no' }[];
}

/** Marks the lines to keep; returns kept ranges of the text. */
export function customerRanges(text: string): CustomerRanges {
  const lines = splitLines(text);
  const keep = lines.map(() => true);
  const answered = new Map<number, AnsweredQuestion>();
  let i = 0;
  while (i < lines.length) {
    const line = lines[i].text;
    // Headers, closings and signatures are short lines; long lines are the customer's text.
    if (line.length > 300) {
      i++;
      continue;
    }
    if (REPLY_HEADER.test(line) || ORIGINAL_MESSAGE.test(line) || SIGNATURE_DELIMITER.test(line)) {
      for (let k = i; k < lines.length; k++) keep[k] = false;
      break;
    }
    if (FORWARD_MARKER.test(line)) {
      keep[i] = false;
      let k = i + 1;
      while (k < lines.length && (HEADER_LINE.test(lines[k].text) || isBlank(lines[k]))) keep[k++] = false;
      i = k;
      continue;
    }
    if (/^\s*>/.test(line) || SENT_FROM.test(line)) {
      keep[i] = false;
    } else if (isAgentLine(line)) {
      // An agent's words are not the customer's, but a yes/no question the customer answered is a fact.
      keep[i] = false;
      const question = answeredQuestion(lines, i);
      if (question) answered.set(i, question);
    } else if (CLOSING.test(line)) {
      keep[i] = false;
      // Name, title and company lines under a closing; stops at a separator or a real sentence.
      let k = i + 1;
      while (k < lines.length && k <= i + 4) {
        const next = lines[k].text.trim();
        if (next === '' || SEPARATOR.test(next) || next.length > 60 || next.split(/\s+/).length > 8) break;
        keep[k++] = false;
      }
      i = k;
      continue;
    }
    i++;
  }
  // Legal disclaimers: whole paragraphs. A ticket never opens with one, so the first paragraph is skipped.
  let paraStart = lines.findIndex(isBlank) + 1;
  for (let k = paraStart; paraStart > 0 && k <= lines.length; k++) {
    if (k === lines.length || isBlank(lines[k])) {
      if (k > paraStart) {
        // The paragraph's lines joined by spaces, lower-cased (one slice of the text, not one string per line).
        const paragraph = text.slice(lines[paraStart].start, lines[k - 1].end);
        const lower = paragraph.length > 60 ? paragraph.toLowerCase().replace(/\n/g, ' ') : '';
        if (lower && DISCLAIMER_WORDS.some((w) => lower.includes(w))) {
          for (let j = paraStart; j < k; j++) keep[j] = false;
        }
      }
      paraStart = k + 1;
    }
  }
  const ranges: [number, number][] = [];
  const questions: CustomerRanges['questions'][number][] = [];
  let separate = false; // the last range is a question: never merged with the next line
  for (let k = 0; k < lines.length; k++) {
    if (!keep[k]) {
      const question = answered.get(k);
      if (question) {
        questions.push({ range: ranges.length, answer: question.answer });
        ranges.push([question.start, question.end]);
        separate = true;
      }
      continue;
    }
    const end = k + 1 < lines.length ? lines[k].end + 1 : lines[k].end;
    const last = ranges[ranges.length - 1];
    if (last && !separate && last[1] === lines[k].start) last[1] = end;
    else ranges.push([lines[k].start, end]);
    separate = false;
  }
  return { ranges, questions };
}
