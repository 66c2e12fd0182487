import type { HelpdeskEvent } from '../helpdesk/webhooks/webhook-event';
import { MAX_DESCRIPTION_CHARS } from '../tickets/well-formed-text';
import { storableHelpdeskEvent } from './storable-helpdesk-event';

const now = new Date('2026-12-05T10:00:00Z');
const opts = { now, maxFutureSkewMs: 60 * 60_000 };
const ticket = (fields: { subject?: string; description?: string; updatedAt?: Date; createdAt?: Date }): HelpdeskEvent => ({
  kind: 'ticket',
  event: { source: 'zendesk', externalId: '1', subject: 's', description: 'd', dedupeKey: 'k', ...fields },
});
const comment = (body: string, at = now): HelpdeskEvent => ({
  kind: 'comment',
  source: 'zendesk',
  externalId: '1',
  commentId: 'c',
  body,
  at,
  dedupeKey: 'k',
});

describe('storableHelpdeskEvent', () => {
  it('cuts a description over 65,536 characters on a code point boundary and marks the event truncated', () => {
    const long = `${'a'.repeat(MAX_DESCRIPTION_CHARS - 1)}😀 and more`;
    const stored = storableHelpdeskEvent(ticket({ description: long }), opts);
    if (stored.kind !== 'ticket') throw new Error(stored.kind);
    expect(stored.event.description).toBe('a'.repeat(MAX_DESCRIPTION_CHARS - 1));
    expect(stored.event.truncated).toBe(true);
  });

  it('cuts a subject over 1,000 characters, and leaves text within the limits unmarked', () => {
    const stored = storableHelpdeskEvent(ticket({ subject: 's'.repeat(1500), description: 'x'.repeat(MAX_DESCRIPTION_CHARS) }), opts);
    expect(stored).toMatchObject({ event: { subject: 's'.repeat(1000), truncated: true } });
    const fits = storableHelpdeskEvent(ticket({ description: 'x'.repeat(MAX_DESCRIPTION_CHARS) }), opts);
    expect(fits.kind === 'ticket' && 'truncated' in fits.event).toBe(false);
  });

  it('cuts a comment over 65,536 characters and marks it', () => {
    const stored = storableHelpdeskEvent(comment('b'.repeat(MAX_DESCRIPTION_CHARS + 10)), opts);
    expect(stored).toMatchObject({ kind: 'comment', body: 'b'.repeat(MAX_DESCRIPTION_CHARS), truncated: true });
    expect(storableHelpdeskEvent(comment('short'), opts)).not.toHaveProperty('truncated');
  });

  it('clamps dates further ahead than the allowed skew to now, and keeps the others', () => {
    const soon = new Date(now.getTime() + 59 * 60_000);
    const stored = storableHelpdeskEvent(ticket({ updatedAt: new Date('9999-12-31T00:00:00Z'), createdAt: soon }), opts);
    expect(stored).toMatchObject({ event: { updatedAt: now, createdAt: soon } });
    expect(storableHelpdeskEvent(comment('x', new Date('9999-01-01T00:00:00Z')), opts)).toMatchObject({ at: now });
  });
});
