/**
 * Translation status of a topic's languages, computed from the snapshot alone.
 *
 * German and English are the sources; Russian, Vietnamese and Spanish are translations. A
 * translation records in `content.<lang>.source_hash` the {@link sourceHash} of the German and
 * English text (title, answer, more, regional parts; not the question variants) it was written
 * from. Its status is then:
 * - `missing`: no title or answer in that language;
 * - `outdated`: it carries a `source_hash` and the German or English text has changed since;
 * - `up-to-date`: otherwise (also when it carries no `source_hash`: content from git that no
 *   editor has touched yet counts as in step with its sources).
 *
 * The editor keeps the hashes: saving a translation stamps it with the current source hash;
 * before a German or English text changes, every translation without a hash is stamped with
 * the hash of the text it was in step with, so the change marks it outdated. Because the hash
 * lives in the snapshot, it is versioned, restored and exported with the content.
 */
import { createHash } from 'node:crypto';
import { LOCALES, type Locale } from '../../bots/engine/types';
import { stableStringify } from './store';
import type { TopicDoc } from './snapshot';

export const SOURCE_LOCALES: readonly Locale[] = ['de', 'en'];
export const TRANSLATION_LOCALES: readonly Locale[] = LOCALES.filter((l) => !SOURCE_LOCALES.includes(l));

export type TranslationStatus = 'source' | 'up-to-date' | 'outdated' | 'missing';

const textOf = (topic: TopicDoc, locale: Locale) => {
  const c = topic.content?.[locale];
  return c ? { title: c.title ?? '', answer: c.answer ?? '', more: c.more ?? '', regional: c.regional ?? {} } : null;
};

/** A short hash of the German and English text of a topic. */
export function sourceHash(topic: TopicDoc): string {
  const source = Object.fromEntries(SOURCE_LOCALES.map((l) => [l, textOf(topic, l)]));
  return createHash('sha256').update(stableStringify(source)).digest('hex').slice(0, 16);
}

/** Status of every language of a topic. */
export function translationStatus(topic: TopicDoc): Record<Locale, TranslationStatus> {
  const current = sourceHash(topic);
  const out = {} as Record<Locale, TranslationStatus>;
  for (const locale of LOCALES) {
    const c = topic.content?.[locale];
    if (!c || !c.title?.trim() || !c.answer?.trim()) out[locale] = 'missing';
    else if (SOURCE_LOCALES.includes(locale)) out[locale] = 'source';
    else out[locale] = c.source_hash && c.source_hash !== current ? 'outdated' : 'up-to-date';
  }
  return out;
}

/**
 * Stamps every translation that has content but no `source_hash` with the current source hash
 * (call before changing a German or English text). Mutates `topic`.
 */
export function stampUnmarkedTranslations(topic: TopicDoc): void {
  const hash = sourceHash(topic);
  for (const locale of TRANSLATION_LOCALES) {
    const c = topic.content?.[locale];
    if (c && c.answer && !c.source_hash) c.source_hash = hash;
  }
}
