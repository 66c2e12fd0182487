import { HelpdeskHttp, HelpdeskHttpError, isRetryableStatus, mergeTags, parseRetryAfter } from './helpdesk-client';

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-25T14:00:00Z');

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as seconds from now, never negative', () => {
    expect(parseRetryAfter('Wed, 25 Nov 2026 14:00:45 GMT', now)).toBe(45);
    expect(parseRetryAfter('Wed, 25 Nov 2026 13:00:00 GMT', now)).toBe(0);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('HelpdeskHttpError', () => {
  it('is retryable for 429, 409, 5xx and no response, not for other 4xx', () => {
    expect([0, 409, 429, 500, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
    const err = new HelpdeskHttpError({ helpdesk: 'zendesk', method: 'PUT', path: '/x', status: 429, retryAfterSeconds: 3 });
    expect(err).toMatchObject({ retryable: true, retryAfterSeconds: 3, message: 'zendesk PUT /x: HTTP 429' });
  });
});

describe('mergeTags', () => {
  it('appends new tags in order without duplicates', () => {
    expect(mergeTags(['a', 'b', 'a'], ['b', 'c', 'c', 'd'])).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('HelpdeskHttp', () => {
  const http = new HelpdeskHttp('zendesk', 'https://acme.zendesk.com', 'Basic x');

  it('keeps only path and query of a next-page link, so credentials stay with the base host', () => {
    expect(http.relativePath('https://acme.zendesk.com/api/v2/tickets/1/comments.json?page=2')).toBe(
      '/api/v2/tickets/1/comments.json?page=2',
    );
    expect(http.relativePath('https://evil.example/api/v2/x?page=2')).toBe('/api/v2/x?page=2');
  });

  it('passes errors that are not the network’s through unchanged', async () => {
    class BudgetSpent extends Error {}
    const failing = new HelpdeskHttp('freshdesk', 'https://acme.freshdesk.com', 'Basic x', {
      fetch: async () => {
        throw new BudgetSpent('wait');
      },
    });
    await expect(failing.request({ method: 'GET', path: '/api/v2/tickets/1' })).rejects.toBeInstanceOf(BudgetSpent);
  });
});
