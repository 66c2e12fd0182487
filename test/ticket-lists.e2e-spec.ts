import { makeTicket } from './support/factories';
import { ADMIN_KEY, createTestApp, TestApp, waitFor } from './support/test-app';

const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

describe('GET /v1/tickets: macro and resolved filters, bounded descriptions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const post = (description: string) =>
    t
      .http()
      .post('/v1/tickets')
      .set(admin)
      .send(makeTicket({ description }))
      .expect(202)
      .then((r) => r.body.id as string);
  const triaged = (id: string) =>
    waitFor(
      () =>
        t
          .http()
          .get(`/v1/tickets/${id}`)
          .set(admin)
          .then((r) => r.body),
      (b) => b.triage?.state === 'done',
      { timeoutMs: 30_000 },
    );
  const listed = async (query: string) => {
    const res = await t.http().get(`/v1/tickets?limit=200&${query}`).set(admin).expect(200);
    return (res.body.items as { id: string }[]).map((i) => i.id).sort();
  };

  it('selects the tickets whose outcomes credit a macro, resolved or not, as the weekly report counts them', async () => {
    const macros = (await t.http().get('/v1/macros').set(admin).expect(200)).body.items as { id: string }[];
    const [x, y] = [macros[0].id, macros[1].id];
    const [a, b, c, none] = await Promise.all(['a', 'b', 'c', 'd'].map((n) => post(`iCloud backup fails with Not Enough Storage (${n}).`)));
    await Promise.all([a, b, c, none].map(triaged));
    const outcome = (id: string, macroId: string, resolved: boolean) =>
      t.http().post(`/v1/tickets/${id}/outcome`).set(admin).send({ macroId, resolved }).expect(200);
    await outcome(a, x, true);
    await outcome(b, x, false);
    await outcome(c, y, true);
    await outcome(c, x, false);

    expect(await listed(`macro=${x}`)).toEqual([a, b, c].sort());
    expect(await listed(`macro=${x}&resolved=true`)).toEqual([a]);
    expect(await listed(`macro=${x}&resolved=false`)).toEqual([b, c].sort());
    expect(await listed(`macro=${y}&resolved=false`)).toEqual([]);
    expect(await listed('resolved=true')).toEqual([a, c].sort());
    expect(await listed('macro=no_such_macro')).toEqual([]);
  });

  it('400 for a malformed macro id or resolved value', async () => {
    for (const query of ['macro=Not%20A%20Macro!', 'resolved=maybe']) {
      const res = await t.http().get(`/v1/tickets?${query}`).set(admin).expect(400);
      expect(res.body.error.code).toBe('REQUEST.INVALID');
    }
  });

  it('lists 50 tickets of 60 KiB in about 100 KB: descriptions cut to 500 characters and macros without their body, whole on the ticket', async () => {
    const long = (n: number) =>
      `Backup fails with Not Enough Storage, ticket ${n}. ${'My iCloud storage is full and the backup needs more space. '.repeat(1100)}`.slice(
        0,
        60 * 1024,
      );
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) ids.push(await post(long(n)));
    await Promise.all(ids.map(triaged));

    const res = await t.http().get('/v1/tickets?limit=50').set(admin).expect(200);
    // About 2 KB an item whatever the description's length; the whole texts would make over 3 MB.
    expect(res.text.length).toBeLessThan(110_000);
    expect(res.body.items).toHaveLength(50);
    for (const item of res.body.items) {
      expect(item.description).toHaveLength(500);
      expect(item.descriptionTruncated).toBe(true);
      expect(Object.keys(item.triage.macro).sort()).toEqual(['id', 'title']);
    }
    const one = await t.http().get(`/v1/tickets/${ids[7]}`).set(admin).expect(200);
    expect(one.body.description).toBe(long(7));
    expect(one.body.triage.macro.body).toEqual(expect.any(String));

    const short = await t.http().get('/v1/tickets?limit=200').set(admin).expect(200);
    const unchanged = short.body.items.find((i: { description: string }) => i.description.length < 500);
    expect(unchanged.descriptionTruncated).toBe(false);
  });
});
