/**
 * Language of one message among ru, vi, es, de, en, from the script, the letters, function
 * words and the cues of Russian typed in Latin letters. An optional lexicon (words seen in the
 * knowledge base's content per language) adds evidence for content words. The bot's language
 * is only a tie-breaker: a Russian message to the Spanish bot is Russian.
 *
 * Example: `detectLanguage('kak poluchit golubuyu kartu', { hint: 'en' }).lang === 'ru'`.
 */
import { LOCALES, type Locale } from '../../bots/engine/types';
import { foldAccents, isVietnameseSyllable, normalizeText, tokenize, VI_LETTERS } from './analyze';
import { RU_TRANSLIT_STOPWORDS, STOPWORDS } from './stopwords';

/** Words seen in content, per language (folded); built once from the knowledge base. */
export type LanguageLexicon = Map<string, Locale[]>;

export interface DetectOptions {
  hint?: Locale;
  lexicon?: LanguageLexicon;
}

export interface Detection {
  lang: Locale;
  /** 0..1: share of the evidence that went to the chosen language. */
  confidence: number;
  scores: Record<Locale, number>;
}

const RU_TRANSLIT_ENDING = /(yu|ya|iy|yy|oy|aya|oye|uyu|ogo|ego|tsya|tsa|sya|ish|zh|kh|shch|ny|nye|nyy|nie|iya|ii)$/;
const RU_TRANSLIT_PART = /(zh|kh|shch|sch|ts[aiouy]|ya|yu|yo|ch[aeiou])/;
const ES_ENDING = /(cion|ciones|sion|mente|idad|ado|ada|ados|adas|ido|ida|ando|iendo|amos|emos|imos|arse|erse|irse)$/;
const DE_PART = /(sch|ung$|heit$|keit$|lich$|chen$|tz|pf|ck|ei[^a]|ie[^ns]|au[^a])/;
const EN_ENDING = /(ing|tion|ness|ly|ed|ould|ight|th)$/;

/**
 * A letter of the Latin script (the blocks \p{Script=Latin} covers that messages use: ASCII,
 * Latin-1, Latin Extended A/B, IPA, phonetic, Vietnamese's Latin Extended Additional,
 * Extended C/D, full-width), by code unit: a regular expression per character cost more than
 * the rest of the detection.
 */
function isLatin(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    c === 0xaa ||
    c === 0xba ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
    (c >= 0x250 && c <= 0x2af) ||
    (c >= 0x1d00 && c <= 0x1d7f) ||
    (c >= 0x1e00 && c <= 0x1eff) ||
    (c >= 0x2c60 && c <= 0x2c7f) ||
    (c >= 0xa720 && c <= 0xa7ff) ||
    (c >= 0xff21 && c <= 0xff3a) ||
    (c >= 0xff41 && c <= 0xff5a)
  );
}

/** Detects the language of a message. */
export function detectLanguage(text: string, opts: DetectOptions = {}): Detection {
  const scores: Record<Locale, number> = { ru: 0, vi: 0, es: 0, de: 0, en: 0 };
  const norm = normalizeText(text);
  const words = tokenize(norm).map((p) => p.word).filter((w) => !/^\d+$/.test(w));
  let cyrillic = 0;
  let latin = 0;
  for (let i = 0; i < norm.length; i++) {
    const c = norm.charCodeAt(i);
    if (c >= 0x400 && c <= 0x4ff) cyrillic++;
    else if (isLatin(c)) latin++;
  }
  // Script: Cyrillic is Russian here (the Russian-speaking bot's people).
  if (cyrillic > 0 && cyrillic >= latin * 0.5) scores.ru += 10 + cyrillic / 5;

  let viLetterWords = 0;
  let viSyllables = 0;
  let latinWords = 0;
  for (const w of words) {
    if (/[\u0400-\u04ff]/.test(w)) continue;
    latinWords++;
    const f = foldAccents(w);
    if (VI_LETTERS.test(w)) viLetterWords++;
    if (isVietnameseSyllable(f)) viSyllables++;
    if (/[ñ¿¡]/.test(w)) scores.es += 2;
    else if (/[áéíóú]/.test(w) && !VI_LETTERS.test(w)) scores.es += 0.8;
    if (/[äöüß]/.test(w)) scores.de += 1.5;

    if (STOPWORDS.vi.has(f)) scores.vi += 0.6;
    if (STOPWORDS.es.has(f)) scores.es += 1;
    if (STOPWORDS.de.has(f)) scores.de += 1;
    if (STOPWORDS.en.has(f)) scores.en += 1;
    if (RU_TRANSLIT_STOPWORDS.has(f)) scores.ru += 1;
    if (f.length >= 4 && RU_TRANSLIT_ENDING.test(f)) scores.ru += 0.7;
    if (f.length >= 4 && RU_TRANSLIT_PART.test(f)) scores.ru += 0.4;
    if (f.length >= 5 && ES_ENDING.test(f)) scores.es += 0.6;
    if (f.length >= 5 && DE_PART.test(f)) scores.de += 0.4;
    if (f.length >= 4 && EN_ENDING.test(f)) scores.en += 0.4;

    const langs = opts.lexicon?.get(f);
    if (langs && langs.length > 0 && langs.length < 4) for (const l of langs) scores[l] += 0.8 / langs.length;
  }
  if (viLetterWords > 0) scores.vi += 3 + viLetterWords * 1.5;
  // Vietnamese without tone marks: almost every word is a short syllable.
  if (latinWords >= 3 && viSyllables / latinWords >= 0.75) scores.vi += viSyllables * 0.6;
  else if (latinWords > 0) scores.vi -= (latinWords - viSyllables) * 0.3;

  if (opts.hint) scores[opts.hint] += 0.5;

  // Ties go to the hint, then to English (the lingua franca of short keyword messages).
  const fallback: Locale = opts.hint ?? 'en';
  let best: Locale = fallback;
  let bestScore = Math.max(0, scores[fallback]);
  let total = 0;
  for (const l of LOCALES) {
    const s = Math.max(0, scores[l]);
    total += s;
    if (s > bestScore || (s === bestScore && l === fallback)) {
      best = l;
      bestScore = s;
    }
  }
  if (bestScore <= 0.5 && opts.hint) best = opts.hint;
  else if (bestScore <= 0) best = fallback;
  return { lang: best, confidence: total > 0 ? Math.max(0, bestScore) / total : 0, scores };
}

/**
 * Builds a lexicon from content per language, given as folded words of each text: words that
 * occur in at most three languages (words in all five are names and German terms, which say
 * nothing about language).
 */
export function buildLanguageLexicon(wordsByLang: Partial<Record<Locale, string[][]>>): LanguageLexicon {
  const seen = new Map<string, number>(); // word → bit set of languages
  LOCALES.forEach((lang, bit) => {
    for (const words of wordsByLang[lang] ?? []) {
      for (const w of words) {
        if (w.length < 3) continue;
        seen.set(w, (seen.get(w) ?? 0) | (1 << bit));
      }
    }
  });
  const lex: LanguageLexicon = new Map();
  for (const [w, bits] of seen) {
    if (/\d/.test(w)) continue;
    const langs = LOCALES.filter((_, bit) => bits & (1 << bit));
    if (langs.length <= 3) lex.set(w, langs);
  }
  return lex;
}
