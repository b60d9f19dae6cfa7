import {
  describeOfficeHours,
  formatMoment,
  isOpen,
  nextOpening,
  officeDeadline,
  OfficeHoursError,
  parseHolidays,
  parseOfficeHours,
  parseOfficeRules,
} from './office-hours';

const weekdays = parseOfficeHours('Mon-Fri 09:00-17:00', '2026-12-24,2026-12-25,2026-12-31');
const at = (iso: string) => new Date(iso);

describe('office hours: parsing', () => {
  it('reads day ranges, day lists and several time ranges per rule', () => {
    expect(parseOfficeRules('Mon-Fri 09:00-17:00; Sat 10:00-13:00')).toEqual([
      { days: [1, 2, 3, 4, 5], ranges: [{ start: 540, end: 1020 }] },
      { days: [6], ranges: [{ start: 600, end: 780 }] },
    ]);
    expect(parseOfficeRules('mon,wed 09:00-12:00 13:00-16:00')).toEqual([
      { days: [1, 3], ranges: [{ start: 540, end: 720 }, { start: 780, end: 960 }] },
    ]);
    expect(parseOfficeRules('Sat-Mon 00:00-24:00')[0].days).toEqual([0, 1, 6]);
    expect(parseOfficeRules('')).toEqual([]);
  });

  it.each([
    ['Mon-Fri', /no time range/],
    ['Mon-Fri 9-17', /not a time/],
    ['Xyz 09:00-10:00', /not a day/],
    ['Mon 17:00-09:00', /ends before it starts/],
    ['Mon 09:60-10:00', /not a valid time/],
    ['Mon 24:00-24:00', /not a valid time/],
  ])('refuses %s with a message naming the problem', (spec, message) => {
    expect(() => parseOfficeRules(spec)).toThrow(message);
    expect(() => parseOfficeRules(spec)).toThrow(OfficeHoursError);
  });

  it('reads holidays and refuses impossible dates', () => {
    expect([...parseHolidays(' 2026-12-24, 2026-12-25 ,')]).toEqual(['2026-12-24', '2026-12-25']);
    expect(() => parseHolidays('2026-02-30')).toThrow(/not a date/);
    expect(() => parseHolidays('24.12.2026')).toThrow(OfficeHoursError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => parseOfficeHours('Mon 09:00-10:00', '', 'Europe/Nowhere')).toThrow(/not a time zone/);
  });
});

describe('office hours: open or closed, in Berlin time', () => {
  it.each([
    ['Friday 11:00 CET', '2026-11-27T10:00:00Z', true],
    ['Friday 08:59 CET', '2026-11-27T07:59:00Z', false],
    ['Friday 09:00 CET', '2026-11-27T08:00:00Z', true],
    ['Friday 17:00 CET (closing time)', '2026-11-27T16:00:00Z', false],
    ['Saturday noon', '2026-11-28T11:00:00Z', false],
    ['Christmas Eve, a Thursday, at 10:00 (holiday)', '2026-12-24T09:00:00Z', false],
    ['Wednesday 16:30 CEST in summer', '2026-07-01T14:30:00Z', true],
    ['Wednesday 17:30 CEST in summer (15:30 UTC)', '2026-07-01T15:30:00Z', false],
  ])('%s (%s) → open: %s', (_label, iso, open) => {
    expect(isOpen(weekdays, at(iso))).toBe(open);
  });

  it('is always open with 00:00-24:00 every day, including midnight', () => {
    const always = parseOfficeHours('Mon-Sun 00:00-24:00', '');
    for (const iso of ['2026-11-29T23:00:00Z', '2026-11-29T22:59:59Z', '2026-03-29T01:30:00Z']) expect(isOpen(always, at(iso))).toBe(true);
  });

  it('without office hours nobody is ever on duty', () => {
    const none = parseOfficeHours('', '');
    expect(isOpen(none, at('2026-11-27T10:00:00Z'))).toBe(false);
    expect(nextOpening(none, at('2026-11-27T10:00:00Z'))).toBeNull();
  });
});

