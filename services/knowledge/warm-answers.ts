/**
 * Builds every answer a worker can give today (topic × language × region) in the background,
 * a few at a time, so the first people after a start do not pay for it: an answer built cold
 * costs about a millisecond (facts, institutions, glossary terms), and a batch of turns that
 * meets many of them at once holds up everybody else's replies.
 */
import { LOCALES } from '../../bots/engine/types';
import type { InMemoryKnowledgeBase } from './knowledge-base';

/** Answers built between two looks at the event loop. */
const CHUNK = 16;

/**
 * @returns how many answers were built; stops early when `stopped()` says so
 * @example void warmAnswers(kb, berlinClock.today())
 */
export async function warmAnswers(kb: InMemoryKnowledgeBase, today: string, stopped: () => boolean = () => false): Promise<number> {
  const regions = [null, ...kb.snapshot.regions.map((r) => r.id)];
  let built = 0;
  for (const topic of kb.snapshot.topics) {
    for (const locale of LOCALES) {
      for (const region of regions) {
        if (built % CHUNK === 0) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (stopped()) return built;
        }
        kb.answer(topic.slug, locale, { region, today });
        built += 1;
      }
    }
  }
  return built;
}
