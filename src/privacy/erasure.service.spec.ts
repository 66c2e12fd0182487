import { addressHash, AuditService } from '../audit/audit.service';
import { fakeAuditRepository } from '../audit/testing/fake-audit-repository';
import type { AuthedRequest } from '../platform/auth/api-key.guard';
import { fakeTransactions } from '../platform/database/testing/fake-transactions';
import { ERASED } from './personal-text';
import { ErasureService } from './erasure.service';
import { PrivacyController } from './privacy.controller';
import { fakeJobQueue, FakeErasureStore } from './testing/fake-erasure-store';

const DANA = { email: 'Dana.Lee@Example.com', name: 'Dana Lee', firstName: 'Dana' };
const OMAR = { email: 'omar@example.org', name: 'Omar Haddad' };
const admin = { principal: { name: 'ADMIN_API_KEY' } } as AuthedRequest;

function setup(jobs: Parameters<typeof fakeJobQueue>[0] = []) {
  const store = new FakeErasureStore();
  const auditLog = fakeAuditRepository();
  const transactions = fakeTransactions();
  const queue = fakeJobQueue(jobs);
  const erasure = new ErasureService(store.asRepository(), transactions, new AuditService(auditLog), queue);
  return { store, auditLog, transactions, queue, erasure, controller: new PrivacyController(erasure) };
}

describe('erasing a requester', () => {
  it("answers how many tickets held the address, in any case, and erases each one's text and requester", async () => {
    const { store, controller } = setup();
    store.ticket({ id: 't1', requester: DANA });
    store.ticket({ id: 't2', requester: { ...DANA, email: 'dana.lee@example.com' } });
    store.ticket({ id: 't3', requester: OMAR });
    expect(await controller.erase('DANA.LEE@example.com', admin)).toEqual({ tickets: 2 });
    expect(store.tickets.map((t) => [t.id, t.erased, t.subject])).toEqual([
      ['t1', true, ''],
      ['t2', true, ''],
      ['t3', false, 'My backup fails'],
    ]);
    expect([...store.erasedPayloads].sort()).toEqual(['t1', 't2']);
    expect([...store.erasedTriages].sort()).toEqual(['t1', 't2']);
  });

  it('answers {tickets: 0} the second time', async () => {
    const { store, controller } = setup();
    store.ticket({ id: 't1', requester: DANA });
    await controller.erase(DANA.email, admin);
    expect(await controller.erase(DANA.email, admin)).toEqual({ tickets: 0 });
  });

  it.each(['not-an-email', 'two@at@signs', 'dana lee@example.com', `${'x'.repeat(65)}@example.com`])(
    'refuses %p with REQUEST.INVALID and erases nothing',
    async (email) => {
      const { store, controller, transactions, auditLog } = setup();
      store.ticket({ id: 't1', requester: DANA });
      expect(() => controller.erase(email, admin)).toThrow(expect.objectContaining({ code: 'REQUEST.INVALID', status: 400 }));
      expect(transactions.opened).toBe(0);
      expect(store.tickets[0].erased).toBe(false);
      expect(auditLog.rows).toEqual([]);
    },
  );

  it('audits who erased how many tickets, naming the person by the hash of the address only', async () => {
    const { store, controller, auditLog } = setup();
    store.ticket({ id: 't1', requester: DANA });
    await controller.erase(DANA.email, admin);
    expect(auditLog.rows).toMatchObject([
      { actor: 'ADMIN_API_KEY', action: 'requester.erase', target: addressHash(DANA.email), details: { tickets: 1 } },
    ]);
    expect(JSON.stringify(auditLog.rows)).not.toMatch(/dana/i);
  });

  it('erases every ticket of the address, however many batches it takes, each in its own transaction', async () => {
    const { store, erasure, transactions } = setup();
    for (let i = 0; i < 450; i += 1) store.ticket({ id: `t${String(i).padStart(3, '0')}`, requester: DANA });
    expect(await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY')).toEqual({ tickets: 450 });
    expect(store.tickets.every((t) => t.erased)).toBe(true);
    // Three batches of at most 200, and the one that found none left.
    expect(transactions.opened).toBe(4);
  });

  it("scrubs the person's address and names from other text of the tickets, leaving other people's", async () => {
    const { store, erasure } = setup();
    store.ticket({ id: 't1', requester: DANA });
    store.ticket({ id: 't2', requester: OMAR });
    store.notes.push(
      { id: 'n1', ticketId: 't1', value: 'Called Dana Lee back at dana.lee@example.com' },
      { id: 'n2', ticketId: 't1', value: 'Wrong cause: storage' },
      { id: 'n3', ticketId: 't2', value: 'Omar Haddad asked about Dana' },
    );
    await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY');
    expect(store.notes.map((n) => n.value)).toEqual([
      `Called ${ERASED} back at ${ERASED}`,
      'Wrong cause: storage',
      'Omar Haddad asked about Dana',
    ]);
  });

  it("drops the stored reports' phrases that hold a word of the person's name or address", async () => {
    const { store, erasure } = setup();
    store.ticket({ id: 't1', requester: DANA });
    store.phrases = ['backup fails', 'dana lee', 'hi dana', 'storage full'];
    await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY');
    expect(store.phrases).toEqual(['backup fails', 'storage full']);
  });

  it('removes the queued jobs of the tickets that hold the person, and keeps the others', async () => {
    const { store, erasure, queue } = setup([
      { queue: 'triage', id: 'e1', data: { inboxId: 'e1', subject: 'From Dana Lee' } },
      { queue: 'triage', id: 'e2', data: { inboxId: 'e2' } },
      { queue: 'writeback-zendesk', id: 'w1', data: { writebackId: 'w1', note: 'dana.lee@example.com' } },
      { queue: 'triage', id: 'e3', data: { inboxId: 'e3', subject: 'From Dana Lee' } },
    ]);
    store.ticket({ id: 't1', requester: DANA, jobIds: ['e1', 'e2', 'w1'] });
    store.ticket({ id: 't2', requester: OMAR, jobIds: ['e3'] });
    await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY');
    expect(queue.removed.sort()).toEqual(['triage/e1', 'writeback-zendesk/w1']);
  });

  it('erases the triage results stored after an erasure, once it erased a ticket', async () => {
    const { store, erasure } = setup();
    store.lateResults = 2;
    await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY');
    expect(store.lateResults).toBe(2);
    store.ticket({ id: 't1', requester: DANA });
    await erasure.eraseRequester(DANA.email, 'ADMIN_API_KEY');
    expect(store.lateResults).toBe(0);
  });
});

describe('erasing by age (RETENTION_DAYS)', () => {
  it('erases the tickets older than the horizon not erased yet, and audits it as retention', async () => {
    const { store, erasure, auditLog } = setup();
    store.ticket({ id: 'old', requester: DANA, ageDays: 400 });
    store.ticket({ id: 'new', requester: OMAR, ageDays: 10 });
    store.oldReportsWithPhrases = 1;
    expect(await erasure.eraseOlderThan(365)).toEqual({ tickets: 1 });
    expect(store.tickets.map((t) => t.erased)).toEqual([true, false]);
    expect(auditLog.rows).toMatchObject([
      { actor: 'retention', action: 'retention.erase', details: { tickets: 1, olderThanDays: 365, reports: 1 } },
    ]);
  });

  it('writes no audit row when nothing was old enough', async () => {
    const { store, erasure, auditLog } = setup();
    store.ticket({ id: 'new', requester: OMAR, ageDays: 10 });
    expect(await erasure.eraseOlderThan(365)).toEqual({ tickets: 0 });
    expect(auditLog.rows).toEqual([]);
  });
});
