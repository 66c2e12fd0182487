/** ISO 8601 weeks (Monday to Sunday, week 1 holds the year's first Thursday) in an IANA time zone. */

export interface IsoWeek {
  readonly year: number;
  readonly week: number;
}

export interface WeekRange {
  readonly isoWeek: string;
  /** Monday 00:00 in the time zone, as an instant. */
  readonly start: Date;
  /** The next Monday 00:00 in the time zone (exclusive). */
  readonly end: Date;
}

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;
const DAY_MS = 86_400_000;

export function formatIsoWeek({ year, week }: IsoWeek): string {
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The week named by a string like 2026-W47, or null when it is malformed or names no week of that year. */
export function parseIsoWeek(text: string): IsoWeek | null {
  const m = ISO_WEEK.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 1970 || week < 1 || week > weeksInYear(year)) return null;
  return { year, week };
}

/** 53 when the year starts on a Thursday, or is a leap year starting on a Wednesday; else 52. */
export function weeksInYear(year: number): number {
  const dec28 = Date.UTC(year, 11, 28);
  return isoWeekOfCivilDay(dec28).week;
}

/** The ISO week of a calendar day given as midnight UTC of that day. */
function isoWeekOfCivilDay(dayUtcMs: number): IsoWeek {
  const weekday = (new Date(dayUtcMs).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  const thursday = new Date(dayUtcMs + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return { year, week };
}

/** Monday of ISO week 1 is the Monday of the week holding January 4th. */
function mondayOf({ year, week }: IsoWeek): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7;
  return jan4 - weekday * DAY_MS + (week - 1) * 7 * DAY_MS;
}

/** The calendar day (as midnight UTC of that date) that an instant falls on in the time zone. */
function civilDayIn(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day);
}

/** Milliseconds the zone is ahead of UTC at an instant. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = zonedParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant of 00:00 local time on a calendar day (or the first instant after it, across a DST gap). */
function zonedMidnight(dayUtcMs: number, timeZone: string): Date {
  let guess = dayUtcMs - offsetMs(new Date(dayUtcMs), timeZone);
  // A second pass settles days whose offset differs from the one at UTC midnight.
  guess = dayUtcMs - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(instant: Date, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const part of f.formatToParts(instant)) if (part.type !== 'literal') out[part.type] = Number(part.value);
  return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute, second: out.second };
}

export function weekRange(week: IsoWeek, timeZone: string): WeekRange {
  const monday = mondayOf(week);
  return {
    isoWeek: formatIsoWeek(week),
    start: zonedMidnight(monday, timeZone),
    end: zonedMidnight(monday + 7 * DAY_MS, timeZone),
  };
}

/** The ISO week an instant falls in, in the time zone. */
export function isoWeekAt(instant: Date, timeZone: string): IsoWeek {
  return isoWeekOfCivilDay(civilDayIn(instant, timeZone));
}

/** The week `n` weeks before (negative: after) the given one. */
export function shiftWeek(week: IsoWeek, n: number): IsoWeek {
  return isoWeekOfCivilDay(mondayOf(week) - n * 7 * DAY_MS);
}

/** The last full week before the one holding `now`: what the Monday job reports on. */
export function previousIsoWeek(now: Date, timeZone: string): IsoWeek {
  return shiftWeek(isoWeekAt(now, timeZone), 1);
}
