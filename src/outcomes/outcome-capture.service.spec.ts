import { Logger } from '@nestjs/common';
import type { Tx } from '../platform/database/transactions';
import type { SignalEvent, SignalPack } from './outcome-capture.service';
import { fakeOutcomes } from './testing/fake-outcomes-store';

const PACK = 'icloud-backup';
/** The pack's macros by id and alias. */
const MACROS: Record<string, string> = { storage_manage: 'storage_manage', icloud_signin: 'icloud_signin', signin_reset: 'icloud_signin' };
const pack: SignalPack = { id: PACK, macroOf: (idOrAlias) => MACROS[idOrAlias] ?? null };
const tx = {} as Tx;

function status(
  value: 'open' | 'pending' | 'solved' | 'closed',
  at: string,
  over: { tags?: string[]; previousStatus?: 'solved' | 'open' } = {},
): SignalEvent {
  return {
    kind: 'status',
    source: 'zendesk',
    externalId: '1',
    status: value,
    tags: [],
    at: new Date(at),
    dedupeKey: `zendesk:1:${value}:${at}`,
    ...over,
  };
}

function rating(value: 'good' | 'bad', at: string): SignalEvent {
  return { kind: 'csat', source: 'zendesk', externalId: '1', rating: value, tags: [], at: new Date(at), dedupeKey: `csat:${at}` };
}

/** A ticket triaged with storage_manage suggested (decision auto) and the capture service over fakes. */
function setup() {
  const fakes = fakeOutcomes();
  fakes.store.addTicket('t1');
  const ticket = { id: 't1', status: 'open' as const, latestTriageId: 'r1' };
  const capture = (event: SignalEvent) => fakes.capture.captureIn(tx, event, ticket, pack);
  return { ...fakes, capture };
}

describe('OutcomeCaptureService', () => {
  it('credits a solve after an applied-fix tag to that macro, resolved, in the pack the ticket is read in', async () => {
    const { store, capture } = setup();
    await capture(status('solved', '2026-12-05T10:00:00Z', { tags: ['vip', 'triage_applied_icloud_signin'] }));

    expect(store.outcomeOf('t1', 'icloud_signin')).toMatchObject({ resolved: true, attribution: 'applied', weight: 1, pack_id: PACK });
    expect(store.outcomeOf('t1', 'storage_manage')).toBeUndefined();
    expect(store.cell(PACK, 'cause', 'storage_full', 'icloud_signin')).toEqual({ successes: 1, failures: 0 });
    expect(store.signals).toEqual([
      expect.objectContaining({ kind: 'status', status: 'solved', resolved: true, macroId: 'icloud_signin', triageResultId: 'r1' }),
    ]);
    expect(store.tickets.get('t1')).toMatchObject({ status: 'solved', tags: ['vip', 'triage_applied_icloud_signin'] });
  });

  it('reads an alias in an applied-fix tag as its macro', async () => {
    const { store, capture } = setup();
    await capture(status('solved', '2026-12-05T10:00:00Z', { tags: ['triage_applied_signin_reset'] }));
    expect(store.outcomeOf('t1', 'icloud_signin')).toMatchObject({ resolved: true, attribution: 'applied' });
  });

  it('records a reopen as not resolved, moving the success it had counted to a failure', async () => {
    const { store, capture } = setup();
    await capture(status('solved', '2026-12-05T10:00:00Z'));
    expect(store.outcomeOf('t1', 'storage_manage')).toMatchObject({ resolved: true, attribution: 'suggested', weight: 0.5 });

    await capture(status('open', '2026-12-06T09:00:00Z', { previousStatus: 'solved' }));
    expect(store.outcomeOf('t1', 'storage_manage')).toMatchObject({ resolved: false });
    expect(store.cell(PACK, 'cause', 'storage_full', 'storage_manage')).toEqual({ successes: 0, failures: 0.5 });
    expect(store.signals.map((s) => s.resolved)).toEqual([true, false]);
  });

  it('ignores an applied-fix tag naming no macro of the pack, and counts and logs it: the suggestion takes the credit', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { store, metrics, capture } = setup();
    await capture(status('solved', '2026-12-05T10:00:00Z', { tags: ['triage_applied_printer_reset', 'triage_applied_'] }));

    expect(metrics.counts.unknownMacroTags).toBe(2);
    expect(warn).toHaveBeenCalledWith({ tags: ['triage_applied_', 'triage_applied_printer_reset'], packId: PACK }, expect.any(String));
    warn.mockRestore();
    expect(store.outcomes.map((o) => [o.macro_id, o.attribution])).toEqual([['storage_manage', 'suggested']]);
  });

  it('takes a good rating as resolved and a bad one as not, leaving the ticket status as it is', async () => {
    const { store, capture } = setup();
    await capture(rating('good', '2026-12-05T10:00:00Z'));
    expect(store.outcomeOf('t1', 'storage_manage')).toMatchObject({ resolved: true, signal: 'csat' });
    await capture(rating('bad', '2026-12-05T11:00:00Z'));
    expect(store.outcomeOf('t1', 'storage_manage')).toMatchObject({ resolved: false, signal: 'csat' });
    expect(store.signals.map((s) => s.kind)).toEqual(['csat_good', 'csat_bad']);
    expect(store.tickets.get('t1')?.status).toBe('open');
  });

  it('keeps a status that neither closes nor reopens as a signal without an outcome', async () => {
    const { store, metrics, capture } = setup();
    await capture(status('pending', '2026-12-05T10:00:00Z'));
    expect(store.outcomes).toEqual([]);
    expect(metrics.counts.outcomes).toBe(0);
    expect(store.signals).toEqual([expect.objectContaining({ status: 'pending', previousStatus: 'open', resolved: null, macroId: null })]);
    expect(store.tickets.get('t1')?.status).toBe('pending');
  });
});
