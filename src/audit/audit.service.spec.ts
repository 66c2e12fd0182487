import { addressHash, AuditService } from './audit.service';
import { fakeAuditRepository } from './testing/fake-audit-repository';

async function logWith(actions: number) {
  const repo = fakeAuditRepository(() => new Date('2026-11-30T09:00:00Z'));
  const audit = new AuditService(repo);
  for (let i = 1; i <= actions; i += 1) await audit.record({ actor: 'ADMIN_API_KEY', action: `action.${i}` });
  return { audit, repo };
}

describe('AuditService', () => {
  it('lists newest first, a page at a time, until the last page answers no cursor', async () => {
    const { audit } = await logWith(5);
    const first = await audit.list(2);
    expect(first.items.map((r) => r.action)).toEqual(['action.5', 'action.4']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await audit.list(2, first.nextCursor!);
    expect(second.items.map((r) => r.action)).toEqual(['action.3', 'action.2']);
    const last = await audit.list(2, second.nextCursor!);
    expect(last.items.map((r) => r.action)).toEqual(['action.1']);
    expect(last.nextCursor).toBeNull();
  });

  it('answers no cursor when the page holds exactly the rows left', async () => {
    const { audit } = await logWith(2);
    expect(await audit.list(2)).toMatchObject({ nextCursor: null, items: [{ action: 'action.2' }, { action: 'action.1' }] });
  });

  it('gives each row its time in ISO-8601 and its details as recorded', async () => {
    const repo = fakeAuditRepository(() => new Date('2026-11-30T09:00:00Z'));
    const audit = new AuditService(repo);
    await audit.record({
      actor: 'ADMIN_API_KEY',
      action: 'requester.erase',
      target: addressHash(' Dana@Example.com'),
      details: { tickets: 3 },
    });
    const [row] = (await audit.list(10)).items;
    expect(row).toEqual({
      id: '1',
      at: '2026-11-30T09:00:00.000Z',
      actor: 'ADMIN_API_KEY',
      action: 'requester.erase',
      target: addressHash('dana@example.com'),
      details: { tickets: 3 },
    });
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['text that is no cursor', 'not-a-cursor'],
    ["another list's cursor", cursorOf(['tickets', '5'])],
    ['a cursor whose id is no number', cursorOf(['audit', '1; DROP'])],
  ])('refuses %s with REQUEST.INVALID', async (_what, cursor) => {
    const { audit } = await logWith(3);
    await expect(audit.list(2, cursor)).rejects.toMatchObject({ code: 'REQUEST.INVALID', status: 400 });
  });

  it('keeps an over-long actor and target to their column sizes, and a missing target and details as null and {}', async () => {
    const { audit, repo } = await logWith(0);
    await audit.record({ actor: 'k'.repeat(500), action: 'api_key.create', target: 't'.repeat(500) });
    await audit.record({ actor: 'cli', action: 'model.activate' });
    expect(repo.rows[0].actor).toHaveLength(200);
    expect(repo.rows[0].target).toHaveLength(300);
    expect(repo.rows[1]).toMatchObject({ target: null, details: {} });
  });
});
