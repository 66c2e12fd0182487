import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiKeyService } from '../auth/api-key.service';
import type { AuthFailureLimiter } from '../auth/auth-failures';
import { JobQueue } from './job-queue';

export const QUEUE_DASHBOARD_PATH = '/queues';

/**
 * bull-board at /queues, behind HTTP basic auth whose password is a key with the admin scope
 * (browsers cannot send a bearer header). Any user name is accepted.
 */
/** `failures`: the per-address limiter of failed authentications (absent in an app without the API's modules). */
export async function mountQueueDashboard(app: NestFastifyApplication, failures?: AuthFailureLimiter): Promise<void> {
  const keys = app.get(ApiKeyService);
  const queues = app.get(JobQueue).dashboardQueues();
  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });

  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
      const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
      const password = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':').slice(1).join(':') : '';
      const principal = password ? await keys.authenticate(password) : null;
      if (principal?.scopes.includes('admin')) return;
      void reply.header('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
      // A wrong password counts as a failed authentication of the address; no password (the browser's first
      // request, before it asks for one) and a valid non-admin key do not.
      const retryAfter = principal || !password || !failures ? 0 : await failures.fail(req.ip);
      if (retryAfter > 0) {
        return reply
          .status(429)
          .header('Retry-After', String(retryAfter))
          .send({
            error: { code: 'RATE_LIMITED', message: `Too many failed authentications from this address; retry in ${retryAfter} s` },
          });
      }
      return reply.status(principal ? 403 : 401).send({
        error: principal
          ? { code: 'AUTH.FORBIDDEN', message: 'The queue dashboard needs a key with the admin scope' }
          : { code: 'AUTH.MISSING_KEY', message: 'Sign in with any user name and an admin API key as the password' },
      });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}
