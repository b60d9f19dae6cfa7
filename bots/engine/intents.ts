/**
 * Recognises the few things a person may type that the engine handles itself, before the
 * knowledge base is asked: a human, deleting data, the language, the menu, a greeting,
 * thanks. The phrases are data (phrases.ts); this file only matches them.
 */
import { normalizeText } from './normalize-text';
import { INTENT_PHRASES, LANGUAGE_NAMES, SHORT_MESSAGE_MAX_WORDS, type PhraseIntent } from './phrases';
import { LOCALES, type Locale } from './types';

/** What a free-text message asks of the engine itself. */
export type Intent =
  | { [K in Exclude<PhraseIntent, 'language'>]: { kind: K } }[Exclude<PhraseIntent, 'language'>]
  /** `locale` is set when the message names a language («español»), else the chooser is shown. */
  | { kind: 'language'; locale: Locale | null };

/** A compiled phrase: its words, each matched exactly or as a prefix. */
interface Pattern {
  words: ReadonlyArray<{ text: string; prefix: boolean }>;
}

function compile(phrase: string): Pattern {
  const words = phrase
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .flatMap((raw) => {
      const prefix = raw.endsWith('*');
      const parts = normalizeText(prefix ? raw.slice(0, -1) : raw).split(' ').filter(Boolean);
      return parts.map((text, i) => ({ text, prefix: prefix && i === parts.length - 1 }));
    });
  return { words };
}

function wordMatches(word: string, p: { text: string; prefix: boolean }): boolean {
  return p.prefix ? word.startsWith(p.text) : word === p.text;
}

function occursIn(tokens: readonly string[], pattern: Pattern, tokenSet?: ReadonlySet<string>): boolean {
  const n = pattern.words.length;
  if (n === 0 || n > tokens.length) return false;
  // Most phrases start with a word the message does not contain: one lookup rules them out.
  const first = pattern.words[0];
  if (tokenSet && !first.prefix && !tokenSet.has(first.text)) return false;
  for (let start = 0; start + n <= tokens.length; start += 1) {
    if (pattern.words.every((p, i) => wordMatches(tokens[start + i], p))) return true;
  }
  return false;
}

function equals(tokens: readonly string[], pattern: Pattern, tokenSet?: ReadonlySet<string>): boolean {
  return tokens.length === pattern.words.length && occursIn(tokens, pattern, tokenSet);
}

const COMPILED = INTENT_PHRASES.map(([intent, set]) => ({
  intent,
  whole: set.whole.map(compile),
  short: set.short.map(compile),
  anywhere: set.anywhere.map(compile),
}));

const COMPILED_LANGUAGE_NAMES = LOCALES.map((locale) => ({
  locale,
  names: LANGUAGE_NAMES[locale].map(compile),
}));

/**
 * Returns the engine-level intent of a free-text message, or `null` when the text is a
 * question for the knowledge base.
 *
 * @example
 * detectIntent('Хочу поговорить с оператором') // { kind: 'human' }
 * detectIntent('Español')                      // { kind: 'language', locale: 'es' }
 * detectIntent('Wie bekomme ich die Blaue Karte?') // null
 */
export function detectIntent(text: string): Intent | null {
  const tokens = normalizeText(text).split(' ').filter(Boolean);
  if (tokens.length === 0) return null;
  const set = new Set(tokens);

  for (const { locale, names } of COMPILED_LANGUAGE_NAMES) {
    if (names.some((p) => equals(tokens, p, set))) return { kind: 'language', locale };
  }
  for (const { intent, whole, short, anywhere } of COMPILED) {
    const hit =
      whole.some((p) => equals(tokens, p, set)) ||
      (tokens.length <= SHORT_MESSAGE_MAX_WORDS && short.some((p) => occursIn(tokens, p, set))) ||
      anywhere.some((p) => occursIn(tokens, p, set));
    if (!hit) continue;
    return intent === 'language' ? { kind: 'language', locale: null } : { kind: intent };
  }
  return null;
}
