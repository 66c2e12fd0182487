import { createHmac, randomUUID } from 'node:crypto';

/** The Zendesk signing secret the benchmarks configure the service with. */
export const SECRET = 'bench-zendesk-signing-secret';

/** Ticket texts of the bundled pack's commonest causes. */
const DESCRIPTIONS = [
  'My iPhone 13 says Not Enough Storage when it tries to back up, the 5 GB plan is full and it needs 11 GB.',
  'iCloud Backup is greyed out on my work iPad, I think the company manages it.',
  'Backups only fail when I am at the hotel, the wifi there needs a login page.',
  'The last backup was three weeks ago, the phone is plugged in at night but it never backs up.',
];

/** A POST /v1/tickets body: a new ticket each time. */
export function ticketBody(): string {
  return JSON.stringify({
    externalId: randomUUID(),
    subject: 'Backup problem',
    description: DESCRIPTIONS[Math.floor(Math.random() * DESCRIPTIONS.length)],
    requester: { firstName: 'Sam' },
  });
}

/** A signed Zendesk trigger webhook: a new ticket each time. */
export function zendeskRequest(): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    ticket: {
      id: String(Math.floor(Math.random() * 1e12)),
      title: 'Backup problem',
      description: DESCRIPTIONS[Math.floor(Math.random() * DESCRIPTIONS.length)],
      status: 'new',
      tags: 'ios',
      requester_email: 'sam@example.com',
      requester_first_name: 'Sam',
      updated_at: new Date().toISOString(),
    },
  });
  const timestamp = new Date().toISOString();
  const signature = createHmac('sha256', SECRET)
    .update(timestamp + body)
    .digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
    },
  };
}
