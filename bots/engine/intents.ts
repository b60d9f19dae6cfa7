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

interface IndexedPhrase {
  /** Index in COMPILED (its priority). */
  intent: number;
  kind: 'whole' | 'short' | 'anywhere';
  pattern: Pattern;
}

/** The phrases by their first word (exact), and those whose first word is a prefix. */
const BY_FIRST_WORD = new Map<string, IndexedPhrase[]>();
const PREFIX_FIRST: IndexedPhrase[] = [];
COMPILED.forEach((c, intent) => {
  for (const kind of ['whole', 'short', 'anywhere'] as const) {
    for (const pattern of c[kind]) {
      const first = pattern.words[0];
      if (!first) continue;
      const e = { intent, kind, pattern };
      if (first.prefix) PREFIX_FIRST.push(e);
      else BY_FIRST_WORD.set(first.text, [...(BY_FIRST_WORD.get(first.text) ?? []), e]);
    }
  }
});

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
  // Only the phrases that start with one of the message's words (or with a prefix) can match;
  // the first intent in INTENT_PHRASES order that matches wins.
  let best = -1;
  const check = (e: IndexedPhrase) => {
    if (best !== -1 && e.intent >= best) return;
    const hit =
      e.kind === 'whole'
        ? equals(tokens, e.pattern, set)
        : e.kind === 'short'
          ? tokens.length <= SHORT_MESSAGE_MAX_WORDS && occursIn(tokens, e.pattern, set)
          : occursIn(tokens, e.pattern, set);
    if (hit) best = e.intent;
  };
  for (const word of set) for (const e of BY_FIRST_WORD.get(word) ?? []) check(e);
  for (const e of PREFIX_FIRST) check(e);
  if (best === -1) return null;
  const intent = COMPILED[best].intent;
  return intent === 'language' ? { kind: 'language', locale: null } : { kind: intent };
}
