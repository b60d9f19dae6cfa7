/**
 * Joins names into a phrase: "A", "A and B", "A, B and C" (the word from `common.and`).
 * Used for data-driven lists such as the covered federal states.
 */
import type { Say } from './say';

export function formatList(items: readonly string[], say: Say): string {
  if (items.length <= 1) return items[0] ?? '';
  const head = items.slice(0, -1).join(', ');
  return `${head} ${say('common.and')} ${items[items.length - 1]}`;
}
