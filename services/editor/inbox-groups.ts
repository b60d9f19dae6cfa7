/**
 * Groups the editors' inbox of unanswered questions so that the same gap, asked in several
 * languages, shows up once with a count. Two simple, explainable rules, in order:
 *
 * 1. **Same likely topic.** A "not helpful" row is about the topic it was answered with; for
 *    any other row, the knowledge base's classifier is asked (all languages share one index,
 *    so "голубая карта", "the e u blue card" and "the xanh" meet) and its best candidate topic
 *    (score ≥ {@link GROUP_MIN_SCORE}) is used. Rows with the same topic form one group:
 *    "people ask this near topic X — the variants or the answer do not cover it".
 * 2. **Similar words.** Rows with no candidate are compared by the analyser's index terms
 *    (stems, Russian transliteration, Vietnamese syllables, glossary concepts): a row joins the
 *    first group whose first row shares at least {@link GROUP_MIN_JACCARD} of their terms
 *    (Jaccard), else starts its own. These are the gaps where no topic exists yet.
 */
import type { Locale } from '../../bots/engine/types';
import { isLocale } from '../../bots/engine/types';
import { documentTerms, normalizeText } from '../knowledge/analyze';
import type { InMemoryKnowledgeBase } from '../knowledge/knowledge-base';

export const GROUP_MIN_SCORE = 0.2;
export const GROUP_MIN_JACCARD = 0.5;

export interface UnansweredRow {
  id: number;
  text: string;
  locale: string | null;
  reason: string;
  topic: string | null;
  createdAt: Date;
}

export interface InboxGroup {
  /** `topic:<slug>` or `similar:<id of the first row>`. */
  key: string;
  kind: 'topic' | 'similar';
  /** The likely topic (kind topic). */
  topic: string | null;
  topicTitle: string | null;
  count: number;
  /** Rows per detected language. */
  languages: Partial<Record<Locale, number>>;
  reasons: Record<string, number>;
  latestAt: string;
  items: Array<{ id: number; text: string; locale: string | null; language: Locale; reason: string; createdAt: string }>;
}

type Kb = Pick<InMemoryKnowledgeBase, 'classify' | 'topicTitle'>;

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/** Groups rows (see the module comment); biggest and most recent groups first. */
export function groupUnanswered(rows: readonly UnansweredRow[], kb: Kb, titleLocale: Locale = 'en'): InboxGroup[] {
  const groups = new Map<string, InboxGroup & { terms?: Set<string> }>();
  const similar: Array<InboxGroup & { terms: Set<string> }> = [];
  for (const row of rows) {
    const hint = isLocale(row.locale) ? row.locale : undefined;
    const text = row.text.trim();
    const c = text ? kb.classify(text, hint) : null;
    const language: Locale = c?.lang ?? hint ?? 'en';
    const best = c?.topic ?? (c?.candidates[0] && c.candidates[0].score >= GROUP_MIN_SCORE ? c.candidates[0].slug : null);
    const topic = row.reason === 'not-helpful' && row.topic ? row.topic : best;
    let group: (InboxGroup & { terms?: Set<string> }) | undefined;
    if (topic) {
      const key = `topic:${topic}`;
      group = groups.get(key);
      if (!group) {
        group = { key, kind: 'topic', topic, topicTitle: kb.topicTitle(topic, titleLocale), count: 0, languages: {}, reasons: {}, latestAt: '', items: [] };
        groups.set(key, group);
      }
    } else {
      const terms = new Set(text ? documentTerms(text, language) : [normalizeText(row.text)]);
      group = similar.find((g) => jaccard(g.terms, terms) >= GROUP_MIN_JACCARD);
      if (!group) {
        const g = { key: `similar:${row.id}`, kind: 'similar' as const, topic: null, topicTitle: null, count: 0, languages: {}, reasons: {}, latestAt: '', items: [], terms };
        similar.push(g);
        groups.set(g.key, g);
        group = g;
      }
    }
    group.count++;
    group.languages[language] = (group.languages[language] ?? 0) + 1;
    group.reasons[row.reason] = (group.reasons[row.reason] ?? 0) + 1;
    const at = row.createdAt.toISOString();
    if (at > group.latestAt) group.latestAt = at;
    group.items.push({ id: row.id, text: row.text, locale: row.locale, language, reason: row.reason, createdAt: at });
  }
  return [...groups.values()]
    .map(({ terms: _terms, ...g }) => g)
    .sort((a, b) => b.count - a.count || b.latestAt.localeCompare(a.latestAt));
}
