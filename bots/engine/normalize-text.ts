/**
 * Folds a message into the form phrase matching works on: lower case, no diacritics
 * (Vietnamese tone marks, German umlauts, Spanish accents), `ß` → `ss`, `đ` → `d`,
 * punctuation → space, single spaces.
 *
 * Both the phrase lists and the person's text go through it, so «tư vấn viên» matches
 * "tu van vien" and «Menü» matches "menu". Note that Cyrillic «й»/«ё» fold to «и»/«е» on
 * both sides, which is harmless for matching.
 *
 * @example normalizeText('¡Hablar con una Persona!') === 'hablar con una persona'
 */
export function normalizeText(input: string): string {
  // A turn folds the same message several times (intents, region, language): the last few are kept.
  const hit = recent.get(input);
  if (hit !== undefined) return hit;
  const out = fold(input);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(input, out);
  return out;
}

const RECENT_MAX = 256;
const recent = new Map<string, string>();

function fold(input: string): string {
  return input
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/đ/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}
