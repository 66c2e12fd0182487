import { DataSource } from 'typeorm';
import { JobQueue } from '../src/platform/queue/job-queue';
import { QueueName } from '../src/platform/queue/queues';
import { isoWeekAt, weekRange } from '../src/reports/iso-week';
import { ReportSeeder } from '../src/reports/testing/report-factories';
import { ADMIN_KEY, createTestApp, TestApp } from './support/test-app';

/** Weeks and the Monday schedule follow REPORT_TIMEZONE, here Berlin (UTC+1 in winter, +2 in summer). */
describe('weekly reports in REPORT_TIMEZONE', () => {
  let t: TestApp;
  const admin = { Authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    process.env.REPORT_TIMEZONE = 'Europe/Berlin';
    t = await createTestApp();
    delete process.env.REPORT_TIMEZONE;
    const seed = new ReportSeeder(t.app.get(DataSource));
    // 2018-W11 in Berlin runs from Monday 12 March 00:00 (+01:00) to Monday 19 March 00:00.
    await seed.ticket({ at: '2018-03-11T22:30:00Z', cause: 'wifi' }); // Sunday 23:30 in Berlin: 2018-W10
    await seed.ticket({ at: '2018-03-11T23:30:00Z', cause: 'wifi' }); // Monday 00:30 in Berlin: 2018-W11
    await seed.ticket({ at: '2018-03-18T22:59:59Z', cause: 'wifi' }); // Sunday 23:59:59 in Berlin: 2018-W11
    await seed.ticket({ at: '2018-03-18T23:00:00Z', cause: 'wifi' }); // Monday 00:00 in Berlin: 2018-W12
  });
  afterAll(async () => t.close());

  it('counts a ticket in the week it was received in, in the report time zone', async () => {
    await t.http().post('/v1/reports/weekly/2018-W11/generate').set(admin).expect(200);
    const { body } = await t.http().get('/v1/reports/weekly/2018-W11').set(admin).expect(200);
    expect(body).toMatchObject({
      timeZone: 'Europe/Berlin',
      weekStart: '2018-03-11T23:00:00.000Z',
      weekEnd: '2018-03-18T23:00:00.000Z',
      summary: { tickets: 2, previousTickets: 1 },
    });
    expect(body.volume.weekly.slice(-3)).toEqual([
      { isoWeek: '2018-W09', tickets: 0 },
      { isoWeek: '2018-W10', tickets: 1 },
      { isoWeek: '2018-W11', tickets: 2 },
    ]);
  });

  it('gives the week with the change to summer time its 167 hours', async () => {
    await t.http().post('/v1/reports/weekly/2018-W12/generate').set(admin).expect(200);
    const { body } = await t.http().get('/v1/reports/weekly/2018-W12').set(admin).expect(200);
    expect([body.weekStart, body.weekEnd]).toEqual(['2018-03-18T23:00:00.000Z', '2018-03-25T22:00:00.000Z']);
    expect(body.summary).toMatchObject({ tickets: 1, previousTickets: 2 });
  });

  it('reads the week in progress in the report time zone', async () => {
    const now = new Date();
    const week = weekRange(isoWeekAt(now, 'Europe/Berlin'), 'Europe/Berlin');
    const { body } = await t.http().get('/v1/reports/weekly/current').set(admin).expect(200);
    expect(body).toMatchObject({ isoWeek: week.isoWeek, partial: true, timeZone: 'Europe/Berlin', weekStart: week.start.toISOString() });
    // Monday 00:00 in Berlin is 22:00 or 23:00 UTC on Sunday.
    expect([22, 23]).toContain(new Date(body.weekStart).getUTCHours());
  });

  it('schedules the Monday run at 06:00 Berlin time', async () => {
    const [scheduler] = await t.app.get(JobQueue).schedulers(QueueName.Reports);
    expect(scheduler).toMatchObject({ id: 'weekly-report', pattern: '0 6 * * 1', tz: 'Europe/Berlin' });
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'long',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(local.format(new Date(scheduler.next!))).toBe('Monday 06:00');
  });
});
