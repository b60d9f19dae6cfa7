/**
 * The in-memory knowledge base: implements the engine's {@link KnowledgeBase} port over a
 * {@link KnowledgeSnapshot} (read from files by the command-line tools, from PostgreSQL by the
 * service). Building it indexes every topic once; every call afterwards is synchronous and
 * fast.
 *
 * Example:
 * ```ts
 * const kb = createKnowledgeBase(loadSnapshotFromFiles('knowledge-base'), { version: 'files' });
 * const c = kb.classify('kak poluchit golubuyu kartu', 'ru');
 * if (c.topic) kb.answer(c.topic, 'ru', { region: 'mv', today: '2026-11-27' });
 * ```
 */
import type {
  CategoryView,
  Classification,
  GlossaryTermView,
  InstitutionView,
  KnowledgeBase,
  RegionView,
  TopicAnswer,
  TopicSummary,
} from '../../bots/engine/ports';
import type { Locale, RegionId } from '../../bots/engine/types';
import { classifierTopics, TopicClassifier, type ClassificationDetail, type ClassifierOptions } from './classifier';
import { renderFacts } from './facts';
import type { GlossaryEntry, Institution, KnowledgeSnapshot, LocalizedMap, TopicDoc } from './snapshot';

export interface KnowledgeBaseOptions {
  /** Identifies the loaded content, e.g. the kb_versions version or 'files'. */
  version?: string;
  classifier?: Partial<ClassifierOptions>;
}

/** The port plus what tools need (detailed classification for evaluation). */
export interface InMemoryKnowledgeBase extends KnowledgeBase {
  classifyDetailed(text: string, hint?: Locale): ClassificationDetail;
  readonly snapshot: KnowledgeSnapshot;
}

function pick(map: LocalizedMap | undefined, locale: Locale, fallback = ''): string {
  if (!map) return fallback;
  return map[locale] ?? map.en ?? map.de ?? fallback;
}

/** Builds the knowledge base from a snapshot. */
export function createKnowledgeBase(snapshot: KnowledgeSnapshot, opts: KnowledgeBaseOptions = {}): InMemoryKnowledgeBase {
  const topics = snapshot.topics.filter((t): t is TopicDoc => !!t && typeof t.slug === 'string' && !!t.content);
  const bySlug = new Map<string, TopicDoc>();
  for (const t of topics) bySlug.set(t.slug, t);
  for (const t of topics) for (const alias of t.aliases ?? []) if (!bySlug.has(alias)) bySlug.set(alias, t);
  const lookups = answerLookups(snapshot);
  // Menu order: the order of required-topics.yaml, then any further topics by slug.
  const order = new Map<string, number>();
  snapshot.requiredTopics.forEach((t, i) => order.set(t.slug, i));
  const sorted = [...topics].sort((a, b) => (order.get(a.slug) ?? 1e6) - (order.get(b.slug) ?? 1e6) || a.slug.localeCompare(b.slug));

  const classifier = new TopicClassifier(classifierTopics(topics), snapshot.glossary, opts.classifier);

  const titleOf = (t: TopicDoc, locale: Locale): string => t.content[locale]?.title ?? t.content.en?.title ?? t.content.de?.title ?? t.slug;

  // The views are the same on every turn: built once per language (and, for answers, per
  // region and day) and handed out frozen, so no caller can change what the next one gets.
  const memo = <V>(cache: Map<string, V>, key: string, build: () => V): V => {
    let v = cache.get(key);
    if (v === undefined) {
      v = deepFreeze(build());
      cache.set(key, v);
    }
    return v;
  };
  const categoryViews = new Map<string, CategoryView[]>();
  const topicLists = new Map<string, TopicSummary[]>();
  const regionViews = new Map<string, RegionView[]>();
  const answers = new Map<string, TopicAnswer | null>();
  let answersDay = '';

  const kb: InMemoryKnowledgeBase = {
    version: opts.version ?? 'unversioned',
    snapshot,

    categories(locale: Locale): CategoryView[] {
      return memo(categoryViews, locale, () => snapshot.categories.map((c) => ({ id: c.id, title: pick(c.titles, locale, c.id) })));
    },

    topics(categoryId: string, locale: Locale): TopicSummary[] {
      return memo(topicLists, `${categoryId}|${locale}`, () =>
        sorted.filter((t) => t.category === categoryId).map((t) => ({ slug: t.slug, category: t.category, title: titleOf(t, locale) })),
      );
    },

    topicTitle(slug: string, locale: Locale): string | null {
      const t = bySlug.get(slug);
      return t ? titleOf(t, locale) : null;
    },

    regions(locale: Locale): RegionView[] {
      // Aliases (cities, short forms) and the names in every language let people name their state in their own words.
      return memo(regionViews, locale, () =>
        snapshot.regions.map((r) => ({
          id: r.id,
          name: pick(r.names, locale, r.id),
          aliases: [...new Set([...(r.aliases ?? []), ...Object.values(r.names ?? {}).filter((n): n is string => typeof n === 'string')])],
        })),
      );
    },

    classify(text: string, hint?: Locale): Classification {
      return classifier.classify(text, hint);
    },

    classifyDetailed(text: string, hint?: Locale): ClassificationDetail {
      return classifier.classifyDetailed(text, hint);
    },

    answer(slug: string, locale: Locale, o: { region: RegionId | null; today: string }): TopicAnswer | null {
      const t = bySlug.get(slug);
      if (!t) return null;
      // Facts change by date: the answers of another day are built anew.
      if (o.today !== answersDay) {
        answers.clear();
        answersDay = o.today;
      }
      return memo(answers, `${slug}|${locale}|${o.region ?? ''}`, () => resolveTopicAnswer(lookups, t, locale, o));
    },
  };
  return kb;
}

