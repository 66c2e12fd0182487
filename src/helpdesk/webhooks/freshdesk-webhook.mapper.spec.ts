import { FRESHDESK_WEBHOOK_BODY_TEMPLATE, freshdeskStatus, htmlToText, mapFreshdeskWebhook } from './freshdesk-webhook.mapper';
import { growthRatio } from '../../engine/testing/growth';
import { WebhookPayloadError } from './webhook-event';

const now = new Date('2026-11-25T15:00:00Z');
const map = (body: unknown) => mapFreshdeskWebhook(body, { now: () => now });

/** The body FRESHDESK_WEBHOOK_BODY_TEMPLATE renders; override what the test is about. */
function webhook(fields: object = {}) {
  return {
    freshdesk_webhook: {
      ticket_id: '4821',
      ticket_subject: 'Backup greyed out',
      ticket_description: '<div>The <b>Back Up Now</b> button is greyed out &amp; I can&#39;t tap it.</div>',
      ticket_status: 'Open',
      ticket_tags: 'vip, ios 17',
      ticket_contact_email: 'sam@example.com',
      ticket_contact_name: 'Sam Carter',
      triggered_event: '{ticket_action:created}',
      ...fields,
    },
  };
}

const keyOf = (body: unknown): string => {
  const result = map(body);
  if (result.kind === 'ticket') return result.event.dedupeKey!;
  if (result.kind === 'status') return result.dedupeKey;
  throw new Error(`no key for ${result.kind}`);
};

describe('mapFreshdeskWebhook', () => {
  it('maps an open ticket to a ticket event, the description as text', () => {
    expect(map(webhook())).toEqual({
      kind: 'ticket',
      event: {
        source: 'freshdesk',
        externalId: '4821',
        subject: 'Backup greyed out',
        description: "The Back Up Now button is greyed out & I can't tap it.",
        requester: { email: 'sam@example.com', name: 'Sam Carter' },
        tags: ['vip', 'ios 17'],
        status: 'open',
        dedupeKey: expect.stringMatching(/^freshdesk:4821:[0-9a-f]{64}$/),
      },
    });
  });

  it('accepts the fields without the freshdesk_webhook wrapper and numeric ids', () => {
    expect(map({ ...webhook().freshdesk_webhook, ticket_id: 4821 })).toMatchObject({ kind: 'ticket', event: { externalId: '4821' } });
  });

  it('keys a ticket event by its content: tag, status or trigger changes alone are the same event', () => {
    const key = keyOf(webhook());
    expect(keyOf(webhook())).toBe(key);
    expect(keyOf(webhook({ ticket_tags: 'vip, triage_cause_backup_disabled', ticket_status: 'Pending', triggered_event: '{x}' }))).toBe(
      key,
    );
    expect(keyOf(webhook({ ticket_description: 'Now it is not greyed out but fails.' }))).not.toBe(key);
    expect(keyOf(webhook({ ticket_id: '4822' }))).not.toBe(key);
  });

  it.each([
    ['Resolved', 'solved'],
    ['4', 'solved'],
    ['Closed', 'closed'],
    ['5', 'closed'],
  ])('maps status %s to a %s status event', (ticketStatus, status) => {
    expect(map(webhook({ ticket_status: ticketStatus, ticket_tags: 'triage_applied_restart' }))).toEqual({
      kind: 'status',
      source: 'freshdesk',
      externalId: '4821',
      status,
      tags: ['triage_applied_restart'],
      at: now,
      dedupeKey: expect.stringMatching(/^freshdesk:4821:[0-9a-f]{64}$/),
    });
  });

  it('keys status events apart from ticket events and by status', () => {
    expect(keyOf(webhook({ ticket_status: 'Resolved' }))).not.toBe(keyOf(webhook()));
    expect(keyOf(webhook({ ticket_status: 'Resolved' }))).toBe(keyOf(webhook({ ticket_status: 4 })));
    expect(keyOf(webhook({ ticket_status: 'Resolved' }))).not.toBe(keyOf(webhook({ ticket_status: 'Closed' })));
  });

  it('triages a description that quotes the service’s note marker: it is the customer’s text', () => {
    expect(map(webhook({ ticket_description: '<p>Your note said</p><p>triage-note:abc</p><p>Backup still fails.</p>' }))).toMatchObject({
      kind: 'ticket',
      event: { description: 'Your note said\ntriage-note:abc\nBackup still fails.' },
    });
  });

  it('ignores a rule fired by a private note (the service writes its notes private)', () => {
    expect(map(webhook({ triggered_event: '{note_type:private}' }))).toEqual({ kind: 'ignored', reason: 'private note' });
    expect(map(webhook({ triggered_event: '{note_type:public}' })).kind).toBe('ticket');
  });

  it('refuses malformed bodies, naming the field', () => {
    const details = (body: unknown) => {
      try {
        map(body);
      } catch (err) {
        if (err instanceof WebhookPayloadError) return err.details;
        throw err;
      }
      throw new Error('expected a WebhookPayloadError');
    };
    expect(details(null)).toEqual(['body: expected a JSON object']);
    expect(details(webhook({ ticket_id: '{{ticket.id}}' }))).toEqual(['freshdesk_webhook.ticket_id: required']);
    expect(details(webhook({ ticket_description: undefined }))).toEqual(['freshdesk_webhook.ticket_description: required']);
    expect(details(webhook({ ticket_subject: 12 }))).toEqual(['freshdesk_webhook.ticket_subject: expected a string']);
    expect(details({ freshdesk_webhook: [] })).toEqual(['freshdesk_webhook: expected an object']);
    for (const id of ['.', '..', '1/../2', 'fd-1', '0', '9'.repeat(21), 2.5]) {
      expect(details(webhook({ ticket_id: id }))[0]).toMatch(/^freshdesk_webhook\.ticket_id: expected (a ticket id|an id)/);
    }
  });

  it('has a template holding every field the mapper reads', () => {
    expect(Object.keys(JSON.parse(FRESHDESK_WEBHOOK_BODY_TEMPLATE).freshdesk_webhook)).toEqual(Object.keys(webhook().freshdesk_webhook));
  });
});

