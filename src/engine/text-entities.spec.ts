import { normalizeText } from './normalize';
import type { FieldText } from './entities';
import { extractDurations, extractQuotedMessages, type DurationEntity, type QuotedMessage } from './text-entities';

function fieldOf(description: string): FieldText {
  return { field: 'description', original: description, norm: normalizeText(description) };
}

function entitiesOf(description: string) {
  const durations: DurationEntity[] = [];
  const messages: QuotedMessage[] = [];
  extractDurations(fieldOf(description), durations);
  extractQuotedMessages(fieldOf(description), messages);
  return { durations, messages };
}

describe('durations', () => {
  it('reads amounts and units, in words or digits', () => {
    const { durations } = entitiesOf('it has been 3 hours, and two days ago it said a few minutes');
    expect(durations.map((d) => [d.amount, d.unit])).toEqual([
      [3, 'hour'],
      [2, 'day'],
      [3, 'minute'],
    ]);
    expect(durations[0].hours).toBe(3);
  });

  it('reads "since ..." starts', () => {
    const d = entitiesOf('failing since Tuesday').durations;
    expect(d[0].unit).toBe('since');
    expect(d[0].span.text).toBe('since Tuesday');
  });
});

describe('quoted on-screen messages', () => {
  it('finds text in straight and typographic quotes, not apostrophes', () => {
    const original = "It says “Backup Failed” and then 'couldn't communicate with the server', don't know why";
    const { messages } = entitiesOf(original);
    expect(messages.map((m) => m.text)).toEqual(['Backup Failed', "couldn't communicate with the server"]);
    expect(original.slice(messages[0].span.start, messages[0].span.end)).toBe('Backup Failed');
  });
});
