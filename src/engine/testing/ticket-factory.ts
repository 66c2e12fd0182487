/** Small factories for engine tests: tickets are built in the test, not copied from files. */
import type { TriageInput } from '../types';

export function makeTicket(overrides: Partial<TriageInput> & { description: string }): TriageInput {
  return { subject: '', ...overrides };
}

/** An email-style ticket: greeting, body paragraphs, closing and name. */
export function makeEmail(body: string, options: { subject?: string; name?: string; closing?: string } = {}): TriageInput {
  const name = options.name ?? 'Jordan';
  const closing = options.closing ?? 'Kind regards,';
  return { subject: options.subject ?? 'iCloud backup', description: `Hello,\n\n${body}\n\n${closing}\n${name}` };
}

/** A chat transcript: customer turns separated the way chat exports separate them. */
export function makeChat(...turns: string[]): TriageInput {
  return { subject: '', description: turns.join('\n---\n') };
}
