/**
 * The changes an editor can make, as pure functions on a draft snapshot (mutated in place).
 * Each checks its input, applies it and returns a one-line summary for the audit log. Full
 * validation (the same checks as `kb:validate`) runs when the draft is published.
 */
import { isLocale, type Locale } from '../../bots/engine/types';
import { normalizeQuestion } from '../knowledge/validate';
import { isWellFormedUrl } from '../knowledge/schema';
import type { FactDef, FactValue, Institution, KnowledgeSnapshot, TopicDoc, TopicLanguageContent, TopicSource } from '../knowledge/snapshot';
import { SOURCE_LOCALES, sourceHash, stampUnmarkedTranslations } from '../knowledge/translation-status';
import { EditorError } from './errors';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_TEXT = 20_000;

const str = (v: unknown, field: string, opts: { required?: boolean; max?: number } = {}): string | undefined => {
  if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '' && !opts.required)) return undefined;
  if (typeof v !== 'string') throw new EditorError('invalid', `${field}: expected text`);
  if (opts.required && !v.trim()) throw new EditorError('invalid', `${field} must not be empty`);
  if (v.length > (opts.max ?? MAX_TEXT)) throw new EditorError('invalid', `${field} is too long`);
  return v;
};
const isoDate = (v: unknown, field: string): string => {
  if (typeof v !== 'string' || !ISO_DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new EditorError('invalid', `${field}: expected a date YYYY-MM-DD`);
  return v;
};
const locale = (v: unknown): Locale => {
  if (!isLocale(v)) throw new EditorError('invalid', 'unknown language');
  return v;
};

export function findTopic(snapshot: KnowledgeSnapshot, slug: string): TopicDoc {
  const topic = snapshot.topics.find((t) => t && t.slug === slug);
  if (!topic) throw new EditorError('not-found', `no topic "${slug}"`);
  return topic;
}

/** Multi-line answers keep one final line break, as in the YAML files (`answer: |`). */
const asBlock = (s: string) => `${s.replace(/\r\n/g, '\n').replace(/\s+$/, '')}\n`;

export interface TopicLanguageInput {
  title?: unknown;
  answer?: unknown;
  more?: unknown;
  regional?: unknown;
  questions?: unknown;
}

/** Replaces one language of a topic (title, answer, detail, regional parts, question variants). */
export function editTopicLanguage(snapshot: KnowledgeSnapshot, slug: string, lang: unknown, input: TopicLanguageInput): string {
  const topic = findTopic(snapshot, slug);
  const l = locale(lang);
  const title = str(input.title, 'title', { required: true, max: 300 })!.trim();
  const answer = asBlock(str(input.answer, 'answer', { required: true })!);
  const more = str(input.more, 'more');
  if (!Array.isArray(input.questions)) throw new EditorError('invalid', 'questions: expected a list');
  const questions = [...new Set(input.questions.map((q, i) => str(q, `questions[${i}]`, { max: 500 })?.trim()).filter((q): q is string => !!q))];
  let regional: Record<string, string> | undefined;
  if (input.regional !== undefined && input.regional !== null) {
    if (typeof input.regional !== 'object' || Array.isArray(input.regional)) throw new EditorError('invalid', 'regional: expected text per region');
    regional = {};
    for (const [r, text] of Object.entries(input.regional as Record<string, unknown>)) {
      const t = str(text, `regional.${r}`);
      if (t) regional[r] = asBlock(t);
    }
    if (Object.keys(regional).length === 0) regional = undefined;
  }

  const before = topic.content[l];
  if (SOURCE_LOCALES.includes(l)) stampUnmarkedTranslations(topic);
  const next: TopicLanguageContent = { title, answer, ...(more ? { more: asBlock(more) } : {}), ...(regional ? { regional } : {}), questions };
  // Keep keys editors added by hand in the files (notes …).
  const extra = Object.fromEntries(Object.entries(before ?? {}).filter(([k]) => !['title', 'answer', 'more', 'regional', 'questions', 'source_hash'].includes(k)));
  topic.content[l] = { ...extra, ...next };
  if (!SOURCE_LOCALES.includes(l)) topic.content[l]!.source_hash = sourceHash(topic);

  const changed = (['title', 'answer', 'more', 'regional', 'questions'] as const).filter((k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(topic.content[l]![k] ?? null));
  return `${slug} ${l}: ${changed.length ? changed.join(', ') : 'no change'}`;
}

export interface TopicMetaInput {
  sources?: unknown;
  reviewed_on?: unknown;
  review_by?: unknown;
}

/** Sources and review dates of a topic (shared by all languages). */
export function editTopicMeta(snapshot: KnowledgeSnapshot, slug: string, input: TopicMetaInput): string {
  const topic = findTopic(snapshot, slug);
  const changed: string[] = [];
  if (input.reviewed_on !== undefined) {
    topic.reviewed_on = isoDate(input.reviewed_on, 'reviewed_on');
    changed.push(`reviewed_on ${topic.reviewed_on}`);
  }
  if (input.review_by !== undefined) {
    topic.review_by = isoDate(input.review_by, 'review_by');
    changed.push(`review_by ${topic.review_by}`);
  }
  if (input.sources !== undefined) {
    if (!Array.isArray(input.sources)) throw new EditorError('invalid', 'sources: expected a list');
    const sources: TopicSource[] = input.sources.map((s: unknown, i) => {
      const o = (s ?? {}) as Record<string, unknown>;
      const url = str(o.url, `sources[${i}].url`, { required: true, max: 2000 })!.trim();
      if (!isWellFormedUrl(url)) throw new EditorError('invalid', `sources[${i}].url: not a well-formed http(s) URL`);
      return { title: str(o.title, `sources[${i}].title`, { required: true, max: 500 })!.trim(), url, checked_on: isoDate(o.checked_on, `sources[${i}].checked_on`) };
    });
    if (sources.length === 0) throw new EditorError('invalid', 'at least one official source');
    topic.sources = sources;
    changed.push(`${sources.length} source(s)`);
  }
  return `${slug}: ${changed.join(', ') || 'no change'}`;
}

export interface FactInput {
  value?: unknown;
  valid_from?: unknown;
  source?: unknown;
  source_date?: unknown;
}

/** Parses "61 234,50", "61234.5" or a number. */
export function parseAmount(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  let s = v.replace(/[\s\u00a0\u202f€]/g, '');
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(/,(?=\d+$)/, '.').replace(/,/g, '');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/**
 * Sets a fact's value from a date on, for every language at once: a value with the same
 * valid_from is replaced, otherwise one is added (values stay ordered by valid_from), so a
 * future figure takes effect on its day by itself.
 */
export function editFact(snapshot: KnowledgeSnapshot, key: string, input: FactInput): string {
  const fact: FactDef | undefined = snapshot.facts[key];
  if (!fact) throw new EditorError('not-found', `no fact "${key}"`);
  const validFrom = isoDate(input.valid_from, 'valid_from');
  let value: FactValue['value'];
  if (fact.format === 'money' || fact.format === 'number') {
    const n = parseAmount(input.value);
    if (n === null) throw new EditorError('invalid', `value: "${String(input.value)}" is not a number`);
    value = n;
  } else if (fact.format === 'date') {
    value = isoDate(input.value, 'value');
  } else {
    value = str(input.value, 'value', { required: true, max: 2000 })!.trim();
  }
  const source = str(input.source, 'source', { max: 2000 })?.trim();
  if (source && !isWellFormedUrl(source)) throw new EditorError('invalid', 'source: not a well-formed http(s) URL');
  const sourceDate = input.source_date === undefined || input.source_date === '' || input.source_date === null ? undefined : isoDate(input.source_date, 'source_date');

  const entry: FactValue = { value, valid_from: validFrom, ...(source ? { source } : {}), ...(sourceDate ? { source_date: sourceDate } : {}) };
  const values = [...(fact.values ?? [])];
  const at = values.findIndex((v) => String(v.valid_from) === validFrom);
  const previous = at >= 0 ? values[at] : null;
  if (at >= 0) values[at] = { ...values[at], ...entry, ...(source ? {} : { source: values[at].source }), ...(sourceDate ? {} : { source_date: values[at].source_date }) };
  else values.push(entry);
  for (const v of values) for (const k of Object.keys(v) as (keyof FactValue)[]) if (v[k] === undefined) delete v[k];
  values.sort((a, b) => String(a.valid_from).localeCompare(String(b.valid_from)));
  fact.values = values;
  return previous ? `${key}: ${JSON.stringify(previous.value)} → ${JSON.stringify(value)} from ${validFrom}` : `${key}: ${JSON.stringify(value)} from ${validFrom} (new value)`;
}

export interface InstitutionInput {
  name?: unknown;
  region?: unknown;
  city?: unknown;
  url?: unknown;
  source?: unknown;
  helps_with?: unknown;
}

/** Creates or updates an institution of the referral directory. */
export function upsertInstitution(snapshot: KnowledgeSnapshot, id: string, input: InstitutionInput): string {
  if (!KEBAB.test(id)) throw new EditorError('invalid', 'id: kebab-case (a-z, 0-9, -)');
  const name = str(input.name, 'name', { required: true, max: 300 })!.trim();
  const region = str(input.region, 'region', { required: true, max: 50 })!.trim();
  if (region !== 'nationwide' && !snapshot.regions.some((r) => r.id === region)) throw new EditorError('invalid', `region: nationwide or one of ${snapshot.regions.map((r) => r.id).join(', ')}`);
  const city = str(input.city, 'city', { max: 300 })?.trim();
  const url = str(input.url, 'url', { max: 2000 })?.trim();
  if (url && !isWellFormedUrl(url)) throw new EditorError('invalid', 'url: not a well-formed http(s) URL');
  const source = str(input.source, 'source', { max: 1000 })?.trim();
  const helps = (input.helps_with ?? {}) as Record<string, unknown>;
  const helpsWith: Institution['helps_with'] = {};
  for (const l of ['de', 'en', 'ru', 'vi', 'es'] as Locale[]) {
    const t = str(helps[l], `helps_with.${l}`, { max: 2000 })?.trim();
    if (t) helpsWith[l] = t;
  }
  const existing = snapshot.institutions.find((i) => i.id === id);
  const next: Institution = { id, name, region, ...(city ? { city } : {}), ...(url ? { url } : {}), ...(source ? { source } : {}), helps_with: helpsWith };
  if (existing) {
    const extra = Object.fromEntries(Object.entries(existing).filter(([k]) => !['id', 'name', 'region', 'city', 'url', 'source', 'helps_with'].includes(k)));
    Object.keys(existing).forEach((k) => delete (existing as unknown as Record<string, unknown>)[k]);
    Object.assign(existing, next, extra);
    return `${id}: updated`;
  }
  snapshot.institutions.push(next);
  return `${id}: created`;
}

/** Adds a question variant to a topic in one language. */
export function addQuestionVariant(snapshot: KnowledgeSnapshot, slug: string, lang: unknown, text: unknown): string {
  const topic = findTopic(snapshot, slug);
  const l = locale(lang);
  const q = str(text, 'question', { required: true, max: 500 })!.trim().replace(/\s+/g, ' ');
  const n = normalizeQuestion(q);
  for (const other of snapshot.topics) {
    for (const [ol, c] of Object.entries(other.content ?? {})) {
      if ((c?.questions ?? []).some((x) => normalizeQuestion(x) === n)) {
        if (other.slug === slug && ol === l) return `${slug} ${l}: variant already present`;
        if (other.slug !== slug) throw new EditorError('conflict', `this question is already a variant of "${other.slug}"`);
      }
    }
  }
  const c = topic.content[l];
  if (!c) throw new EditorError('invalid', `topic "${slug}" has no ${l} text yet`);
  c.questions = [...(c.questions ?? []), q];
  return `${slug} ${l}: question variant added`;
}

/**
 * Starts a topic from a question: a skeleton in the draft (mode answer, nationwide, reviewed
 * today, review in six months) whose texts the editor then writes. Until it is complete the
 * draft does not pass validation, so it cannot be published half-written.
 */
export function createTopicSkeleton(snapshot: KnowledgeSnapshot, input: { slug?: unknown; category?: unknown; locale?: unknown; question?: unknown; title?: unknown }, today: string): string {
  const slug = str(input.slug, 'slug', { required: true, max: 80 })!.trim();
  if (!KEBAB.test(slug)) throw new EditorError('invalid', 'slug: kebab-case (a-z, 0-9, -)');
  if (snapshot.topics.some((t) => t.slug === slug)) throw new EditorError('conflict', `topic "${slug}" exists already`);
  const category = str(input.category, 'category', { required: true, max: 80 })!.trim();
  if (!snapshot.categories.some((c) => c.id === category)) throw new EditorError('invalid', `category: one of ${snapshot.categories.map((c) => c.id).join(', ')}`);
  const l = locale(input.locale);
  const question = str(input.question, 'question', { max: 500 })?.trim();
  const reviewBy = new Date(`${today}T00:00:00Z`);
  reviewBy.setUTCMonth(reviewBy.getUTCMonth() + 6);
  const topic: TopicDoc = {
    slug,
    category,
    mode: 'answer',
    regions: ['nationwide'],
    reviewed_on: today,
    review_by: reviewBy.toISOString().slice(0, 10),
    sources: [],
    content: { [l]: { title: str(input.title, 'title', { max: 300 })?.trim() || slug, answer: '', questions: question ? [question] : [] } },
  };
  insertTopic(snapshot, topic);
  return `${slug}: new topic (draft)${question ? ' from an unanswered question' : ''}`;
}

/** Inserts a topic keeping topics ordered by file name, as reading the files does. */
export function insertTopic(snapshot: KnowledgeSnapshot, topic: TopicDoc): void {
  const files = snapshot.files.topics.length === snapshot.topics.length ? snapshot.files.topics : snapshot.topics.map((t) => `topics/${t.slug}.yaml`);
  const file = `topics/${topic.slug}.yaml`;
  let at = files.findIndex((f) => f > file);
  if (at < 0) at = files.length;
  snapshot.topics.splice(at, 0, topic);
  snapshot.files = { ...snapshot.files, topics: [...files.slice(0, at), file, ...files.slice(at)] };
}
