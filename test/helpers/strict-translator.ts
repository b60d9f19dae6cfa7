/**
 * A strict {@link Translator} over the engine's locale files, for unit tests: no i18next,
 * plain `{{variable}}` interpolation, and every problem recorded — a key missing or empty
 * in a language, or a `{{variable}}` the caller did not supply. Tests assert that
 * `problems` stays empty, so a missing string fails the test instead of showing a key.
 */
import de from '../../bots/engine/locales/de.json';
import en from '../../bots/engine/locales/en.json';
import es from '../../bots/engine/locales/es.json';
import ru from '../../bots/engine/locales/ru.json';
import vi from '../../bots/engine/locales/vi.json';
import type { Translator } from '../../bots/engine/ports';
import type { Locale } from '../../bots/engine/types';

const RESOURCES: Record<Locale, unknown> = { ru, vi, es, de, en };

/** A translator that also lists what went wrong. */
export interface StrictTranslator extends Translator {
  readonly problems: string[];
  /** Every (locale, key) looked up, for coverage checks. */
  readonly used: Set<string>;
}

function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => {
    if (node && typeof node === 'object' && part in (node as Record<string, unknown>)) {
      return (node as Record<string, unknown>)[part];
    }
    return undefined;
  }, tree);
}

/** @example const t = createStrictTranslator(); …; expect(t.problems).toEqual([]) */
export function createStrictTranslator(): StrictTranslator {
  const problems: string[] = [];
  const used = new Set<string>();
  return {
    problems,
    used,
    t(locale, key, vars) {
      used.add(`${locale}:${key}`);
      const value = lookup(RESOURCES[locale], key);
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push(`missing ${locale}:${key}`);
        return key;
      }
      return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
        if (!vars || !(name in vars)) {
          problems.push(`no variable ${name} for ${locale}:${key}`);
          return `{{${name}}}`;
        }
        return String(vars[name]);
      });
    },
  };
}
