/**
 * Asks where the person lives or plans to live. The regions are the knowledge base's
 * (data), plus "not decided yet".
 */
import { choiceValue, fitsChoiceValue } from './choice-value';
import type { RegionView } from './ports';
import type { Say } from './say';
import type { Reply } from './types';

/**
 * @param reason `topic`: asked because an answer differs by region; `menu`: the person
 *   opened "my federal state".
 * @example renderRegionQuestion(regions, say, 'topic').choices // region:mv, region:st, region:none
 */
export function renderRegionQuestion(regions: readonly RegionView[], say: Say, reason: 'topic' | 'menu'): Reply {
  const choices = regions
    .map((r) => ({ value: choiceValue.region(r.id), label: r.name }))
    .filter((c) => fitsChoiceValue(c.value));
  choices.push({ value: choiceValue.region(null), label: say('region.none') });
  return { text: reason === 'topic' ? say('region.ask') : say('region.choose'), choices };
}
