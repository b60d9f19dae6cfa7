/**
 * Text analysis for retrieval, per language: normalisation, accent folding, tokenisation,
 * stop words, stemming (Snowball: Russian, Spanish, German, English), Russian typed in Latin
 * letters, and Vietnamese syllables with bigrams for multi-syllable words.
 *
 * Every word becomes a {@link Token} with a set of alternative index terms. Documents index
 * every alternative; a query word matches a topic through its best alternative. That is how
 * optional accents ("aleman" / "alemán"), transliteration ("golubuyu" / "голубую") and German
 * terms inside another language ("Kindergeld" in a Russian message) meet the same terms.
 *
 * Term spaces:
 * - Russian: Snowball stem of the Cyrillic word, written in a Latin skeleton (й/и/ы → i,
 *   е/ё/э → e, щ → sh, ь/ъ dropped), so a word typed in Latin letters, converted to Cyrillic
 *   and stemmed lands on the same term.
 * - Vietnamese: `v:` + syllable without diacritics, and `v:a_b` for adjacent syllables.
 * - Spanish, German, English: Snowball stems of the folded word (and of the accented word).
 */
import { newStemmer } from 'snowball-stemmers';
import type { Locale } from '../../bots/engine/types';
import { RU_TRANSLIT_STOPWORDS, STOPWORDS } from './stopwords';

type Stemmer = { stem(word: string): string };
type StemLangKey = 'ru' | 'de' | 'es' | 'en';
const STEMMERS: Partial<Record<StemLangKey, Stemmer>> = {};
/** Memo of stems per language: the Snowball port takes tens of microseconds per word. Bounded. */
const STEM_MEMO: Record<StemLangKey, Map<string, string>> = { ru: new Map(), de: new Map(), es: new Map(), en: new Map() };
const STEM_MEMO_MAX = 200_000;

/** The stem memo as plain data (the command-line cache keeps it: stemming is the slow part). */
export function exportStemMemo(): Record<StemLangKey, [string, string][]> {
  return { ru: [...STEM_MEMO.ru], de: [...STEM_MEMO.de], es: [...STEM_MEMO.es], en: [...STEM_MEMO.en] };
}

/** Adds stems computed earlier (see {@link exportStemMemo}). */
export function importStemMemo(memo: Partial<Record<StemLangKey, [string, string][]>>): void {
  for (const lang of ['ru', 'de', 'es', 'en'] as const) for (const [w, s] of memo[lang] ?? []) STEM_MEMO[lang].set(w, s);
}

/** Snowball stem of a word in a language (memoised). */
export function stem(lang: StemLangKey, word: string): string {
  const memo = STEM_MEMO[lang];
  let out = memo.get(word);
  if (out !== undefined) return out;
  let s = STEMMERS[lang];
  if (!s) {
    s = newStemmer({ ru: 'russian', de: 'german', es: 'spanish', en: 'english' }[lang]) as Stemmer;
    STEMMERS[lang] = s;
  }
  out = s.stem(word);
  if (memo.size >= STEM_MEMO_MAX) memo.clear();
  memo.set(word, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Normalisation

const COMBINING = /[\u0300-\u036f]/g;

/** Lower case, NFC, ё → е, typographic apostrophes unified. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/ё/g, 'е').replace(/[’`´]/g, "'");
}

/**
 * Removes diacritics from Latin letters (đ → d, ß → ss, ä → a …) and leaves Cyrillic alone
 * (й stays й).
 */
export function foldAccents(word: string): string {
  if (!/[^\u0000-\u007f]/.test(word) || /^[\u0400-\u04ff]+$/.test(word)) return word;
  let out = '';
  for (const ch of word) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x80 || (code >= 0x0400 && code <= 0x04ff)) {
      out += ch;
      continue;
    }
    if (ch === 'đ') out += 'd';
    else if (ch === 'Đ') out += 'D';
    else if (ch === 'ß') out += 'ss';
    else if (ch === 'æ') out += 'ae';
    else if (ch === 'ø') out += 'o';
    else if (ch === 'ł') out += 'l';
    else out += ch.normalize('NFD').replace(COMBINING, '');
  }
  return out;
}

