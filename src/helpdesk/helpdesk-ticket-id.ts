/** Zendesk and Freshdesk ticket ids: positive integers, which the service keeps as strings of digits. */
import type { Helpdesk } from '../platform/queue/helpdesks';
import { HelpdeskHttpError, ticketPath } from './helpdesk-client';

/** Up to 20 digits (a 64-bit integer), no sign, no leading zero. */
const HELPDESK_TICKET_ID = /^[1-9][0-9]{0,19}$/;

export function isHelpdeskTicketId(value: string): boolean {
  return HELPDESK_TICKET_ID.test(value);
}

/**
 * A ticket id that is not a helpdesk's (`.`, `..`, `1/../2` ...) would move a request to another API path:
 * refused before any path is built. Not retryable (status 400): another attempt cannot fix the id.
 */
export class InvalidHelpdeskTicketIdError extends HelpdeskHttpError {
  constructor(helpdesk: Helpdesk, method: string, ticketId: string) {
    super({ helpdesk, method, path: '(not sent)', status: 400 });
    this.name = 'InvalidHelpdeskTicketIdError';
    this.message = `${helpdesk} ${method}: not sent, the ticket id ${JSON.stringify(ticketId.slice(0, 40))} is not a positive integer`;
  }
}

/** The id as a path segment, or InvalidHelpdeskTicketIdError. */
export function helpdeskTicketPath(helpdesk: Helpdesk, method: string, ticketId: string): string {
  if (!isHelpdeskTicketId(ticketId)) throw new InvalidHelpdeskTicketIdError(helpdesk, method, ticketId);
  return ticketPath(ticketId);
}
