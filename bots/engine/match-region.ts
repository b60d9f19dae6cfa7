/**
 * Recognises a typed region («Rostock», «Sachsen-Anhalt», «mv») when the engine has asked
 * for it. Regions are data: names and aliases come from the knowledge base.
 */
import { normalizeText } from './normalize-text';
import type { RegionView } from './ports';
import type { RegionId } from './types';

/** Longest message (in words) still read as "just the region", e.g. «in Rostock bitte». */
const REGION_MESSAGE_MAX_WORDS = 4;

/**
 * Returns the id of the region a short message names, or `null`.
 * @example matchRegion('Magdeburg', regions) // 'st' (an alias of Sachsen-Anhalt)
 */
export function matchRegion(text: string, regions: readonly RegionView[]): RegionId | null {
  const normalized = normalizeText(text);
  const words = normalized.split(' ').filter(Boolean);
  if (words.length === 0 || words.length > REGION_MESSAGE_MAX_WORDS) return null;
  const padded = ` ${normalized} `;
  for (const region of regions) {
    const names = [region.id, region.name, ...(region.aliases ?? [])]
      .map((n) => normalizeText(n))
      .filter((n) => n.length > 0);
    if (names.some((n) => padded.includes(` ${n} `))) return region.id;
  }
  return null;
}
