/**
 * Office hours of the counsellors: when a person asking for a human can expect an answer.
 * Pure functions over a parsed schedule, a set of public holidays and a time zone
 * (Europe/Berlin); time is always passed in, never read here.
 *
 * Schedule syntax (HANDOFF_OFFICE_HOURS): rules separated by `;`, each rule a set of days
 * and one or more time ranges, e.g. `Mon-Fri 09:00-17:00; Sat 10:00-13:00` or
 * `Mon,Wed 09:00-12:00 13:00-16:00`. `24:00` ends a range at midnight. An empty schedule
 * means nobody is ever on duty (tickets still wait; people are told so honestly).
 * Holidays (HANDOFF_HOLIDAYS): ISO dates separated by commas, closed all day.
 */

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** How far ahead the next opening is looked for (three weeks cover any holiday season). */
const LOOKAHEAD_DAYS = 21;

/** One rule: these weekdays (0 = Sunday … 6 = Saturday), these ranges in minutes after midnight. */
export interface OfficeRule {
  days: number[];
  ranges: Array<{ start: number; end: number }>;
}

export interface OfficeHours {
  rules: OfficeRule[];
  /** ISO dates (YYYY-MM-DD), local to `timeZone`, when nobody works. */
  holidays: ReadonlySet<string>;
  /** IANA time zone of the schedule, e.g. Europe/Berlin. */
  timeZone: string;
}

/** A schedule or holiday list that cannot be read; the message names the faulty part. */
export class OfficeHoursError extends Error {
  readonly code = 'OFFICE_HOURS_INVALID';
}

function parseTime(text: string, allowMidnightEnd: boolean): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new OfficeHoursError(`"${text}" is not a time like 09:00`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && (min !== 0 || !allowMidnightEnd))) throw new OfficeHoursError(`"${text}" is not a valid time`);
  return h * 60 + min;
}

function parseDays(text: string): number[] {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to] = part.split('-').map((p) => p.trim().slice(0, 3));
    const a = DAY_NAMES.indexOf(from as (typeof DAY_NAMES)[number]);
    const b = to === undefined ? a : DAY_NAMES.indexOf(to as (typeof DAY_NAMES)[number]);
    if (a < 0 || b < 0) throw new OfficeHoursError(`"${part}" is not a day or range of days like Mon-Fri`);
    // Mon-Fri, or wrapping ranges like Fri-Mon.
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

/**
 * Parses a schedule like `Mon-Fri 09:00-17:00; Sat 10:00-13:00`.
 * @throws OfficeHoursError naming the part that is wrong
 */
export function parseOfficeRules(spec: string): OfficeRule[] {
  const rules: OfficeRule[] = [];
  for (const raw of spec.split(';')) {
    const rule = raw.trim();
    if (!rule) continue;
    const [dayPart, ...rangeParts] = rule.split(/\s+/);
    if (rangeParts.length === 0) throw new OfficeHoursError(`"${rule}" has no time range (write e.g. "Mon-Fri 09:00-17:00")`);
    const ranges = rangeParts.map((r) => {
      const [a, b] = r.split('-');
      if (b === undefined) throw new OfficeHoursError(`"${r}" is not a time range like 09:00-17:00`);
      const start = parseTime(a, false);
      const end = parseTime(b, true);
      if (end <= start) throw new OfficeHoursError(`"${r}" ends before it starts`);
      return { start, end };
    });
    rules.push({ days: parseDays(dayPart), ranges });
  }
  return rules;
}

/**
 * Parses `2026-12-24, 2026-12-25`.
 * @throws OfficeHoursError for anything that is not an ISO date
 */
export function parseHolidays(spec: string): Set<string> {
  const out = new Set<string>();
  for (const raw of spec.split(',')) {
    const day = raw.trim();
    if (!day) continue;
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    if (!date || date.toISOString().slice(0, 10) !== day) throw new OfficeHoursError(`"${day}" is not a date like 2026-12-24`);
    out.add(day);
  }
  return out;
}

/** Builds the schedule from the configuration strings. */
export function parseOfficeHours(hours: string, holidays: string, timeZone = 'Europe/Berlin'): OfficeHours {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new OfficeHoursError(`"${timeZone}" is not a time zone`);
  }
  return { rules: parseOfficeRules(hours), holidays: parseHolidays(holidays), timeZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock time of an instant in a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Minutes after local midnight. */
  minutes: number;
}

