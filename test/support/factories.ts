import { uniqueId } from './test-app';

export interface TicketBody {
  externalId: string;
  subject?: string;
  description: string;
  requester?: { email?: string; name?: string; firstName?: string };
  tags?: string[];
  status?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** A ticket as a helpdesk client would post it; override what the test is about. */
export function makeTicket(overrides: Partial<TicketBody> = {}): TicketBody {
  return {
    externalId: uniqueId('ticket'),
    subject: 'iCloud backup keeps failing',
    description:
      'Every time I try to back up my iPhone 13 it says there is not enough iCloud storage. ' +
      'My 5 GB plan is full and the backup needs 9 GB.',
    requester: { email: 'dana@example.com', firstName: 'Dana' },
    ...overrides,
  };
}