describe('freshdeskStatus', () => {
  it.each([
    [2, 'open'],
    ['3', 'pending'],
    ['Pending', 'pending'],
    ['Waiting on Customer', 'pending'],
    ['resolved', 'solved'],
    ['CLOSED', 'closed'],
    ['Escalated', null],
    ['', null],
  ])('%s -> %s', (input, expected) => expect(freshdeskStatus(input)).toBe(expected));
});

describe('htmlToText', () => {
  it('keeps line breaks, drops tags and decodes entities', () => {
    expect(htmlToText('<p>Hi,</p><p>line&nbsp;one<br>line two &lt;3 &#x1F4BE;</p><script>x()</script>')).toBe(
      'Hi,\nline one\nline two <3 💾',
    );
  });

  it('passes plain text through unchanged', () => {
    expect(htmlToText('5 < 6 & a > b')).toBe('5 < 6 & a > b');
  });
});

describe('Freshdesk satisfaction ratings', () => {
  it('maps a rated survey to a csat event', () => {
    const event = mapFreshdeskWebhook({
      freshdesk_webhook: {
        ticket_id: '901',
        ticket_description: 'x',
        ticket_status: 'Resolved',
        ticket_satisfaction: 'Bad',
        ticket_tags: 'a, b',
      },
    });
    expect(event).toMatchObject({ kind: 'csat', source: 'freshdesk', externalId: '901', rating: 'bad', tags: ['a', 'b'] });
  });
});

describe('htmlToText on hostile HTML', () => {
  it('drops script and style blocks, and reads an unclosed one to the end', () => {
    expect(htmlToText('<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>')).toBe('a\nb');
    expect(htmlToText('<p>keep</p><SCRIPT type="x">never closed <p>gone')).toBe('keep');
    expect(htmlToText('<scripts>x</scripts> and <p>y</p>')).toBe('x and y');
  });

  it('costs time in step with the input, even with thousands of unclosed script tags', () => {
    const hostile = (n: number) => '<script>'.repeat(n / 8) + 'x';
    const ratio = growthRatio(
      () => htmlToText(hostile(6_000)),
      () => htmlToText(hostile(60_000)),
    );
    expect(ratio).toBeLessThan(30);
  });
});