const WORD = /[\p{L}\p{N}]+(?:'\p{L}+)?/gu;

const PHRASE_BREAK = /[.,;:!?()[\]{}"«»/\n–—]/;

/** A word of a text and whether punctuation separates it from the previous word. */
export interface Piece {
  word: string;
  breakBefore: boolean;
}

/** Word-like pieces of normalised text, with the punctuation break before each one. */
export function tokenize(normalized: string): Piece[] {
  const out: Piece[] = [];
  let last = 0;
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(normalized)) !== null) {
    const gapEnd = m.index;
    const plainSpace = gapEnd === last + 1 && normalized.charCodeAt(last) === 32;
    out.push({ word: m[0], breakBefore: gapEnd > last && !plainSpace && PHRASE_BREAK.test(normalized.slice(last, gapEnd)) });
    last = gapEnd + m[0].length;
  }
  return out;
}

/** Folded form of each word (Cyrillic kept), for glossary matching and language statistics. */
export function foldedWords(pieces: Piece[]): string[] {
  return pieces.map((p) => foldAccents(p.word));
}

export const isCyrillic = (w: string): boolean => /[\u0400-\u04ff]/.test(w);
const isNumeric = (w: string): boolean => /^\d+$/.test(w);

// ---------------------------------------------------------------------------------------------
// Russian: Cyrillic ↔ Latin

const SKELETON: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'ch', ш: 'sh', щ: 'sh',
  ъ: '', ы: 'i', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', ї: 'i', є: 'e', ў: 'u', ғ: 'g', қ: 'k', ң: 'n',
  ө: 'o', ү: 'u', ұ: 'u', һ: 'h', ә: 'a',
};

/** A Cyrillic string in the Latin skeleton used as the Russian term space. */
export function cyrillicSkeleton(word: string): string {
  let out = '';
  for (const ch of word) out += SKELETON[ch] ?? ch;
  return out;
}

const LATIN_TO_CYR: [string, string][] = [
  ['shch', 'щ'], ['sch', 'щ'], ['zh', 'ж'], ['kh', 'х'], ['ch', 'ч'], ['sh', 'ш'], ['ts', 'ц'], ['tz', 'ц'],
  ['ya', 'я'], ['ja', 'я'], ['yu', 'ю'], ['ju', 'ю'], ['yo', 'е'], ['jo', 'е'], ['ye', 'е'], ['je', 'е'],
  ['a', 'а'], ['b', 'б'], ['v', 'в'], ['w', 'в'], ['g', 'г'], ['d', 'д'], ['e', 'е'], ['z', 'з'], ['i', 'и'],
  ['j', 'й'], ['k', 'к'], ['q', 'к'], ['l', 'л'], ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['r', 'р'],
  ['s', 'с'], ['t', 'т'], ['u', 'у'], ['f', 'ф'], ['h', 'х'], ['x', 'х'], ['c', 'ц'], ['y', 'ы'],
];
const VOWELS_CYR = 'аеиоуыэюя';

/**
 * Russian typed in Latin letters → Cyrillic, best effort, for stemming. Handles the common
 * variants: zh, kh/h/x, sh, shch/sch, ch, ts/c, ya/ja, yu/ju, y/j (й after a vowel, ы
 * otherwise), soft sign omitted (it is dropped by the skeleton anyway).
 */
