import { WebhookPayloadError } from './webhook-event';
import { mapZendeskWebhook, satisfactionRating, ZENDESK_TRIGGER_BODY_TEMPLATE, zendeskStatus } from './zendesk-webhook.mapper';

const opts = { ownUserId: '900', ownEmail: 'triage@example.com', noteMarkerPrefix: 'triage-note:' };
const now = new Date('2026-11-25T15:00:00Z');
const map = (body: unknown, extra: Partial<typeof opts> = {}) => mapZendeskWebhook(body, { ...opts, ...extra, now: () => now });

/** What both kinds of body say about the ticket in these tests. */
const sameTicket = {
  source: 'zendesk',
  externalId: '35436',
  subject: 'iCloud backup stuck',
  description: 'My backup is stuck on estimating time remaining.',
};

/** An event-subscription envelope as Zendesk sends it; override what the test is about. */
function zenEvent(type: string, overrides: { detail?: object; event?: object; id?: string; time?: string } = {}) {
  return {
    account_id: 22129848,
    id: overrides.id ?? 'evt-1',
    time: overrides.time ?? '2026-11-25T14:05:30.123456789Z',
    type: `zen:event-type:${type}`,
    subject: 'zen:ticket:35436',
    zendesk_event_version: '2022-11-06',
    detail: {
      id: '35436',
      actor_id: '501',
      requester_id: '501',
      subject: 'iCloud backup stuck',
      description: 'My backup is stuck on estimating time remaining.',
      status: 'OPEN',
      tags: ['vip'],
      created_at: '2026-11-25T14:00:00Z',
      updated_at: '2026-11-25T14:05:30Z',
      ...overrides.detail,
    },
    event: overrides.event ?? {},
  };
}

function comment(overrides: object = {}) {
  return {
    comment: {
      id: 777,
      body: 'It still says estimating after a night on Wi-Fi.',
      is_public: true,
      author: { id: '501', is_staff: false, name: 'Dana' },
      ...overrides,
    },
  };
}

/** The trigger body as ZENDESK_TRIGGER_BODY_TEMPLATE renders it. */
function triggerBody(ticket: object = {}, currentUser: object = { id: '501', email: 'dana@example.com' }) {
  return {
    ticket: {
      id: '35436',
      title: 'iCloud backup stuck',
      description: 'My backup is stuck on estimating time remaining.',
      status: 'open',
      tags: 'vip ios_17',
      requester_email: 'dana@example.com',
      requester_name: 'Dana Scully',
      requester_first_name: 'Dana',
      created_at: '2026-11-25T14:00Z',
      updated_at: '2026-11-25T14:05Z',
      ...ticket,
    },
    current_user: currentUser,
  };
}

