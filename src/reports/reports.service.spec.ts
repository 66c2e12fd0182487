import { HttpException, Logger, NotFoundException } from '@nestjs/common';
import type { AppConfig } from '../platform/config/app-config.service';
import type { EngineService } from '../triage/engine.service';
import { ReportsService } from './reports.service';
import { FakeReportsRepository, fakeReportStatistics } from './testing/fake-report-store';

const DEFAULT_PACK = 'icloud-backup';
/** Wednesday of 2026-W48: the last complete week is 2026-W47. */
const NOW = new Date('2026-11-25T10:00:00Z');

/** Two packs loaded, as the engine gives them to the reports: ids and versions, no rules needed. */
function fakeEngine(): EngineService {
  const packs = new Map(
    [DEFAULT_PACK, 'printers'].map((id) => [
      id,
      { id, pack: { definition: { version: `${id}@1`, causes: [], symptoms: [], macros: [] } } },
    ]),
  );
  return {
    defaultPackId: DEFAULT_PACK,
    list: () => [...packs.values()],
    packOf: (id?: string) => {
      const pack = packs.get(id ?? DEFAULT_PACK);
      if (!pack) throw new NotFoundException({ error: { code: 'PACK.NOT_FOUND', message: `No pack ${id}` } });
      return pack;
    },
  } as unknown as EngineService;
}

function setup() {
  const stored = new FakeReportsRepository();
  const statistics = fakeReportStatistics();
  const values: Record<string, unknown> = { REPORT_TIMEZONE: 'UTC', REPORT_MIN_SAMPLES: 5, HELPDESK_TAG_PREFIX: 'triage_' };
  const config = { get: (key: string) => values[key] } as unknown as AppConfig;
  const reports = new ReportsService(stored.asRepository(), statistics, config, fakeEngine());
  return { reports, stored, statistics };
}

/** The HTTP status and error code a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const err = await call.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof HttpException)) throw err;
  const body = err.getResponse() as { error: { code: string; message: string } };
  return { status: err.getStatus(), code: body.error.code, message: body.error.message };
}

describe('ReportsService', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('stores a generated week, and generating it again replaces it', async () => {
    const { reports, stored } = setup();
    const week = reports.parseWeek('2026-W46');
    const first = await reports.generate(week, new Date('2026-11-23T06:00:00Z'));
    expect(first.report).toMatchObject({ isoWeek: '2026-W46', packVersion: 'icloud-backup@1', minSamples: 5, partial: false });
    const again = await reports.generate(week, NOW);
    expect([...stored.weeks.keys()]).toEqual(['2026-W46']);
    expect(stored.weeks.get('2026-W46')).toMatchObject({ generatedAt: NOW, weekStart: new Date('2026-11-09T00:00:00Z') });
    expect(await reports.get('2026-W46', NOW)).toEqual(again.report);
    expect(again.report.generatedAt).toBe(NOW.toISOString());
  });

  it('refuses to generate a week that has not ended (422) and stores nothing', async () => {
    const { reports, stored } = setup();
    expect(await refusal(reports.generate(reports.parseWeek('2026-W48'), NOW))).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
    expect(stored.weeks.size).toBe(0);
  });

  it('refuses a malformed week with 400', async () => {
    const { reports } = setup();
    expect(() => reports.parseWeek('2026-47')).toThrow(expect.objectContaining({ status: 400 }));
    expect(await refusal(reports.get('2026-W54', NOW))).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
  });

  it('makes the last complete week on its first read, once for simultaneous reads, and stores it', async () => {
    const { reports, stored, statistics } = setup();
    const [a, b] = await Promise.all([reports.get('2026-W47', NOW), reports.get('2026-W47', NOW)]);
    expect(a.isoWeek).toBe('2026-W47');
    expect(b).toEqual(a);
    expect(statistics.snapshots).toBe(1);
    expect([...stored.weeks.keys()]).toEqual(['2026-W47']);
  });

  it('answers 404 for an older week without a report, naming the route that makes it', async () => {
    const { reports, stored } = setup();
    const answer = await refusal(reports.get('2026-W40', NOW));
    expect(answer).toMatchObject({ status: 404, code: 'REPORT.NOT_FOUND' });
    expect(answer.message).toContain('POST /v1/reports/weekly/2026-W40/generate');
    expect(stored.weeks.size).toBe(0);
  });

  it('answers 404 for the week in progress, pointing to the current report', async () => {
    const { reports } = setup();
    const answer = await refusal(reports.get('2026-W48', NOW));
    expect(answer).toMatchObject({ status: 404, code: 'REPORT.NOT_FOUND' });
    expect(answer.message).toContain('GET /v1/reports/weekly/current');
  });

  it("makes another pack's complete week on request without storing it, and 404 while it is in progress", async () => {
    const { reports, stored } = setup();
    const report = await reports.get('2026-W45', NOW, 'printers');
    expect(report).toMatchObject({ isoWeek: '2026-W45', packId: 'printers', packVersion: 'printers@1' });
    expect(stored.weeks.size).toBe(0);
    expect(await refusal(reports.get('2026-W48', NOW, 'printers'))).toMatchObject({ status: 404, code: 'REPORT.NOT_FOUND' });
    expect(await refusal(reports.get('2026-W45', NOW, 'nope'))).toMatchObject({ status: 404, code: 'PACK.NOT_FOUND' });
  });

  it('reports the week in progress up to now, without storing it', async () => {
    const { reports, stored } = setup();
    expect(await reports.current(NOW)).toMatchObject({ isoWeek: '2026-W48', partial: true, generatedAt: NOW.toISOString() });
    expect(stored.weeks.size).toBe(0);
  });

  it('lists reported weeks newest first, a page at a time, making last week on the first page', async () => {
    const { reports } = setup();
    for (const week of ['2026-W44', '2026-W45', '2026-W46']) await reports.generate(reports.parseWeek(week), NOW);
    const first = await reports.list(2, undefined, NOW);
    expect(first.items.map((i) => i.isoWeek)).toEqual(['2026-W47', '2026-W46']);
    expect(first.items[0]).toMatchObject({ weekStart: '2026-11-16T00:00:00.000Z', href: '/v1/reports/weekly/2026-W47' });
    expect(first.nextCursor).toBe('2026-W46');
    const second = await reports.list(2, first.nextCursor!, NOW);
    expect(second).toMatchObject({ items: [{ isoWeek: '2026-W45' }, { isoWeek: '2026-W44' }], nextCursor: null });
  });
});
