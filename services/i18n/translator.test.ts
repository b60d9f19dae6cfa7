import fs from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { LOCALES, type Locale } from '../../bots/engine/types';
import { createTranslator, ENGINE_LOCALE_RESOURCES } from './translator';

function flatten(tree: unknown, prefix = ''): Array<[string, string]> {
  if (!tree || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return typeof v === 'string' ? [[key, v] as [string, string]] : flatten(v, key);
  });
}

describe('createTranslator (i18next)', () => {
  const t = createTranslator();

  it.each(LOCALES)('returns every %s string of the locale file, ready right after creation', (locale) => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '../../bots/engine/locales', `${locale}.json`), 'utf8'));
    for (const [key, value] of flatten(file)) {
      if (value.includes('{{')) continue;
      expect(t.t(locale, key)).toBe(value);
    }
  });

  it.each<[Locale, string, Record<string, string | number>, string]>([
    ['de', 'answer.asOf', { date: '27. November 2026' }, 'Stand: 27. November 2026'],
    ['ru', 'date.format', { day: 1, monthName: 'марта', year: 2027 }, '1 марта 2027 г.'],
    ['en', 'region.saved', { region: 'Saxony-Anhalt' }, 'Noted: Saxony-Anhalt. I will show you what applies there.'],
  ])('%s %s interpolates variables', (locale, key, vars, expected) => {
    expect(t.t(locale, key, vars)).toBe(expected);
  });

  it('does not HTML-escape values (replies are plain text; channels escape)', () => {
    expect(t.t('en', 'answer.institutionLine', { name: 'A & B <Office>', helpsWith: '"work" & \'visa\'' })).toBe(
      'A & B <Office> — "work" & \'visa\'',
    );
  });

  it('does not interpolate again inside values (knowledge-base text stays as it is)', () => {
    expect(t.t('en', 'region.saved', { region: '{{day}} $t(menu.open)' })).toContain('{{day}} $t(menu.open)');
  });

  it('falls back to English for a string missing or empty in one language, and to the key when missing everywhere', () => {
    const resources = { ...ENGINE_LOCALE_RESOURCES, vi: { menu: { open: '' } } };
    const partial = createTranslator(resources);
    expect(partial.t('vi', 'menu.open')).toBe(t.t('en', 'menu.open'));
    expect(partial.t('vi', 'feedback.question')).toBe(t.t('en', 'feedback.question'));
    expect(partial.t('de', 'no.such.key')).toBe('no.such.key');
  });

  it('returns the key, not an object, for a key naming a group', () => {
    expect(t.t('en', 'menu')).toBe('menu');
  });

  it('keeps its own instance: the global i18next is left untouched', () => {
    createTranslator();
    expect(i18next.isInitialized).toBeFalsy();
  });
});