export function latinToCyrillic(word: string): string {
  let out = '';
  let i = 0;
  while (i < word.length) {
    let matched = false;
    for (const [lat, cyr] of LATIN_TO_CYR) {
      if (word.startsWith(lat, i)) {
        let c = cyr;
        if (lat === 'y' || lat === 'j') {
          const prev = out[out.length - 1];
          c = prev && VOWELS_CYR.includes(prev) ? 'й' : lat === 'j' ? 'й' : 'ы';
        }
        out += c;
        i += lat.length;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out += word[i];
      i += 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Vietnamese

const VI_SYLLABLE = /^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$/;
/** Letters only Vietnamese uses among the five languages. */
export const VI_LETTERS = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹàèìòùỳ]/;

/** Chat abbreviations expanded before analysis (folded forms). */
const VI_ABBREVIATIONS: Record<string, string> = {
  ko: 'khong', k: 'khong', kg: 'khong', khg: 'khong', hok: 'khong', hong: 'khong', kh: 'khong',
  dc: 'duoc', dk: 'duoc', đc: 'duoc', mn: 'moi nguoi', mng: 'moi nguoi', cty: 'cong ty', ct: 'cong ty',
  e: 'em', j: 'gi', ntn: 'nhu the nao', bn: 'bao nhieu', bnhieu: 'bao nhieu', sv: 'sinh vien', hs: 'ho so',
  xkld: 'xuat khau lao dong', xklđ: 'xuat khau lao dong', bhyt: 'bao hiem y te', vn: 'viet nam',
  tp: 'thanh pho', ng: 'nguoi', nc: 'nuoc', nch: 'noi chuyen', vs: 'voi', v: 'vay', r: 'roi', ck: 'chong',
  vk: 'vo', bme: 'bo me', dsq: 'dai su quan', lsq: 'lanh su quan', tv: 'tu van', gp: 'giay phep',
};

/** Whether a folded Latin word can be a Vietnamese syllable (else it is foreign: German, English, a name). */
export function isVietnameseSyllable(folded: string): boolean {
  return VI_SYLLABLE.test(folded);
}

// ---------------------------------------------------------------------------------------------
// Terms of one word

export type StemLang = 'ru' | 'de' | 'es' | 'en';

/** Stems of a Latin word in a language, from its accented and its folded form. */
export function latinStems(word: string, lang: 'de' | 'es' | 'en'): string[] {
  const folded = foldAccents(word);
  const a = foldAccents(stem(lang, folded));
  if (folded === word) return [a];
  const b = foldAccents(stem(lang, word));
  return a === b ? [a] : [a, b];
}

/** The Russian term of a Cyrillic word: Snowball stem in the Latin skeleton. */
export function russianTerm(cyrillicWord: string): string {
  return cyrillicSkeleton(stem('ru', cyrillicWord));
}

/** Russian terms of a word typed in Latin letters. */
export function russianTranslitTerms(latinWord: string): string[] {
  const folded = foldAccents(latinWord);
  const cyr = latinToCyrillic(folded);
  return [russianTerm(cyr)];
}

/** Whether a word is a function word in a language (folded comparison). */
export function isStopword(word: string, lang: Locale): boolean {
  const f = isCyrillic(word) ? word : foldAccents(word);
  if (STOPWORDS[lang].has(f)) return true;
  if (lang === 'ru' && !isCyrillic(word)) return RU_TRANSLIT_STOPWORDS.has(f);
  return false;
}

/** One word of a text with its alternative index terms. */
export interface Token {
  /** The word as written (normalised). */
  surface: string;
  /** Alternative index terms; a topic matches the word through any of them. */
  terms: string[];
  /** Weight of the word in the query (1 for words, less for bigrams). */
  weight: number;
  kind: 'word' | 'number' | 'bigram' | 'concept';
  /** For bigrams and concepts: matches only add evidence; an unknown one is not counted as missing. */
  optional?: boolean;
}

export interface AnalyzeOptions {
  /** Extra languages whose stems are added as alternatives for Latin words (queries). */
  alsoLangs?: Locale[];
  /** Also emit adjacent-word pairs (phrases such as "blue card", "welcome center"). Default: Vietnamese only. */
  bigrams?: boolean;
}

const LATIN_LANGS: ('de' | 'es' | 'en')[] = ['de', 'es', 'en'];

/** Memo of word analyses per (language, extra languages): messages and content repeat words a lot. Bounded. */
const TERM_CACHE = new Map<string, Map<string, string[]>>();
const TERM_CACHE_MAX = 100_000;

function termCache(lang: Locale, also: Locale[]): Map<string, string[]> {
  const key = also.length === 0 ? lang : `${lang}|${also.join(',')}`;
  let m = TERM_CACHE.get(key);
  if (!m) TERM_CACHE.set(key, (m = new Map()));
  else if (m.size >= TERM_CACHE_MAX) m.clear();
  return m;
}

function wordTerms(word: string, lang: Locale, also: Locale[], cache = termCache(lang, also)): string[] {
  const hit = cache.get(word);
  if (hit) return hit;
  const terms = computeWordTerms(word, lang, also);
  cache.set(word, terms);
  return terms;
}

function computeWordTerms(word: string, lang: Locale, also: Locale[]): string[] {
  const set = new Set<string>();
  if (isNumeric(word)) return [word];
  if (isCyrillic(word)) {
    set.add(russianTerm(word));
    // In messages: German terms written in Cyrillic ("киндергельд", "аусбильдунг") meet the
    // German term through the Latin skeleton.
    if (also.includes('de') && word.length >= 6) for (const s of latinStems(cyrillicSkeleton(word), 'de')) set.add(s);
    return [...set];
  }
  const folded = foldAccents(word);
  if (/\d/.test(folded)) return [folded]; // §18g, b1, 16d
  const langs = new Set<Locale>([lang, ...also]);
  if (lang === 'vi' || lang === 'ru') langs.add('de'); // foreign words in vi / ru texts are mostly German terms
  for (const l of langs) {
    if (l === 'de' || l === 'es' || l === 'en') for (const s of latinStems(word, l)) set.add(s);
    else if (l === 'ru') for (const s of russianTranslitTerms(word)) set.add(s);
  }
  if (lang === 'de' || langs.has('de')) {
    // German typed without umlauts: "auslaenderbehoerde"
    if (/(ae|oe|ue)/.test(folded)) {
      const um = folded.replace(/ae/g, 'ä').replace(/oe/g, 'ö').replace(/ue/g, 'ü');
      for (const s of latinStems(um, 'de')) set.add(s);
    }
  }
  if (set.size === 0) for (const l of LATIN_LANGS) for (const s of latinStems(word, l)) set.add(s);
  return [...set];
}

/**
 * Analyses a text in a language into tokens. Used for both content (documents) and messages
 * (queries); for queries `alsoLangs` widens Latin words to other languages' stems.
 */
export function analyze(text: string, lang: Locale, opts: AnalyzeOptions = {}): Token[] {
  return analyzePieces(tokenize(normalizeText(text)), lang, opts);
}

/** {@link analyze} over already tokenised text. */
export function analyzePieces(pieces: Piece[], lang: Locale, opts: AnalyzeOptions = {}): Token[] {
  const also = opts.alsoLangs ?? [];
  const out: Token[] = [];
  if (lang === 'vi') return analyzeVietnamese(pieces, also, opts.bigrams ?? true);
  const cache = termCache(lang, also);
  let prev: Token | null = null;
  for (const { word, breakBefore } of pieces) {
    if (breakBefore) prev = null;
    if ((word.length === 1 && !isNumeric(word)) || isStopword(word, lang) || (isCyrillic(word) && STOPWORDS.ru.has(word))) {
      prev = null;
      continue;
    }
    const numeric = isNumeric(word);
    const tok: Token = { surface: word, terms: wordTerms(word, lang, also, cache), weight: 1, kind: numeric ? 'number' : 'word' };
    out.push(tok);
    if (opts.bigrams && prev && !numeric) {
      const terms: string[] = [];
      for (const a of prev.terms) for (const b of tok.terms) terms.push(`${a}_${b}`);
      out.push({ surface: `${prev.surface} ${word}`, terms, weight: 1, kind: 'bigram', optional: true });
    }
    prev = numeric ? null : tok;
  }
  return out;
}

function analyzeVietnamese(pieces: Piece[], also: Locale[], bigrams: boolean): Token[] {
  const out: Token[] = [];
  // Expand abbreviations into syllables, remembering phrase breaks.
  const seq: { syl: string | null; word: string; breakBefore: boolean }[] = [];
  for (const { word, breakBefore } of pieces) {
    const hasViLetters = VI_LETTERS.test(word);
    const folded = foldAccents(word);
    const expanded = !hasViLetters ? VI_ABBREVIATIONS[folded] : undefined;
    if (expanded) {
      expanded.split(' ').forEach((s, i) => seq.push({ syl: s, word: s, breakBefore: i === 0 && breakBefore }));
      continue;
    }
    const viWord = hasViLetters || isVietnameseSyllable(folded);
    seq.push({ syl: viWord && !isNumeric(folded) ? folded : null, word, breakBefore });
  }
  for (let i = 0; i < seq.length; i++) {
    const cur = seq[i];
    if (cur.syl === null) {
      if (isCyrillic(cur.word)) {
        out.push({ surface: cur.word, terms: [russianTerm(cur.word)], weight: 1, kind: 'word' });
      } else if (isNumeric(cur.word)) {
        out.push({ surface: cur.word, terms: [cur.word], weight: 1, kind: 'number' });
      } else if (cur.word.length > 1 && !STOPWORDS.en.has(cur.word)) {
        out.push({ surface: cur.word, terms: wordTerms(cur.word, 'vi', also), weight: 1, kind: 'word' });
      }
      continue;
    }
    if (!STOPWORDS.vi.has(cur.syl)) out.push({ surface: cur.syl, terms: [`v:${cur.syl}`], weight: 1, kind: 'word' });
    const next = seq[i + 1];
    if (bigrams && next && next.syl !== null && !next.breakBefore) {
      const bothStop = STOPWORDS.vi.has(cur.syl) && STOPWORDS.vi.has(next.syl);
      if (!bothStop) {
        out.push({ surface: `${cur.syl} ${next.syl}`, terms: [`v:${cur.syl}_${next.syl}`], weight: 1, kind: 'bigram', optional: true });
      }
    }
  }
  return out;
}

/** Index terms of a content text: every alternative of every token (a bag, with repeats). */
export function documentTerms(text: string, lang: Locale): string[] {
  const out: string[] = [];
  for (const t of analyze(text, lang)) for (const term of t.terms) out.push(term);
  return out;
}
