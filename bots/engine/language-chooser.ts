/**
 * The language chooser: one button per interface language, each labelled in its own
 * language («Русский», «Tiếng Việt» …), so anyone can find theirs.
 */
import { choiceValue } from './choice-value';
import type { Translator } from './ports';
import { LOCALES, type Locale, type Reply } from './types';

/**
 * @param locale the language of the prompt text (the current one)
 * @example renderLanguageChooser(t, 'de').choices.map((c) => c.value) // lang:ru … lang:en
 */
export function renderLanguageChooser(translator: Translator, locale: Locale): Reply {
  return {
    text: translator.t(locale, 'language.choose'),
    choices: LOCALES.map((l) => ({ value: choiceValue.language(l), label: translator.t(l, 'languageName') })),
  };
}
