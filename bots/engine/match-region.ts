/**
 * Recognises a region in what people type: «Rostock» as the reply to "where do you live?",
 * or «… eine Wohnung in Magdeburg» inside a question. Regions are data: names and aliases
 * come from the knowledge base, nothing here knows a federal state.
 *
 * Matching tolerates a changed ending on long words, so «Саксонии-Анхальт» and
 * "Magdeburger" still match: a word of {@link STEM_MIN_CHARS} letters or more matches any word
 * starting with it minus its last letter; shorter words must match exactly, so common words
 * are not caught ("schwer", "schwere" are not "Schwerin"). Other spellings belong in the
 * region's aliases (content), not here.
 */
import { normalizeText } from './normalize-text';
import type { RegionView } from './ports';
import type { RegionId } from './types';

/** Longest message (in words) still read as "just the region", e.g. «in Rostock bitte». */
const REGION_REPLY_MAX_WORDS = 4;
/** Names shorter than this (ids like `mv`, `st`) count only when the message is short. */
const MENTION_MIN_CHARS = 4;
/** Words at least this long match by their stem (the word minus its last letter). */
const STEM_MIN_CHARS = 8;

interface NamePattern {
  words: string[];
  chars: number;
}

/** Patterns by region view: the knowledge base hands out the same views every turn. */
const patternCache = new WeakMap<RegionView, NamePattern[]>();

function patternsOf(region: RegionView): NamePattern[] {
  let patterns = patternCache.get(region);
  if (!patterns) {
    patterns = compilePatterns(region);
    patternCache.set(region, patterns);
  }
  return patterns;
}

function compilePatterns(region: RegionView): NamePattern[] {
  return [region.id, region.name, ...(region.aliases ?? [])]
    .map((name) => normalizeText(name))
    .filter((name) => name.length > 0)
    .map((name) => ({ words: name.split(' '), chars: name.replace(/ /g, '').length }));
}

function wordMatches(word: string, nameWord: string): boolean {
  if (nameWord.length < STEM_MIN_CHARS) return word === nameWord;
  return word.startsWith(nameWord.slice(0, -1));
}

function occurs(words: readonly string[], pattern: NamePattern): boolean {
  const n = pattern.words.length;
  for (let start = 0; start + n <= words.length; start += 1) {
    if (pattern.words.every((w, i) => wordMatches(words[start + i], w))) return true;
  }
  return false;
}

function regionsIn(text: string, regions: readonly RegionView[], minChars: number): RegionId[] {
  const words = normalizeText(text).split(' ').filter(Boolean);
  return regions
    .filter((region) => patternsOf(region).some((p) => p.chars >= minChars && occurs(words, p)))
    .map((region) => region.id);
}

/**
 * The region a short reply names, or `null` (used when the engine has asked for it).
 * @example matchRegion('Magdeburg', regions) // 'st' (an alias of Sachsen-Anhalt)
 */
export function matchRegion(text: string, regions: readonly RegionView[]): RegionId | null {
  const words = normalizeText(text).split(' ').filter(Boolean);
  if (words.length === 0 || words.length > REGION_REPLY_MAX_WORDS) return null;
  const found = regionsIn(text, regions, 0);
  return found.length === 1 ? found[0] : null;
}

/**
 * The one region a question mentions, or `null` when it mentions none or several.
 * @example findMentionedRegion('Wie finde ich eine Wohnung in Magdeburg?', regions) // 'st'
 */
export function findMentionedRegion(text: string, regions: readonly RegionView[]): RegionId | null {
  const found = regionsIn(text, regions, MENTION_MIN_CHARS);
  return found.length === 1 ? found[0] : null;
}
