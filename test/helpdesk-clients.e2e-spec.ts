import { FreshdeskClient } from '../src/helpdesk/freshdesk.client';
import { HelpdeskHttpError } from '../src/helpdesk/helpdesk-client';
import { ZendeskClient } from '../src/helpdesk/zendesk.client';
import { FakeFreshdesk } from './fakes/fake-freshdesk';
import { FakeZendesk } from './fakes/fake-zendesk';

async function failure(promise: Promise<unknown>): Promise<HelpdeskHttpError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof HelpdeskHttpError)) throw new Error(`expected a HelpdeskHttpError, got ${String(err)}`);
  return err;
}

describe('ZendeskClient against a fake Zendesk', () => {
  const fake = new FakeZendesk();
  let url: string;
  const client = (overrides: Partial<ConstructorParameters<typeof ZendeskClient>[0]> = {}) =>
    new ZendeskClient({ baseUrl: url, email: 'triage@example.com', apiToken: 'zd-token', ...overrides });

  beforeAll(async () => ({ url } = await fake.start()));
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.seedTicket('101', { tags: ['vip'] });
  });

  it('authenticates as email/token:apiToken with basic auth', async () => {
    await client().addTags('101', ['triage_cause_storage_full']);
    const expected = `Basic ${Buffer.from('triage@example.com/token:zd-token').toString('base64')}`;
    expect(fake.requests[0].headers.authorization).toBe(expected);
  });

  it('adds tags with PUT .../tags.json, keeping the tags the ticket had', async () => {
    await client().addTags('101', ['triage_cause_storage_full', 'vip']);
    expect(fake.requests[0]).toMatchObject({
      method: 'PUT',
      path: '/api/v2/tickets/101/tags.json',
      body: { tags: ['triage_cause_storage_full', 'vip'] },
    });
    expect(fake.tickets.get('101')!.tags).toEqual(['vip', 'triage_cause_storage_full']);
  });

  it('adds a private comment, as html_body for HTML and as body for text', async () => {
    await client().addPrivateNote('101', '<p>Likely cause</p>');
    await client().addPrivateNote('101', 'Likely cause\ntriage-note:1');
    expect(fake.requests.map((r) => r.body)).toEqual([
      { ticket: { comment: { html_body: '<p>Likely cause</p>', public: false } } },
      { ticket: { comment: { body: 'Likely cause\ntriage-note:1', public: false } } },
    ]);
    expect(fake.tickets.get('101')!.comments.every((c) => !c.public)).toBe(true);
  });

  it('finds a marker on a later page by following next_page', async () => {
    const paged = new FakeZendesk(undefined, 2);
    const { url: pagedUrl } = await paged.start();
    try {
      paged.seedTicket('7', { comments: ['one', 'two', 'three', 'four', 'triage-note:abc in the footer'] });
      const zd = new ZendeskClient({ baseUrl: pagedUrl, email: 'triage@example.com', apiToken: 'zd-token' });
      expect(await zd.hasNoteWithMarker('7', 'triage-note:abc')).toBe(true);
      expect(paged.requests.map((r) => r.path)).toEqual([
        '/api/v2/tickets/7/comments.json',
        '/api/v2/tickets/7/comments.json?page=2',
        '/api/v2/tickets/7/comments.json?page=3',
      ]);
      expect(await zd.hasNoteWithMarker('7', 'triage-note:other')).toBe(false);
    } finally {
      await paged.stop();
    }
  });

  it('turns 429 into a retryable error with Retry-After in seconds', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 17 });
    const err = await failure(client().addTags('101', ['x']));
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 17 });
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    fake.failNext(1, { status: 429, retryAfter: new Date(Date.now() + 30_000).toUTCString() });
    const err = await failure(client().addTags('101', ['x']));
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(31);
  });

  it('marks 500 retryable and 404 not', async () => {
    fake.failNext(1, { status: 500 });
    expect(await failure(client().addPrivateNote('101', 'x'))).toMatchObject({ status: 500, retryable: true });
    expect(await failure(client().addPrivateNote('999', 'x'))).toMatchObject({ status: 404, retryable: false });
  });

  it('refuses wrong credentials with a non-retryable 401', async () => {
    const err = await failure(client({ apiToken: 'wrong' }).addTags('101', ['x']));
    expect(err).toMatchObject({ status: 401, retryable: false });
  });

  it('gives up on a slow answer after the timeout, as a retryable error with status 0', async () => {
    fake.delayNext(500);
    const err = await failure(client({ timeoutMs: 100 }).addTags('101', ['x']));
    expect(err).toMatchObject({ status: 0, retryable: true });
    expect(err.message).toMatch(/timed out after 100 ms/);
  });

  it('treats a refused connection as a retryable error with status 0', async () => {
    const closed = new FakeZendesk();
    const { url: closedUrl } = await closed.start();
    await closed.stop();
    const zd = new ZendeskClient({ baseUrl: closedUrl, email: 'triage@example.com', apiToken: 'zd-token' });
    expect(await failure(zd.addTags('101', ['x']))).toMatchObject({ status: 0, retryable: true });
  });

  it('sends nothing in dry run and logs each request instead', async () => {
    const lines: object[] = [];
    const zd = client({ dryRunLog: (line) => lines.push(line) });
    await zd.addTags('101', ['triage_cause_storage_full']);
    await zd.addPrivateNote('101', 'note');
    expect(await zd.hasNoteWithMarker('101', 'triage-note:1')).toBe(false);
    expect(fake.requests).toHaveLength(0);
    expect(lines).toEqual([
      expect.objectContaining({ helpdesk: 'zendesk', method: 'PUT', path: '/api/v2/tickets/101/tags.json' }),
      expect.objectContaining({ method: 'PUT', path: '/api/v2/tickets/101.json' }),
      expect.objectContaining({ method: 'GET', path: '/api/v2/tickets/101/comments.json' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('zd-token');
  });
});

describe('FreshdeskClient against a fake Freshdesk', () => {
  const fake = new FakeFreshdesk();
  let url: string;
  const client = (overrides: Partial<ConstructorParameters<typeof FreshdeskClient>[0]> = {}) =>
    new FreshdeskClient({ baseUrl: url, apiKey: 'fd-key', ...overrides });

  beforeAll(async () => ({ url } = await fake.start()));
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.seedTicket('55', { tags: ['billing', 'triage_cause_storage_full'] });
  });

  it('authenticates with the API key as user and X as password', async () => {
    await client().addTags('55', ['new_tag']);
    expect(fake.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('fd-key:X').toString('base64')}`);
  });

  it('merges tags into the current list without duplicates, in order', async () => {
    await client().addTags('55', ['triage_cause_storage_full', 'triage_symptom_not_enough_storage']);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/v2/tickets/55', 'PUT /api/v2/tickets/55']);
    expect(fake.requests[1].body).toEqual({
      tags: ['billing', 'triage_cause_storage_full', 'triage_symptom_not_enough_storage'],
    });
    expect(fake.tickets.get('55')!.tags).toEqual(['billing', 'triage_cause_storage_full', 'triage_symptom_not_enough_storage']);
  });

  it('skips the PUT when every tag is already there', async () => {
    await client().addTags('55', ['billing']);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('adds a private note', async () => {
    await client().addPrivateNote('55', '<p>Likely cause</p>');
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v2/tickets/55/notes',
      body: { body: '<p>Likely cause</p>', private: true },
    });
    expect(fake.tickets.get('55')!.conversations).toEqual([expect.objectContaining({ private: true })]);
  });

  it('finds a marker on a later page of conversations', async () => {
    fake.seedTicket('56', { conversations: ['a', 'b', 'c', '<p><small>triage-note:xyz</small></p>'] });
    const fd = client({ pageSize: 3 });
    expect(await fd.hasNoteWithMarker('56', 'triage-note:xyz')).toBe(true);
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/api/v2/tickets/56/conversations?page=1&per_page=3',
      '/api/v2/tickets/56/conversations?page=2&per_page=3',
    ]);
    expect(await fd.hasNoteWithMarker('56', 'triage-note:none')).toBe(false);
  });

  it('turns 429 into a retryable error with Retry-After, and leaves the tags alone', async () => {
    fake.failNext(1, { status: 429, retryAfterSeconds: 60 });
    expect(await failure(client().addTags('55', ['x']))).toMatchObject({ status: 429, retryable: true, retryAfterSeconds: 60 });
    expect(fake.tickets.get('55')!.tags).toEqual(['billing', 'triage_cause_storage_full']);
  });

  it('marks 503 retryable and 404 not', async () => {
    fake.failNext(1, { status: 503 });
    expect(await failure(client().addPrivateNote('55', 'x'))).toMatchObject({ status: 503, retryable: true });
    expect(await failure(client().addPrivateNote('404', 'x'))).toMatchObject({ status: 404, retryable: false });
  });

  it('gives up on a slow answer after the timeout', async () => {
    fake.delayNext(500);
    expect(await failure(client({ timeoutMs: 100 }).addPrivateNote('55', 'x'))).toMatchObject({ status: 0, retryable: true });
  });

  it('sends nothing in dry run', async () => {
    const lines: object[] = [];
    const fd = client({ dryRunLog: (line) => lines.push(line) });
    await fd.addTags('55', ['triage_cause_storage_full']);
    await fd.addPrivateNote('55', '<p>note</p>');
    expect(fake.requests).toHaveLength(0);
    expect(lines.map((l) => (l as { method: string }).method)).toEqual(['GET', 'PUT', 'POST']);
  });
});
