/** Labelled tickets as JSON Lines `{id, subject?, description, label, also?, lang?, channel?}`. */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { LabelledTicket } from './fit';

export interface LabelledFile {
  readonly path: string;
  readonly sha256: string;
  readonly tickets: LabelledTicket[];
}

/** Reads and checks a labelled file; a bad line stops with its number. Unknown labels are checked by the caller. */
export function readLabelledFile(path: string): LabelledFile {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  const tickets: LabelledTicket[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${path}:${i + 1}: not valid JSON`);
    }
    if (typeof row.id !== 'string' && typeof row.id !== 'number') throw new Error(`${path}:${i + 1}: "id" is required`);
    if (typeof row.description !== 'string') throw new Error(`${path}:${i + 1}: "description" must be a string`);
    if (typeof row.label !== 'string') throw new Error(`${path}:${i + 1}: "label" must be a cause id`);
    tickets.push({
      id: String(row.id),
      subject: typeof row.subject === 'string' ? row.subject : undefined,
      description: row.description,
      label: row.label,
      also: Array.isArray(row.also) ? row.also.filter((a): a is string => typeof a === 'string') : undefined,
      lang: typeof row.lang === 'string' ? row.lang : undefined,
      channel: typeof row.channel === 'string' ? row.channel : undefined,
    });
  });
  return { path, sha256: createHash('sha256').update(text).digest('hex'), tickets };
}
