import { formatIsoWeek, isoWeekAt, parseIsoWeek, previousIsoWeek, shiftWeek, weekRange, weeksInYear } from './iso-week';

describe('ISO weeks', () => {
  it('parses weeks and refuses malformed ones or weeks a year does not have', () => {
    expect(parseIsoWeek('2026-W47')).toEqual({ year: 2026, week: 47 });
    expect(parseIsoWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
    expect(parseIsoWeek('2025-W53')).toBeNull();
    expect(parseIsoWeek('2026-W00')).toBeNull();
    expect(parseIsoWeek('2026-47')).toBeNull();
    expect(parseIsoWeek('2026-W7')).toBeNull();
    expect(weeksInYear(2020)).toBe(53);
    expect(weeksInYear(2021)).toBe(52);
  });

  it('finds the week of a day, across year ends', () => {
    expect(formatIsoWeek(isoWeekAt(new Date('2021-01-03T12:00:00Z'), 'UTC'))).toBe('2020-W53');
    expect(formatIsoWeek(isoWeekAt(new Date('2024-12-30T12:00:00Z'), 'UTC'))).toBe('2025-W01');
    expect(formatIsoWeek(isoWeekAt(new Date('2026-11-25T12:00:00Z'), 'UTC'))).toBe('2026-W48');
    expect(formatIsoWeek(shiftWeek({ year: 2021, week: 1 }, 1))).toBe('2020-W53');
  });

  it('computes the week in the report time zone', () => {
    // Sunday 23:30 UTC is already Monday in Berlin.
    const instant = new Date('2020-03-08T23:30:00Z');
    expect(formatIsoWeek(isoWeekAt(instant, 'UTC'))).toBe('2020-W10');
    expect(formatIsoWeek(isoWeekAt(instant, 'Europe/Berlin'))).toBe('2020-W11');
    expect(formatIsoWeek(previousIsoWeek(new Date('2020-03-16T06:00:00+01:00'), 'Europe/Berlin'))).toBe('2020-W11');
  });

  it('bounds a week by local midnights, also across a DST change', () => {
    expect(weekRange({ year: 2020, week: 10 }, 'UTC')).toEqual({
      isoWeek: '2020-W10',
      start: new Date('2020-03-02T00:00:00Z'),
      end: new Date('2020-03-09T00:00:00Z'),
    });
    // Europe/Berlin moved to summer time on 2020-03-29: that week has 167 hours.
    const r = weekRange({ year: 2020, week: 13 }, 'Europe/Berlin');
    expect(r.start.toISOString()).toBe('2020-03-22T23:00:00.000Z');
    expect(r.end.toISOString()).toBe('2020-03-29T22:00:00.000Z');
    const ny = weekRange({ year: 2026, week: 47 }, 'America/New_York');
    expect(ny.start.toISOString()).toBe('2026-11-16T05:00:00.000Z');
  });
});
