/**
 * The knowledge base as plain JSON: what `load-files.ts` reads from `knowledge-base/`, what
 * `kb:import` stores in PostgreSQL (jsonb) and what the service loads into memory.
 *
 * Invariant: a snapshot is plain JSON (strings, numbers, arrays, objects), so it hashes and
 * stores as is. Field names follow the YAML files (snake_case) so editors recognise them.
 */
import type { Locale } from '../../bots/engine/types';

/** Text per language; a snapshot read from files may miss languages (the validator reports it). */
export type LocalizedMap = Partial<Record<Locale, string>>;

export interface TopicSource {
  title: string;
  url: string;
  checked_on: string;
}

/** One language of a topic. */
export interface TopicLanguageContent {
  title: string;
  answer: string;
  more?: string;
  /** Region id → the part of the answer that differs in that region. */
  regional?: Record<string, string>;
  questions: string[];
  /**
   * Translations (ru, vi, es) only: hash of the German and English text this translation was
   * written from (see translation-status.ts). Set by the editor; optional in files.
   */
  source_hash?: string;
}

export type TopicMode = 'answer' | 'answer+refer' | 'handoff';

/** One topics/<slug>.yaml file. */
export interface TopicDoc {
  slug: string;
  category: string;
  mode: TopicMode;
  /** ['nationwide'] or region ids whose part differs. */
  regions: string[];
  reviewed_on: string;
  review_by: string;
  /** 'nationwide' or a region id → institution ids. */
  institutions?: Record<string, string[]>;
  sources: TopicSource[];
  content: Partial<Record<Locale, TopicLanguageContent>>;
  /** Old slugs that now point here (renames keep references working). */
  aliases?: string[];
}

export type FactFormat = 'money' | 'number' | 'text' | 'date';
export type FactUnit = 'year' | 'month' | 'week' | 'day' | 'hour';

export interface FactValue {
  /** A number (money, number), an ISO date (date) or text; text may be given per language. */
  value: number | string | LocalizedMap;
  valid_from: string;
  source?: string;
  source_date?: string;
}

export interface FactDef {
  description?: string;
  format: FactFormat;
  unit?: FactUnit;
  values: FactValue[];
}

export interface Institution {
  id: string;
  name: string;
  region: string;
  city?: string;
  url?: string;
  source?: string;
  helps_with: LocalizedMap;
}

export interface GlossaryEntry {
  term: string;
  variants?: string[];
  /** Optional translations of the term per language (matched like variants). */
  translations?: Partial<Record<Locale, string | string[]>>;
  explain: LocalizedMap;
  /** Topics the term is most related to. */
  topics?: string[];
}

export interface RegionDef {
  id: string;
  names: LocalizedMap;
  aliases?: string[];
}

export interface CategoryDef {
  id: string;
  titles: LocalizedMap;
}

export interface RequiredTopic {
  slug: string;
  category: string;
  mode: TopicMode;
  regions?: string[];
  question?: string;
}

/**
 * The whole knowledge base. `files` records where each item came from, relative to the
 * knowledge-base directory, for error messages: `files.topics[i]` is the file of `topics[i]`,
 * `files.facts[key]` the file that defines a fact.
 */
export interface KnowledgeSnapshot {
  format: 1;
  topics: TopicDoc[];
  facts: Record<string, FactDef>;
  institutions: Institution[];
  glossary: GlossaryEntry[];
  regions: RegionDef[];
  categories: CategoryDef[];
  requiredTopics: RequiredTopic[];
  files: {
    topics: string[];
    facts: Record<string, string>;
  };
}