/** What resolving an answer needs besides the topic (built once per knowledge base). */
export interface AnswerLookups {
  facts: KnowledgeSnapshot['facts'];
  institutions: ReadonlyMap<string, Institution>;
  regionIds: ReadonlySet<string>;
  /** Glossary terms with the German spellings that find them in an answer text. */
  glossary: readonly { entry: GlossaryEntry; pattern: RegExp }[];
}

/** At most this many German terms are explained under one answer (a phone screen is small). */
export const MAX_TERMS_PER_ANSWER = 2;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Finds the term or one of its German spellings as a whole word (letters on neither side). */
function glossaryPattern(entry: GlossaryEntry): RegExp | null {
  const forms = [entry.term, ...(entry.variants ?? [])].filter((f) => typeof f === 'string' && f.trim().length >= 3);
  if (forms.length === 0) return null;
  forms.sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![\\p{L}])(?:${forms.map(escapeRegExp).join('|')})(?![\\p{L}])`, 'iu');
}

/** Lookups over a snapshot, for resolving single answers without building the index (editor preview). */
export function answerLookups(snapshot: KnowledgeSnapshot): AnswerLookups {
  const institutions = new Map<string, Institution>();
  for (const i of snapshot.institutions) if (i && typeof i.id === 'string') institutions.set(i.id, i);
  const glossary: { entry: GlossaryEntry; pattern: RegExp }[] = [];
  for (const entry of snapshot.glossary ?? []) {
    const pattern = entry && typeof entry.term === 'string' ? glossaryPattern(entry) : null;
    if (pattern) glossary.push({ entry, pattern });
  }
  return { facts: snapshot.facts, institutions, regionIds: new Set(snapshot.regions.map((r) => r.id)), glossary };
}

/** The German terms of the glossary that `text` uses, in order of first use, explained for `locale`. */
export function termsUsedIn(lookups: AnswerLookups, text: string, locale: Locale): GlossaryTermView[] {
  if (locale === 'de') return [];
  const found: { at: number; view: GlossaryTermView }[] = [];
  for (const { entry, pattern } of lookups.glossary) {
    const m = pattern.exec(text);
    const explanation = pick(entry.explain, locale);
    if (m && explanation) found.push({ at: m.index, view: { term: entry.term, explanation } });
  }
  return found.sort((a, b) => a.at - b.at).slice(0, MAX_TERMS_PER_ANSWER).map((f) => f.view);
}

function institutionView(inst: Institution, locale: Locale): InstitutionView {
  return {
    id: inst.id,
    name: inst.name,
    helpsWith: pick(inst.helps_with, locale),
    ...(inst.city ? { city: inst.city } : {}),
    ...(inst.url ? { url: inst.url } : {}),
    region: inst.region,
  };
}

/**
 * One topic's answer for a language, region and day: facts substituted, institutions of the
 * nationwide list and the region. Shared by {@link createKnowledgeBase} and the editor preview.
 */
export function resolveTopicAnswer(lookups: AnswerLookups, t: TopicDoc, locale: Locale, o: { region: RegionId | null; today: string }): TopicAnswer | null {
  const c = t.content[locale] ?? t.content.en ?? t.content.de;
  if (!c) return null;
  const render = (s: string) => renderFacts(s, lookups.facts, locale, o.today);
  const stateRegions = (t.regions ?? []).filter((r) => r !== 'nationwide');
  const regionDependent = stateRegions.length > 0;
  const region = o.region && lookups.regionIds.has(o.region) ? o.region : null;
  const regionalRaw = region && regionDependent ? c.regional?.[region] : undefined;

  const ids: string[] = [...(t.institutions?.nationwide ?? [])];
  if (region) for (const id of t.institutions?.[region] ?? []) ids.push(id);
  const seen = new Set<string>();
  const insts: InstitutionView[] = [];
  for (const id of ids) {
    const inst = lookups.institutions.get(id);
    if (!inst || seen.has(id)) continue;
    seen.add(id);
    insts.push(institutionView(inst, locale));
  }

  const text = render(c.answer).trim();
  const regionalText = regionalRaw ? render(regionalRaw).trim() : undefined;
  const terms = termsUsedIn(lookups, `${text}\n${regionalText ?? ''}`, locale);
  return {
    slug: t.slug,
    title: render(c.title),
    mode: t.mode,
    text,
    ...(c.more ? { more: render(c.more).trim() } : {}),
    ...(regionalText ? { regionalText } : {}),
    regionDependent,
    sources: (t.sources ?? []).map((s) => ({ title: s.title, url: s.url, checkedOn: String(s.checked_on) })),
    asOf: String(t.reviewed_on),
    institutions: insts,
    ...(terms.length > 0 ? { terms } : {}),
  };
}

/** Freezes a view and everything in it (views are shared between turns). */
function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
