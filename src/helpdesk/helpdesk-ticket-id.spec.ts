import { FreshdeskClient } from './freshdesk.client';
import { isHelpdeskTicketId } from './helpdesk-ticket-id';
import { ZendeskClient } from './zendesk.client';

const NOT_IDS = ['.', '..', '1/../2', '../1', '1%2F..', '', ' 1', '0', '007', '-1', '1.5', '1e3', '9'.repeat(21), '１２'];

describe('helpdesk ticket ids', () => {
  it('are positive integers of up to 20 digits', () => {
    expect(['1', '35436', '9'.repeat(20)].every(isHelpdeskTicketId)).toBe(true);
    expect(NOT_IDS.filter(isHelpdeskTicketId)).toEqual([]);
  });

  describe.each([
    [
      'Zendesk',
      (fetch: typeof globalThis.fetch) => new ZendeskClient({ baseUrl: 'https://acme.zendesk.com', email: 'a@b.c', apiToken: 't', fetch }),
    ],
    ['Freshdesk', (fetch: typeof globalThis.fetch) => new FreshdeskClient({ baseUrl: 'https://acme.freshdesk.com', apiKey: 'k', fetch })],
  ])('the %s client', (_name, makeClient) => {
    it.each(NOT_IDS)('refuses %j before building a path, without a request, and not as retryable', async (id) => {
      const fetch = jest.fn();
      const client = makeClient(fetch as unknown as typeof globalThis.fetch);
      for (const call of [
        () => client.addTags(id, ['x']),
        () => client.addPrivateNote(id, 'note'),
        () => client.hasNoteWithMarker(id, 'm'),
      ]) {
        await expect(call()).rejects.toMatchObject({ name: 'InvalidHelpdeskTicketIdError', retryable: false });
      }
      expect(fetch).not.toHaveBeenCalled();
    });
  });
});
