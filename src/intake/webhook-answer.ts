import type { FastifyReply } from 'fastify';
import type { WebhookAnswer } from './helpdesk-intake.service';

/** 202 for a new event, 200 for one seen before, 202 with a reason for one the service ignores. */
export function sendWebhookAnswer(reply: FastifyReply, answer: WebhookAnswer) {
  if (answer.kind === 'ignored') {
    void reply.status(202);
    return { status: 'ignored', reason: answer.reason };
  }
  void reply.status(answer.accepted ? 202 : 200);
  return { id: answer.ticketId, status: answer.accepted ? 'queued' : 'duplicate', event: answer.kind };
}