export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = Object.fromEntries(partsFormatter(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: DAY_NAMES.indexOf(parts.weekday.toLowerCase() as (typeof DAY_NAMES)[number]),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Offset of the zone from UTC at an instant, in ms (Berlin: +1 h in winter, +2 h in summer). */
function zoneOffsetMs(instant: number, timeZone: string): number {
  const p = Object.fromEntries(partsFormatter(timeZone).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant of a local wall-clock time (date + minutes after midnight) in a zone. */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const first = zoneOffsetMs(guess - zoneOffsetMs(guess, timeZone), timeZone);
  return new Date(guess - first);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function rangesOn(hours: OfficeHours, date: string): Array<{ start: number; end: number }> {
  if (hours.holidays.has(date)) return [];
  const weekday = weekdayOf(date);
  return hours.rules
    .filter((r) => r.days.includes(weekday))
    .flatMap((r) => r.ranges)
    .sort((a, b) => a.start - b.start);
}

/**
 * Is someone on duty at `now`?
 * @example isOpen(parseOfficeHours('Mon-Fri 09:00-17:00', ''), new Date('2026-11-27T10:00:00Z')) // true (Friday 11:00 in Berlin)
 */
export function isOpen(hours: OfficeHours, now: Date): boolean {
  const local = localTime(now, hours.timeZone);
  return rangesOn(hours, local.date).some((r) => r.start <= local.minutes && local.minutes < r.end);
}

/** The next moment someone is on duty: `now` itself when open, null when none within three weeks. */
export function nextOpening(hours: OfficeHours, now: Date): Date | null {
  if (isOpen(hours, now)) return now;
  const local = localTime(now, hours.timeZone);
  for (let offset = 0; offset <= LOOKAHEAD_DAYS; offset += 1) {
    const date = addDays(local.date, offset);
    for (const r of rangesOn(hours, date)) {
      if (offset === 0 && r.start <= local.minutes) continue;
      const at = zonedInstant(date, r.start, hours.timeZone);
      if (at.getTime() > now.getTime()) return at;
    }
  }
  return null;
}

/** The end of the office range that contains `instant` (which must be inside one). */
function rangeEndAt(hours: OfficeHours, instant: Date): Date | null {
  const local = localTime(instant, hours.timeZone);
  const range = rangesOn(hours, local.date).find((r) => r.start <= local.minutes && local.minutes < r.end);
  return range ? zonedInstant(local.date, range.end, hours.timeZone) : null;
}

/**
 * The moment `ms` of office time have passed after `now`: a ticket opened on Friday at 16:55
 * with 15 minutes is due on Monday at 09:10, one opened at night is counted from the morning.
 * With no office hours at all, plain time from `now`.
 */
export function officeDeadline(hours: OfficeHours, now: Date, ms: number): Date {
  let remaining = ms;
  let cursor = now;
  for (let step = 0; step < 1000; step += 1) {
    const start = nextOpening(hours, cursor);
    if (!start) return new Date(cursor.getTime() + remaining);
    const end = rangeEndAt(hours, start);
    if (!end || start.getTime() + remaining <= end.getTime()) return new Date(start.getTime() + remaining);
    remaining -= end.getTime() - start.getTime();
    cursor = end;
  }
  return new Date(cursor.getTime() + remaining);
}

/** British English for 'en': day before month, 24-hour clock, as people in Germany read it. */
function intlLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : locale;
}

/** Days in the order people read a week: Monday first, Sunday last. */
const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * The schedule in a person's language, e.g. `Mo.–Fr. 09:00–17:00` (de), `Mon–Fri 09:00–17:00` (en);
 * empty when there are no office hours.
 */
export function describeOfficeHours(hours: OfficeHours, locale: string): string {
  const dayName = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'short', timeZone: 'UTC' });
  // 2023-01-01 was a Sunday: day d is 2023-01-(1 + d).
  const name = (d: number) => dayName.format(new Date(Date.UTC(2023, 0, 1 + d)));
  return hours.rules
    .map((rule) => {
      const positions = WEEK_ORDER.map((d, i) => (rule.days.includes(d) ? i : -1)).filter((i) => i >= 0);
      const consecutive = positions.length > 2 && positions.every((p, i) => i === 0 || p === positions[i - 1] + 1);
      const days = positions.map((i) => WEEK_ORDER[i]);
      const dayText = consecutive ? `${name(days[0])}–${name(days[days.length - 1])}` : days.map(name).join(', ');
      const rangeText = rule.ranges.map((r) => `${hhmm(r.start)}–${hhmm(r.end)}`).join(', ');
      return `${dayText} ${rangeText}`;
    })
    .join('; ');
}

/** A moment in a person's language and the schedule's zone, e.g. "Monday, 28 December, 09:00". */
export function formatMoment(instant: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone, weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    instant,
  );
}
