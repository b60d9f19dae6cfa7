import { factKeysIn, factValueOn, formatFact, renderFacts, renderFactsDetailed } from './facts';
import type { FactDef } from './snapshot';

const facts: Record<string, FactDef> = {
  'minimum-wage': {
    format: 'money',
    unit: 'hour',
    values: [
      { value: 12.82, valid_from: '2025-01-01' },
      { value: 13.9, valid_from: '2026-01-01' },
      { value: 14.6, valid_from: '2027-01-01' },
    ],
  },
  'blue-card-salary': { format: 'money', unit: 'year', values: [{ value: 50700, valid_from: '2026-01-01' }] },
  'settlement-months': { format: 'number', values: [{ value: 27, valid_from: '2024-01-01' }] },
  'deadline': { format: 'date', values: [{ value: '2026-03-31', valid_from: '2026-01-01' }] },
  'future-only': { format: 'money', values: [{ value: 100, valid_from: '2030-01-01' }] },
};

describe('factValueOn', () => {
  it('takes the latest value whose valid_from is not after the day', () => {
    expect(factValueOn(facts['minimum-wage'], '2026-06-15')?.value).toBe(13.9);
    expect(factValueOn(facts['minimum-wage'], '2026-12-31')?.value).toBe(13.9);
  });

  it('switches to a future value on its valid_from day by itself', () => {
    expect(factValueOn(facts['minimum-wage'], '2027-01-01')?.value).toBe(14.6);
  });

  it('has no value before the first valid_from', () => {
    expect(factValueOn(facts['future-only'], '2026-11-27')).toBeNull();
  });

  it('does not depend on the order of values', () => {
    const shuffled: FactDef = { ...facts['minimum-wage'], values: [...facts['minimum-wage'].values].reverse() };
    expect(factValueOn(shuffled, '2026-06-15')?.value).toBe(13.9);
  });
});

describe('formatting per language', () => {
  it.each([
    ['de', '13,90 € pro Stunde'],
    ['en', '€13.90 per hour'],
    ['ru', '13,90 € в час'],
    ['vi', '13,90 € mỗi giờ'],
    ['es', '13,90 € por hora'],
  ] as const)('formats money with its unit in %s', (locale, expected) => {
    expect(formatFact(facts, 'minimum-wage', locale, '2026-11-27')?.replace(/\s/g, ' ')).toBe(expected);
  });

  it('writes whole amounts without decimals', () => {
    expect(formatFact(facts, 'blue-card-salary', 'de', '2026-11-27')?.replace(/\s/g, ' ')).toBe('50.700 € pro Jahr');
    expect(formatFact(facts, 'blue-card-salary', 'en', '2026-11-27')).toBe('€50,700 per year');
  });

  it('formats numbers and dates', () => {
    expect(formatFact(facts, 'settlement-months', 'en', '2026-11-27')).toBe('27');
    expect(formatFact(facts, 'deadline', 'de', '2026-11-27')).toBe('31. März 2026');
    expect(formatFact(facts, 'deadline', 'en', '2026-11-27')).toBe('31 March 2026');
  });
});

describe('placeholders', () => {
  it('finds every key', () => {
    expect(factKeysIn('a {{fact:minimum-wage}} b {{ fact:blue-card-salary }}')).toEqual(['minimum-wage', 'blue-card-salary']);
  });

  it('replaces placeholders with the value valid on the day', () => {
    const text = 'Der Mindestlohn beträgt {{fact:minimum-wage}}.';
    expect(renderFacts(text, facts, 'de', '2026-11-27').replace(/\s/g, ' ')).toBe('Der Mindestlohn beträgt 13,90 € pro Stunde.');
    expect(renderFacts(text, facts, 'de', '2027-01-01').replace(/\s/g, ' ')).toBe('Der Mindestlohn beträgt 14,60 € pro Stunde.');
  });

  it('leaves unknown or not yet valid keys in place and reports them', () => {
    const r = renderFactsDetailed('{{fact:nope}} / {{fact:future-only}}', facts, 'en', '2026-11-27');
    expect(r.text).toBe('{{fact:nope}} / {{fact:future-only}}');
    expect(r.missing).toEqual(['nope', 'future-only']);
  });
});