describe('mapZendeskWebhook: event subscriptions', () => {
  it('maps ticket.created to a ticket to triage, keyed by the event id', () => {
    const result = map(zenEvent('ticket.created'));
    expect(result).toEqual({
      kind: 'ticket',
      event: {
        ...sameTicket,
        tags: ['vip'],
        status: 'open',
        createdAt: new Date('2026-11-25T14:00:00Z'),
        updatedAt: new Date('2026-11-25T14:05:30Z'),
        dedupeKey: 'zendesk:evt:evt-1',
      },
    });
  });

  it('triages again when the subject or description changes', () => {
    expect(map(zenEvent('ticket.description_changed')).kind).toBe('ticket');
    expect(map(zenEvent('ticket.subject_changed')).kind).toBe('ticket');
  });

  it('takes the ticket id from the subject when detail has none, and accepts numeric ids', () => {
    const body = zenEvent('ticket.created', { detail: { id: undefined } });
    expect(map(body)).toMatchObject({ event: { externalId: '35436' } });
    expect(map(zenEvent('ticket.created', { detail: { id: 42 } }))).toMatchObject({ event: { externalId: '42' } });
  });

  it('maps a public comment by the requester to a comment event', () => {
    expect(map(zenEvent('ticket.comment_added', { event: comment() }))).toEqual({
      kind: 'comment',
      source: 'zendesk',
      externalId: '35436',
      commentId: '777',
      body: 'It still says estimating after a night on Wi-Fi.',
      at: new Date('2026-11-25T14:05:30.123Z'),
      dedupeKey: 'zendesk:evt:evt-1',
    });
  });

  it.each([
    ['a private comment', comment({ is_public: false }), 'private comment'],
    ['a comment by the service user', comment({ author: { id: '900', is_staff: true } }), 'comment by the service user'],
    [
      'the service’s own note',
      comment({ body: 'Likely cause ...\ntriage-note:abc', author: { id: '900' }, is_public: false }),
      'the service’s own note',
    ],
    [
      'a note with the marker by the service user, even public',
      comment({ body: 'triage-note:abc', author: { id: '900' } }),
      'the service’s own note',
    ],
    ['an agent’s comment', comment({ author: { id: '12', is_staff: true } }), 'comment not from the requester'],
    ['the ticket’s first comment', comment({ body: 'My backup is stuck on estimating time remaining.' }), 'first comment of the ticket'],
  ])('ignores %s', (_what, event, reason) => {
    expect(map(zenEvent('ticket.comment_added', { event }))).toEqual({ kind: 'ignored', reason });
  });

  it('triages a customer’s comment that quotes the service’s note marker', () => {
    const quoted = comment({ body: 'Your note said "triage-note:abc" but my backup still fails.' });
    expect(map(zenEvent('ticket.comment_added', { event: quoted }))).toMatchObject({ kind: 'comment', body: quoted.comment.body });
    const created = zenEvent('ticket.created', { detail: { description: 'I pasted triage-note:xyz from the old ticket; backup fails.' } });
    expect(map(created)).toMatchObject({ kind: 'ticket' });
    expect(map(triggerBody({ description: 'triage-note:1 is what I see, the backup fails' }))).toMatchObject({ kind: 'ticket' });
  });

  it('without a requester id, takes a comment by a non-staff author as the customer’s', () => {
    const body = zenEvent('ticket.comment_added', {
      detail: { requester_id: undefined, actor_id: undefined },
      event: comment({ author: { id: '77', is_staff: false } }),
    });
    expect(map(body).kind).toBe('comment');
  });

  it('maps status changes in any case, with the previous status and the tags', () => {
    const body = zenEvent('ticket.status_changed', {
      event: { current: 'SOLVED', previous: 'Open' },
      detail: { tags: ['triage_applied_restart'] },
    });
    expect(map(body)).toEqual({
      kind: 'status',
      source: 'zendesk',
      externalId: '35436',
      status: 'solved',
      previousStatus: 'open',
      tags: ['triage_applied_restart'],
      at: new Date('2026-11-25T14:05:30.123Z'),
      dedupeKey: 'zendesk:evt:evt-1',
    });
    expect(map(zenEvent('ticket.status_changed', { event: { current: 'Hold', previous: 'Pending' } }))).toMatchObject({
      status: 'on_hold',
      previousStatus: 'pending',
    });
  });

  it('ignores a status the service does not track', () => {
    expect(map(zenEvent('ticket.status_changed', { event: { current: 'DELETED', previous: 'OPEN' } }))).toEqual({
      kind: 'ignored',
      reason: 'status not tracked: DELETED',
    });
  });

  it('ignores events by the service user, tag-only changes and other event types', () => {
    expect(map(zenEvent('ticket.status_changed', { detail: { actor_id: '900' }, event: { current: 'OPEN' } }))).toEqual({
      kind: 'ignored',
      reason: 'event by the service user',
    });
    expect(map(zenEvent('ticket.tags_changed'))).toEqual({ kind: 'ignored', reason: 'tag-only change' });
    expect(map(zenEvent('ticket.priority_changed'))).toEqual({
      kind: 'ignored',
      reason: 'event type not handled: ticket.priority_changed',
    });
    expect(map({ ...zenEvent('user.created'), detail: { id: '5' } })).toEqual({
      kind: 'ignored',
      reason: 'not a ticket event: user.created',
    });
  });
});

