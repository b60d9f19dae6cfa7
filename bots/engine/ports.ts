/**
 * What the dialogue engine needs from the outside world. Services implement these ports;
 * tests use in-memory fakes. The engine never imports an implementation.
 */
import type { Locale, RegionId } from './types';

/** Text in each of the five languages. */
export type LocalizedText = Record<Locale, string>;

/** A category of the menu (visa, recognition, work …). */
export interface CategoryView {
  id: string;
  title: string;
}

/** A topic as listed in a menu or a "Did you mean…" choice. */
export interface TopicSummary {
  slug: string;
  category: string;
  title: string;
}

/** A federal state (or later another region) the service covers. */
export interface RegionView {
  id: RegionId;
  name: string;
  /** Words people write for it (short names, cities), matched when they type their region. */
  aliases?: string[];
}

/** A source shown under every answer. */
export interface SourceView {
  title: string;
  url: string;
  /** ISO date the source was last checked. */
  checkedOn: string;
}

/** A referral institution, as shown under an answer. */
export interface InstitutionView {
  id: string;
  name: string;
  /** What they help with, in the reader's language. */
  helpsWith: string;
  city?: string;
  /** Official URL, only where confirmed. */
  url?: string;
  /** 'nationwide' or a region id. */
  region: string;
}

/**
 * A topic's answer, resolved for one language, region and day: fact placeholders are
 * already replaced by the value valid on that day.
 */
export interface TopicAnswer {
  slug: string;
  title: string;
  /** 'answer' | 'answer+refer' | 'handoff' (see knowledge-base/README.md). */
  mode: 'answer' | 'answer+refer' | 'handoff';
  /** The core answer, messenger-sized. */
  text: string;
  /** Optional detail the person can ask for. */
  more?: string;
  /** The part specific to the requested region, if the topic has one. */
  regionalText?: string;
  /** True when the topic differs by region; the engine asks for the region if it is unknown. */
  regionDependent: boolean;
  sources: SourceView[];
  /** ISO date the content was last reviewed: the "as of" date shown to people. */
  asOf: string;
  institutions: InstitutionView[];
  /**
   * German terms used in this answer, each explained in the reader's language (from the
   * glossary): the words people will meet on forms. Empty or absent for German readers.
   */
  terms?: GlossaryTermView[];
}

/** A German term and its explanation, e.g. "Aufenthaltstitel – the umbrella term for …". */
export interface GlossaryTermView {
  term: string;
  /** One sentence in the reader's language; starts with the term itself. */
  explanation: string;
}

/** One candidate topic with its calibrated score in 0..1. */
export interface TopicCandidate {
  slug: string;
  score: number;
}

/**
 * The knowledge base's reading of a free-text message.
 * `topic` is set only when retrieval is confident; otherwise `candidates` may still carry
 * up to a few plausible topics for "Did you mean…", or be empty (out of scope).
 */
export interface Classification {
  /** Detected language of the message (the bot's language is only a hint). */
  lang: Locale;
  topic: string | null;
  score: number;
  candidates: TopicCandidate[];
}

/**
 * The curated knowledge base, in memory.
 * Invariants: every slug returned by `classify` or `topics` can be passed to `answer` in
 * every locale; lookups are synchronous and fast (the engine is pure and synchronous).
 * Example:
 * ```ts
 * const c = kb.classify('kak poluchit golubuyu kartu', 'ru');
 * if (c.topic) reply(kb.answer(c.topic, 'ru', { region: 'mv', today: '2026-11-27' }));
 * ```
 */
export interface KnowledgeBase {
  /** Identifies the loaded content (for logs and answers' provenance). */
  readonly version: string;
  categories(locale: Locale): CategoryView[];
  topics(categoryId: string, locale: Locale): TopicSummary[];
  topicTitle(slug: string, locale: Locale): string | null;
  regions(locale: Locale): RegionView[];
  classify(text: string, hint?: Locale): Classification;
  /** `today` is an ISO date (YYYY-MM-DD) deciding which fact values apply. */
  answer(slug: string, locale: Locale, opts: { region: RegionId | null; today: string }): TopicAnswer | null;
}

/** Interface strings (i18next behind it). Keys are listed in bots/engine/locales. */
export interface Translator {
  t(locale: Locale, key: string, vars?: Record<string, string | number>): string;
}

/** Time, injected so the engine stays pure. */
export interface Clock {
  /** ISO date, YYYY-MM-DD, in Europe/Berlin. */
  today(): string;
}