describe('office hours: the next opening', () => {
  it.each([
    ['open now → now', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00.000Z'],
    ['Friday evening → Monday 09:00 CET', '2026-11-27T17:30:00Z', '2026-11-30T08:00:00.000Z'],
    ['early morning → 09:00 the same day', '2026-11-26T05:00:00Z', '2026-11-26T08:00:00.000Z'],
    ['before Christmas → after the holidays and the weekend', '2026-12-23T17:00:00Z', '2026-12-28T08:00:00.000Z'],
    ['Saturday before summer time ends → Monday 09:00 CET', '2026-10-24T12:00:00Z', '2026-10-26T08:00:00.000Z'],
    ['Friday evening before summer time starts → Monday 09:00 CEST', '2026-03-27T17:00:00Z', '2026-03-30T07:00:00.000Z'],
  ])('%s', (_label, now, expected) => {
    expect(nextOpening(weekdays, at(now))?.toISOString()).toBe(expected);
  });
});

describe('office hours: deadlines count office time', () => {
  const FIFTEEN_MIN = 15 * 60_000;
  it('during office hours: simply later', () => {
    expect(officeDeadline(weekdays, at('2026-11-27T10:00:00Z'), FIFTEEN_MIN).toISOString()).toBe('2026-11-27T10:15:00.000Z');
  });
  it('at night: counted from the next opening', () => {
    expect(officeDeadline(weekdays, at('2026-11-27T22:00:00Z'), FIFTEEN_MIN).toISOString()).toBe('2026-11-30T08:15:00.000Z');
  });
  it('shortly before closing: the rest carries over to the next working day', () => {
    // Friday 16:55 CET + 15 min of office time → Monday 09:10 CET.
    expect(officeDeadline(weekdays, at('2026-11-27T15:55:00Z'), FIFTEEN_MIN).toISOString()).toBe('2026-11-30T08:10:00.000Z');
  });
  it('without office hours: plain time', () => {
    const none = parseOfficeHours('', '');
    expect(officeDeadline(none, at('2026-11-27T22:00:00Z'), FIFTEEN_MIN).toISOString()).toBe('2026-11-27T22:15:00.000Z');
  });
  it('round the clock: crosses midnight without a gap', () => {
    const always = parseOfficeHours('Mon-Sun 00:00-24:00', '');
    expect(officeDeadline(always, at('2026-11-27T22:55:00Z'), FIFTEEN_MIN).toISOString()).toBe('2026-11-27T23:10:00.000Z');
  });
});

describe('office hours: told in the person’s language', () => {
  it.each([
    ['en', /^Mon–Fri 09:00–17:00$/],
    ['de', /^Mo\.?–Fr\.? 09:00–17:00$/],
    ['ru', /^пн–пт 09:00–17:00$/i],
  ])('%s', (locale, expected) => {
    expect(describeOfficeHours(weekdays, locale)).toMatch(expected);
  });

  it('lists separate days and several ranges', () => {
    expect(describeOfficeHours(parseOfficeHours('Mon,Wed 09:00-12:00 13:00-16:00; Sat 10:00-13:00', ''), 'en')).toBe(
      'Mon, Wed 09:00–12:00, 13:00–16:00; Sat 10:00–13:00',
    );
    expect(describeOfficeHours(parseOfficeHours('', ''), 'en')).toBe('');
  });

  it('formats the next opening in Berlin time', () => {
    const moment = formatMoment(at('2026-11-30T08:00:00Z'), 'en', 'Europe/Berlin');
    expect(moment).toMatch(/Monday/);
    expect(moment).toMatch(/09:00/);
    expect(formatMoment(at('2026-11-30T08:00:00Z'), 'ru', 'Europe/Berlin')).toMatch(/понедельник/);
  });
});