describe('mapZendeskWebhook: trigger bodies', () => {
  it('maps an open ticket to a ticket event with requester, tags and times', () => {
    const result = map(triggerBody());
    expect(result).toEqual({
      kind: 'ticket',
      event: {
        ...sameTicket,
        requester: { email: 'dana@example.com', name: 'Dana Scully', firstName: 'Dana' },
        tags: ['vip', 'ios_17'],
        status: 'open',
        createdAt: new Date('2026-11-25T14:00:00Z'),
        updatedAt: new Date('2026-11-25T14:05:00Z'),
        dedupeKey: expect.stringMatching(/^zendesk:trg:35436:[0-9a-f]{32}$/),
      },
    });
  });

  it('gives the same delivery one key, and new content a new one', () => {
    const key = (body: unknown) => (map(body) as { event: { dedupeKey: string } }).event.dedupeKey;
    expect(key(triggerBody())).toBe(key(triggerBody()));
    expect(key(triggerBody({ tags: 'vip other', updated_at: '2026-11-25T14:09Z' }))).toBe(key(triggerBody()));
    expect(key(triggerBody({ description: 'Now it fails outright.' }))).not.toBe(key(triggerBody()));
  });

  it('maps solved and closed tickets to status events, keyed by ticket, status and update time', () => {
    expect(map(triggerBody({ status: 'Solved', tags: 'triage_applied_restart' }))).toEqual({
      kind: 'status',
      source: 'zendesk',
      externalId: '35436',
      status: 'solved',
      tags: ['triage_applied_restart'],
      at: new Date('2026-11-25T14:05:00Z'),
      dedupeKey: 'zendesk:trg:35436:status:solved:2026-11-25T14:05Z',
    });
    expect(map(triggerBody({ status: 'closed' }))).toMatchObject({ kind: 'status', status: 'closed' });
  });

  it('ignores updates made by the service user, by id or by email', () => {
    expect(map(triggerBody({}, { id: '900', email: '' }))).toEqual({ kind: 'ignored', reason: 'update by the service user' });
    expect(map(triggerBody({}, { id: '1', email: 'Triage@Example.com' }))).toEqual({
      kind: 'ignored',
      reason: 'update by the service user',
    });
  });

  it('reads dates robustly and drops unreadable ones', () => {
    expect(map(triggerBody({ updated_at: 'November 25, 2026 14:05' }))).toMatchObject({
      event: { updatedAt: new Date('2026-11-25T14:05:00Z') },
    });
    expect(map(triggerBody({ updated_at: 'soon' }))).toMatchObject({ event: { updatedAt: null } });
  });

  it('fills the template with every field the mapper reads', () => {
    const template = JSON.parse(ZENDESK_TRIGGER_BODY_TEMPLATE);
    expect(Object.keys(template.ticket)).toEqual(Object.keys(triggerBody().ticket));
    expect(Object.keys(template.current_user)).toEqual(['id', 'email']);
  });
});

