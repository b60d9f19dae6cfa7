import { createStrictTranslator } from '../../test/helpers/strict-translator';
import { formatDate } from './format-date';
import { createSay } from './say';
import type { Locale } from './types';

describe('formatDate', () => {
  const t = createStrictTranslator();
  afterAll(() => expect(t.problems).toEqual([]));

  it.each<[Locale, string, string]>([
    ['en', '2026-11-27', '27 November 2026'],
    ['de', '2026-11-27', '27. November 2026'],
    ['ru', '2026-11-27', '27 ноября 2026 г.'],
    ['es', '2026-11-27', '27 de noviembre de 2026'],
    ['vi', '2026-11-27', 'ngày 27 tháng 11 năm 2026'],
    ['de', '2027-01-05', '5. Januar 2027'],
    ['ru', '2027-03-01T00:00:00Z', '1 марта 2027 г.'],
    ['en', 'soon', 'soon'],
    ['en', '2026-13-01', '2026-13-01'],
    ['en', '', ''],
  ])('%s %j → %j', (locale, iso, expected) => {
    expect(formatDate(iso, createSay(t, locale))).toBe(expected);
  });
});
