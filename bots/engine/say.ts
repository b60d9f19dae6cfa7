/**
 * A translator bound to one language, so reply builders read `say('menu.title')`.
 * Every human-language string of the engine goes through it (keys in ./locales/*.json).
 */
import type { Translator } from './ports';
import type { Locale } from './types';

/** Looks up an interface string in the bound language, with `{{variables}}` filled in. */
export type Say = (key: string, vars?: Record<string, string | number>) => string;

/**
 * Binds a {@link Translator} to a locale.
 * @example const say = createSay(t, 'de'); say('menu.title')
 */
export function createSay(translator: Translator, locale: Locale): Say {
  return (key, vars) => translator.t(locale, key, vars);
}
