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
  InstitutionView,
  KnowledgeBase,
  RegionView,
  TopicAnswer,
  TopicSummary,
} from '../../bots/engine/ports';
import type { Locale, RegionId } from '../../bots/engine/types';
import { classifierTopics, TopicClassifier, type ClassificationDetail, type ClassifierOptions } from './classifier';
import { renderFacts } from './facts';
import type { Institution, KnowledgeSnapshot, LocalizedMap, TopicDoc } from './snapshot';

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
  const institutions = new Map<string, Institution>();
  for (const i of snapshot.institutions) if (i && typeof i.id === 'string') institutions.set(i.id, i);
  const regionIds = new Set(snapshot.regions.map((r) => r.id));
  const lookups: AnswerLookups = { facts: snapshot.facts, institutions, regionIds };
  // Menu order: the order of required-topics.yaml, then any further topics by slug.
  const order = new Map<string, number>();
  snapshot.requiredTopics.forEach((t, i) => order.set(t.slug, i));
  const sorted = [...topics].sort((a, b) => (order.get(a.slug) ?? 1e6) - (order.get(b.slug) ?? 1e6) || a.slug.localeCompare(b.slug));

  const classifier = new TopicClassifier(classifierTopics(topics), snapshot.glossary, opts.classifier);

  const titleOf = (t: TopicDoc, locale: Locale): string => t.content[locale]?.title ?? t.content.en?.title ?? t.content.de?.title ?? t.slug;

  const kb: InMemoryKnowledgeBase = {
    version: opts.version ?? 'unversioned',
    snapshot,

    categories(locale: Locale): CategoryView[] {
      return snapshot.categories.map((c) => ({ id: c.id, title: pick(c.titles, locale, c.id) }));
    },

    topics(categoryId: string, locale: Locale): TopicSummary[] {
      return sorted.filter((t) => t.category === categoryId).map((t) => ({ slug: t.slug, category: t.category, title: titleOf(t, locale) }));
    },

    topicTitle(slug: string, locale: Locale): string | null {
      const t = bySlug.get(slug);
      return t ? titleOf(t, locale) : null;
    },

    regions(locale: Locale): RegionView[] {
      return snapshot.regions.map((r) => ({ id: r.id, name: pick(r.names, locale, r.id) }));
    },

    classify(text: string, hint?: Locale): Classification {
      return classifier.classify(text, hint);
    },

    classifyDetailed(text: string, hint?: Locale): ClassificationDetail {
      return classifier.classifyDetailed(text, hint);
    },

    answer(slug: string, locale: Locale, o: { region: RegionId | null; today: string }): TopicAnswer | null {
      const t = bySlug.get(slug);
      return t ? resolveTopicAnswer(lookups, t, locale, o) : null;
    },
  };
  return kb;
}

/** What resolving an answer needs besides the topic (built once per knowledge base). */
export interface AnswerLookups {
  facts: KnowledgeSnapshot['facts'];
  institutions: ReadonlyMap<string, Institution>;
  regionIds: ReadonlySet<string>;
}

/** Lookups over a snapshot, for resolving single answers without building the index (editor preview). */
export function answerLookups(snapshot: KnowledgeSnapshot): AnswerLookups {
  const institutions = new Map<string, Institution>();
  for (const i of snapshot.institutions) if (i && typeof i.id === 'string') institutions.set(i.id, i);
  return { facts: snapshot.facts, institutions, regionIds: new Set(snapshot.regions.map((r) => r.id)) };
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

  return {
    slug: t.slug,
    title: render(c.title),
    mode: t.mode,
    text: render(c.answer).trim(),
    ...(c.more ? { more: render(c.more).trim() } : {}),
    ...(regionalRaw ? { regionalText: render(regionalRaw).trim() } : {}),
    regionDependent,
    sources: (t.sources ?? []).map((s) => ({ title: s.title, url: s.url, checkedOn: String(s.checked_on) })),
    asOf: String(t.reviewed_on),
    institutions: insts,
  };
}
