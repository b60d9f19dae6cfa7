/**
 * The i18next-backed {@link Translator} the dialogue engine speaks through. The interface
 * strings live in bots/engine/locales/<locale>.json (the engine's own files; this service
 * only loads them), one JSON tree per language, keys with dots (`menu.title`).
 *
 * Initialised synchronously (`initAsync: false` with in-memory resources, i18next ≥ 24), so
 * `t` works as soon as `createTranslator()` returns. Values are plain text: interpolation
 * does not HTML-escape (channels escape for their own markup). A key missing or empty in one
 * language falls back to English; a key missing everywhere returns the key itself.
 */
import i18next, { type Resource } from 'i18next';
import de from '../../bots/engine/locales/de.json';
import en from '../../bots/engine/locales/en.json';
import es from '../../bots/engine/locales/es.json';
import ru from '../../bots/engine/locales/ru.json';
import vi from '../../bots/engine/locales/vi.json';
import type { Translator } from '../../bots/engine/ports';
import { LOCALES, type Locale } from '../../bots/engine/types';

/** The bundled interface strings, by locale (the engine's locale files). */
export const ENGINE_LOCALE_RESOURCES: Readonly<Record<Locale, object>> = { ru, vi, es, de, en };

/** How many translated strings with variables are kept. */
const MAX_CACHED_WITH_VARS = 5000;

/** The language used when a string is missing or empty in the requested one. */
export const FALLBACK_LOCALE: Locale = 'en';

/**
 * Creates an isolated i18next instance (never the global one) over the engine's strings.
 *
 * @param resources override the strings (tests); defaults to the bundled locale files
 * @example
 * const t = createTranslator();
 * t.t('de', 'answer.asOf', { date: '27. November 2026' }) // "Stand: 27. November 2026"
 */
export function createTranslator(resources: Readonly<Record<Locale, object>> = ENGINE_LOCALE_RESOURCES): Translator {
  const bundle: Resource = {};
  for (const locale of LOCALES) bundle[locale] = { translation: resources[locale] as Record<string, unknown> };

  const instance = i18next.createInstance();
  void instance.init({
    resources: bundle,
    initAsync: false,
    lng: FALLBACK_LOCALE,
    fallbackLng: FALLBACK_LOCALE,
    supportedLngs: [...LOCALES],
    defaultNS: 'translation',
    ns: ['translation'],
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
    returnObjects: false,
  });
  const fixed = new Map(LOCALES.map((locale) => [locale, instance.getFixedT(locale)] as const));
  // A string for the same key and variables never changes: i18next's lookup and interpolation
  // cost on every turn, so results are kept (plain strings for good, those with variables —
  // dates, counts, titles — until the cache is full, then it starts again).
  const plain = new Map<string, string>();
  const withVars = new Map<string, string>();

  return {
    t(locale: Locale, key: string, vars?: Record<string, string | number>): string {
      const plainKey = vars === undefined || Object.keys(vars).length === 0;
      const cacheKey = plainKey ? `${locale}|${key}` : `${locale}|${key}|${JSON.stringify(vars)}`;
      const cache = plainKey ? plain : withVars;
      const hit = cache.get(cacheKey);
      if (hit !== undefined) return hit;
      const out = translate(locale, key, vars);
      if (!plainKey && withVars.size >= MAX_CACHED_WITH_VARS) withVars.clear();
      cache.set(cacheKey, out);
      return out;
    },
  };

  function translate(locale: Locale, key: string, vars?: Record<string, string | number>): string {
    const t = fixed.get(locale) ?? fixed.get(FALLBACK_LOCALE);
    // Only leaves are strings; a group ('menu') or an unknown key gives the key back.
    const isString = (lng: Locale) => typeof instance.getResource(lng, 'translation', key) === 'string';
    if (!t || !(isString(locale) || isString(FALLBACK_LOCALE))) return key;
    const value: unknown = (t as unknown as (k: string, o?: object) => unknown)(key, vars ?? {});
    return typeof value === 'string' ? value : key;
  }
}
