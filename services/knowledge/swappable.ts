/**
 * A knowledge base whose content can be replaced while the service runs. The engine receives
 * one KnowledgeBase object at start (createDialogueEngine({ kb })); handing it this holder
 * means a published version takes effect on the next call, without a restart.
 *
 * Invariant: every call is delegated to the snapshot current at that moment; a turn that is
 * already running keeps the index it started with only for calls it already made (answers are
 * looked up again per call, so a slug that disappeared gives `null`, which the engine handles).
 *
 * Example:
 * ```ts
 * const kb = createSwappableKnowledgeBase(createKnowledgeBase(snapshot, { version }));
 * const engine = createDialogueEngine({ kb, ... });
 * kb.swap(createKnowledgeBase(newer, { version: 'v2' })); // the engine answers from v2 now
 * ```
 */
import type { Locale } from '../../bots/engine/types';
import type { InMemoryKnowledgeBase } from './knowledge-base';

export interface SwappableKnowledgeBase extends InMemoryKnowledgeBase {
  /** The knowledge base calls are delegated to right now. */
  current(): InMemoryKnowledgeBase;
  /** Replaces the content; the next call uses it. */
  swap(next: InMemoryKnowledgeBase): void;
}

export function createSwappableKnowledgeBase(initial: InMemoryKnowledgeBase): SwappableKnowledgeBase {
  let kb = initial;
  return {
    get version() {
      return kb.version;
    },
    get snapshot() {
      return kb.snapshot;
    },
    current: () => kb,
    swap(next) {
      kb = next;
    },
    categories: (locale: Locale) => kb.categories(locale),
    topics: (categoryId, locale) => kb.topics(categoryId, locale),
    topicTitle: (slug, locale) => kb.topicTitle(slug, locale),
    regions: (locale) => kb.regions(locale),
    classify: (text, hint) => kb.classify(text, hint),
    classifyDetailed: (text, hint) => kb.classifyDetailed(text, hint),
    answer: (slug, locale, o) => kb.answer(slug, locale, o),
  };
}