describe('mapZendeskWebhook: malformed bodies', () => {
  const details = (body: unknown): string[] => {
    try {
      map(body);
    } catch (err) {
      if (err instanceof WebhookPayloadError) return err.details;
      throw err;
    }
    throw new Error('expected a WebhookPayloadError');
  };

  it('names the wrong field', () => {
    expect(details('not json')).toEqual(['body: expected a JSON object']);
    expect(details([])).toEqual(['body: expected a JSON object']);
    expect(details({ hello: 1 })[0]).toMatch(/^body: expected a Zendesk event/);
    expect(details(triggerBody({ id: undefined }))).toEqual(['ticket.id: required']);
    expect(details(triggerBody({ id: '{{ticket.id}}' }))).toEqual(['ticket.id: required']);
    expect(details(triggerBody({ id: { n: 1 } }))).toEqual(['ticket.id: expected an id (string or integer)']);
    for (const id of ['.', '..', '1/../2', 'zd-1', '0', '007', '1.5', '9'.repeat(21), -3, 1.5]) {
      expect(details(triggerBody({ id }))[0]).toMatch(/^ticket\.id: expected (a ticket id: a positive integer|an id)/);
    }
    expect(details({ ...zenEvent('ticket.created'), detail: { ...zenEvent('ticket.created').detail, id: '1/../2' } })).toEqual([
      'detail.id: expected a ticket id: a positive integer of up to 20 digits',
    ]);
    expect(details({ event: 'satisfaction', ticket: { id: '..', satisfaction: 'Good' } })).toEqual([
      'ticket.id: expected a ticket id: a positive integer of up to 20 digits',
    ]);
    expect(details(triggerBody({ description: 5, tags: 7 }))).toEqual([
      'ticket.description: expected a string',
      'ticket.tags: expected a list of strings or a space-separated string',
    ]);
    expect(details({ ticket: 'x' })).toEqual(['ticket: expected an object']);
    expect(details({ ...zenEvent('ticket.created'), id: undefined })).toEqual(['id: required']);
    expect(details({ ...zenEvent('ticket.created'), detail: undefined, subject: 'zen:user:1' })).toEqual([
      'detail: required',
      'detail.id: expected the ticket id',
    ]);
    expect(details(zenEvent('ticket.comment_added', { event: {} }))).toEqual(['event.comment: required']);
    expect(details(zenEvent('ticket.status_changed', { event: { current: 3 } }))).toEqual(['event.current: expected a string']);
  });

  it('checks only the fields an event type reads, and reads hints leniently', () => {
    const broken = { description: 5, updated_at: {}, requester_id: { n: 1 } };
    expect(map(zenEvent('ticket.tags_changed', { detail: broken }))).toEqual({ kind: 'ignored', reason: 'tag-only change' });
    expect(details(zenEvent('ticket.created', { detail: broken }))).toEqual([
      'detail.description: expected a string',
      'detail.updated_at: expected a date string',
    ]);
    const comment = { comment: { id: 'c1', body: 'Still failing after the restart.', is_public: true, author: { id: '501' } } };
    expect(map(zenEvent('ticket.comment_added', { detail: { requester_id: { n: 1 } }, event: comment }))).toMatchObject({
      kind: 'comment',
      commentId: 'c1',
    });
    // Without a time of its own an event reads the ticket's updated_at: a wrong one is named once.
    expect(details({ ...zenEvent('ticket.created', { detail: { updated_at: [] } }), time: undefined })).toEqual([
      'detail.updated_at: expected a date string',
    ]);
  });

  it('is a 400 with the details', () => {
    try {
      map({ ticket: {} });
    } catch (err) {
      expect(err).toBeInstanceOf(WebhookPayloadError);
      expect((err as WebhookPayloadError).status).toBe(400);
      expect((err as WebhookPayloadError).message).toContain('ticket.id: required');
    }
    expect.assertions(3);
  });
});

describe('zendeskStatus', () => {
  it.each([
    ['new', 'new'],
    ['Open', 'open'],
    ['PENDING', 'pending'],
    ['hold', 'on_hold'],
    ['On-hold', 'on_hold'],
    ['solved', 'solved'],
    ['Closed', 'closed'],
    ['archived', null],
    ['', null],
  ])('%s -> %s', (input, expected) => expect(zendeskStatus(input)).toBe(expected));
});

describe('satisfaction ratings', () => {
  const body = (satisfaction: string) => ({
    event: 'satisfaction',
    ticket: { id: '77', satisfaction, tags: 'vip triage_applied_update_ios', updated_at: '2026-11-23T10:00:00Z' },
  });

  it('maps a good and a bad rating to a csat event keyed by the update', () => {
    const good = mapZendeskWebhook(body("Good, I'm satisfied"), { noteMarkerPrefix: 'triage-note:' });
    expect(good).toMatchObject({ kind: 'csat', externalId: '77', rating: 'good', tags: ['vip', 'triage_applied_update_ios'] });
    const bad = mapZendeskWebhook(body("Bad, I'm unsatisfied"), { noteMarkerPrefix: 'triage-note:' });
    expect(bad).toMatchObject({ kind: 'csat', rating: 'bad' });
    expect((good as { dedupeKey: string }).dedupeKey).not.toBe((bad as { dedupeKey: string }).dedupeKey);
  });

  it('ignores an unrated or unoffered survey', () => {
    expect(mapZendeskWebhook(body('Offered'), { noteMarkerPrefix: 'triage-note:' }).kind).toBe('ignored');
    expect(mapZendeskWebhook(body(''), { noteMarkerPrefix: 'triage-note:' }).kind).toBe('ignored');
  });

  it('reads the rating words', () => {
    expect(satisfactionRating('good')).toBe('good');
    expect(satisfactionRating('BAD')).toBe('bad');
    expect(satisfactionRating('unoffered')).toBeNull();
  });
});
