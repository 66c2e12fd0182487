import type { PipelineService } from '../pipeline/pipeline.service';
import { DomainError } from '../platform/errors/domain-error';
import type { RetriageRepository } from './retriage.repository';
import { RetriageService } from './retriage.service';

/** Tickets `known` in memory; `stored` lists the retriage events written, `handedOn` what the pipeline got. */
function setup(known: string[]) {
  const stored: { inboxId: string; ticketId: string }[] = [];
  const handedOn: string[] = [];
  const repository = {
    insertRetriageEvent: (inboxId: string, ticketId: string) => {
      if (!known.includes(ticketId)) return Promise.resolve(false);
      stored.push({ inboxId, ticketId });
      return Promise.resolve(true);
    },
  } as unknown as RetriageRepository;
  const pipeline = { eventAccepted: (id: string) => Promise.resolve(void handedOn.push(id)) } as unknown as PipelineService;
  return { service: new RetriageService(repository, pipeline), stored, handedOn };
}

describe('RetriageService', () => {
  it('stores a new event for the ticket and hands that event on for triage', async () => {
    const { service, stored, handedOn } = setup(['t1']);
    const inboxId = await service.retriage('t1');
    expect(stored).toEqual([{ inboxId, ticketId: 't1' }]);
    expect(handedOn).toEqual([inboxId]);
    expect(await service.retriage('t1')).not.toBe(inboxId); // each request is a triage of its own
  });

  it('refuses a ticket that does not exist with TICKET.NOT_FOUND, handing nothing on', async () => {
    const { service, handedOn } = setup([]);
    const refused = service.retriage('nope');
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'TICKET.NOT_FOUND' });
    expect(handedOn).toEqual([]);
  });
});
