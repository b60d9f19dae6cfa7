/**
 * Checks a knowledge-base snapshot (or the tree it was read from) and lists every problem with
 * its file and field. Errors block an import and fail CI; warnings (a review date passed, a
 * mode differing from the required list …) are shown but do not fail.
 *
 * Checks: the schema of every file; every required topic present; slug = file name; category,
 * region and institution ids exist; every `{{fact:KEY}}` exists and has a value valid today;
 * URLs well formed; all five languages with title, answer (200–1400 characters) and at least
 * 10 question variants; no money figure typed into an answer; no question variant shared by
 * two topics; review-by dates (warning once passed).
 */
import type { z } from 'zod';
import { LOCALES } from '../../bots/engine/types';
import { foldAccents, normalizeText } from './analyze';
import { factKeysIn, factValueOn } from './facts';
import { readKnowledgeFiles } from './load-files';
import type { Problem } from './problems';
import {
  categorySchema,
  factSchema,
  glossarySchema,
  institutionSchema,
  regionSchema,
  requiredTopicSchema,
  topicSchema,
} from './schema';
import type { FactDef, KnowledgeSnapshot, TopicDoc } from './snapshot';

export type { Problem } from './problems';

export interface ValidateOptions {
  /** ISO date for review-by and fact validity checks (default: today, UTC). */
  today?: string;
  answerMinChars?: number;
  answerMaxChars?: number;
  minQuestions?: number;
}

export const ANSWER_MIN_CHARS = 200;
export const ANSWER_MAX_CHARS = 1400;
export const MIN_QUESTION_VARIANTS = 10;

/** A money amount typed into text: "50.700 €", "EUR 1,200", "13,90 euros", "500 евро". */
const TYPED_MONEY =
  /(?:€|(?<![\p{L}])(?:EUR|euros?)(?![\p{L}]))\s?\d|\d(?:[\d.,\s\u00a0\u202f]*\d)?\s?(?:€|(?:EUR|euros?|евро|đô la|USD|Euro)(?![\p{L}])|\$)|\$\s?\d/iu;

function pathString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function schemaProblems(result: z.ZodSafeParseResult<unknown>, file: string, prefix = ''): Problem[] {
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const p = pathString(issue.path);
    const field = !prefix ? p : !p ? prefix : p.startsWith('[') ? prefix + p : `${prefix}.${p}`;
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    return { level: 'error' as const, file, field, message: missing ? 'is missing' : issue.message };
  });
}

/** A question variant reduced for the uniqueness check: case, accents and punctuation ignored. */
export function normalizeQuestion(q: string): string {
  return foldAccents(normalizeText(q))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const todayUtc = (): string => new Date().toISOString().slice(0, 10);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a snapshot. */
export function validateSnapshot(snapshot: KnowledgeSnapshot, opts: ValidateOptions = {}): Problem[] {
  const today = opts.today ?? todayUtc();
  const minChars = opts.answerMinChars ?? ANSWER_MIN_CHARS;
  const maxChars = opts.answerMaxChars ?? ANSWER_MAX_CHARS;
  const minQuestions = opts.minQuestions ?? MIN_QUESTION_VARIANTS;
  const problems: Problem[] = [];
  const err = (file: string, field: string, message: string) => problems.push({ level: 'error', file, field, message });
  const warn = (file: string, field: string, message: string) => problems.push({ level: 'warning', file, field, message });

  // --- regions, categories, required topics -------------------------------------------------
  const regionIds = new Set<string>();
  snapshot.regions.forEach((r, i) => {
    problems.push(...schemaProblems(regionSchema.safeParse(r), 'regions.yaml', `[${i}]`));
    if (isRecord(r) && typeof r.id === 'string') {
      if (regionIds.has(r.id)) err('regions.yaml', `[${i}].id`, `duplicate region id "${r.id}"`);
      regionIds.add(r.id);
    }
  });
  const categoryIds = new Set<string>();
  snapshot.categories.forEach((c, i) => {
    problems.push(...schemaProblems(categorySchema.safeParse(c), 'categories.yaml', `[${i}]`));
    if (isRecord(c) && typeof c.id === 'string') {
      if (categoryIds.has(c.id)) err('categories.yaml', `[${i}].id`, `duplicate category id "${c.id}"`);
      categoryIds.add(c.id);
    }
  });
  const required = new Map<string, { mode?: string; category?: string; regions?: string[] }>();
  snapshot.requiredTopics.forEach((t, i) => {
    problems.push(...schemaProblems(requiredTopicSchema.safeParse(t), 'required-topics.yaml', `topics[${i}]`));
    if (isRecord(t) && typeof t.slug === 'string') {
      required.set(t.slug, { mode: t.mode, category: t.category, regions: Array.isArray(t.regions) ? t.regions : undefined });
      if (typeof t.category === 'string' && categoryIds.size > 0 && !categoryIds.has(t.category)) {
        err('required-topics.yaml', `topics[${i}].category`, `unknown category "${t.category}" (not in categories.yaml)`);
      }
    }
  });

  // --- facts ----------------------------------------------------------------------------------
  const facts = snapshot.facts ?? {};
  for (const [key, def] of Object.entries(facts)) {
    const file = snapshot.files?.facts?.[key] ?? 'facts/';
    if (!/^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/.test(key)) err(file, key, 'fact keys are kebab-case');
    const parsed = factSchema.safeParse(def);
    problems.push(...schemaProblems(parsed, file, key));
    if (!parsed.success) continue;
    const values = (def as FactDef).values;
    for (let i = 1; i < values.length; i++) {
      if (String(values[i].valid_from) < String(values[i - 1].valid_from)) {
        warn(file, `${key}.values[${i}].valid_from`, 'values should be ordered by valid_from');
      }
      if (String(values[i].valid_from) === String(values[i - 1].valid_from)) {
        err(file, `${key}.values[${i}].valid_from`, `two values valid from ${values[i].valid_from}`);
      }
    }
    if (!factValueOn(def as FactDef, today)) warn(file, `${key}.values`, `no value is valid yet on ${today} (every valid_from is later)`);
  }

  // --- institutions -----------------------------------------------------------------------------
  const institutionIds = new Map<string, string>(); // id → region
  snapshot.institutions.forEach((inst, i) => {
    problems.push(...schemaProblems(institutionSchema.safeParse(inst), 'institutions.yaml', `[${i}]`));
    if (!isRecord(inst) || typeof inst.id !== 'string') return;
    if (typeof inst.region === 'string' && inst.region !== 'nationwide' && regionIds.size > 0 && !regionIds.has(inst.region)) {
      err('institutions.yaml', `[${i}].region`, `unknown region "${inst.region}" (nationwide or an id from regions.yaml)`);
    }
    if (institutionIds.has(inst.id)) err('institutions.yaml', `[${i}].id`, `duplicate institution id "${inst.id}"`);
    else institutionIds.set(inst.id, String(inst.region));
  });

  // --- glossary -------------------------------------------------------------------------------
  const terms = new Set<string>();
  snapshot.glossary.forEach((g, i) => {
    problems.push(...schemaProblems(glossarySchema.safeParse(g), 'glossary.yaml', `[${i}]`));
    if (isRecord(g) && typeof g.term === 'string') {
      const k = normalizeQuestion(g.term);
      if (terms.has(k)) err('glossary.yaml', `[${i}].term`, `duplicate glossary term "${g.term}"`);
      terms.add(k);
    }
  });

  // --- topics ---------------------------------------------------------------------------------
  const seenSlugs = new Map<string, string>();
  const questionOwner = new Map<string, { slug: string; file: string; field: string }>();
  snapshot.topics.forEach((raw, i) => {
    const file = snapshot.files?.topics?.[i] ?? `topics/#${i}`;
    const fileSlug = file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    problems.push(...schemaProblems(topicSchema.safeParse(raw), file));
    if (!isRecord(raw)) return;
    const topic = raw as unknown as TopicDoc;
    const slug = typeof topic.slug === 'string' ? topic.slug : fileSlug;
    if (typeof topic.slug === 'string' && topic.slug !== fileSlug) err(file, 'slug', `slug "${topic.slug}" must equal the file name "${fileSlug}"`);
    if (seenSlugs.has(slug)) err(file, 'slug', `slug "${slug}" also used by ${seenSlugs.get(slug)}`);
    seenSlugs.set(slug, file);

    if (typeof topic.category === 'string' && !categoryIds.has(topic.category)) {
      err(file, 'category', `unknown category "${topic.category}" (ids in categories.yaml: ${[...categoryIds].join(', ')})`);
    }
    const req = required.get(slug);
    if (req?.mode && topic.mode && req.mode !== topic.mode) warn(file, 'mode', `mode "${topic.mode}" differs from required-topics.yaml ("${req.mode}")`);
    if (req?.category && topic.category && req.category !== topic.category) warn(file, 'category', `category "${topic.category}" differs from required-topics.yaml ("${req.category}")`);

    const regions = Array.isArray(topic.regions) ? topic.regions : [];
    const stateList = (l: string[]) => l.filter((r) => r !== 'nationwide').sort().join(',');
    if (req?.regions && Array.isArray(topic.regions) && stateList(req.regions) !== stateList(regions)) {
      warn(file, 'regions', `regions [${regions.join(', ')}] differ from required-topics.yaml ([${req.regions.join(', ')}])`);
    }
    regions.forEach((r, k) => {
      if (r !== 'nationwide' && !regionIds.has(r)) err(file, `regions[${k}]`, `unknown region "${r}" (nationwide or an id from regions.yaml)`);
    });
    if (regions.includes('nationwide') && regions.length > 1) err(file, 'regions', 'either [nationwide] or a list of region ids, not both');
    const regional = regions.filter((r) => r !== 'nationwide');

    if (isRecord(topic.institutions)) {
      for (const [scope, ids] of Object.entries(topic.institutions)) {
        if (scope !== 'nationwide' && !regionIds.has(scope)) err(file, `institutions.${scope}`, `unknown region "${scope}"`);
        (Array.isArray(ids) ? ids : []).forEach((id, k) => {
          if (!institutionIds.has(id)) err(file, `institutions.${scope}[${k}]`, `unknown institution "${id}" (not in institutions.yaml)`);
          else {
            const instRegion = institutionIds.get(id);
            if (scope !== 'nationwide' && instRegion !== scope && instRegion !== 'nationwide') {
              warn(file, `institutions.${scope}[${k}]`, `institution "${id}" is in region "${instRegion}", listed under "${scope}"`);
            }
          }
        });
      }
    }

    if (typeof topic.review_by === 'string' && topic.review_by < today) warn(file, 'review_by', `review date ${topic.review_by} has passed: re-check the content against its sources`);
    if (typeof topic.reviewed_on === 'string' && typeof topic.review_by === 'string' && topic.review_by < topic.reviewed_on) {
      err(file, 'review_by', 'review_by is before reviewed_on');
    }

    const content = isRecord(topic.content) ? topic.content : {};
    for (const lang of LOCALES) {
      const c = content[lang];
      if (!isRecord(c)) continue; // reported by the schema as missing
      const base = `content.${lang}`;
      const texts: [string, unknown][] = [
        [`${base}.title`, c.title],
        [`${base}.answer`, c.answer],
        [`${base}.more`, c.more],
        ...Object.entries(isRecord(c.regional) ? c.regional : {}).map(([r, t]) => [`${base}.regional.${r}`, t] as [string, unknown]),
      ];
      for (const [field, text] of texts) {
        if (typeof text !== 'string') continue;
        for (const key of factKeysIn(text)) if (!facts[key]) err(file, field, `unknown fact "{{fact:${key}}}" (not in facts/*.yaml)`);
        if (!field.endsWith('.title')) {
          const money = TYPED_MONEY.exec(text.replace(/\{\{[^}]*\}\}/g, ''));
          if (money) err(file, field, `typed money figure "${money[0].trim()}": write {{fact:KEY}} so it updates in every language`);
        }
      }
      if (typeof c.answer === 'string') {
        const len = c.answer.trim().length;
        if (len < minChars) err(file, `${base}.answer`, `answer is ${len} characters; at least ${minChars}`);
        if (len > maxChars) err(file, `${base}.answer`, `answer is ${len} characters; at most ${maxChars} (move detail to "more")`);
      }
      if (isRecord(c.regional)) {
        for (const r of Object.keys(c.regional)) {
          if (!regionIds.has(r)) err(file, `${base}.regional.${r}`, `unknown region "${r}"`);
          else if (!regional.includes(r)) warn(file, `${base}.regional.${r}`, `regional part for "${r}" but regions does not list it`);
        }
      }
      for (const r of regional) {
        if (!regionIds.has(r)) continue; // reported above
        if (!isRecord(c.regional) || typeof c.regional[r] !== 'string') warn(file, `${base}.regional`, `no regional part for "${r}" although regions lists it`);
      }
      const questions = Array.isArray(c.questions) ? c.questions : null;
      if (questions) {
        if (questions.length < minQuestions) err(file, `${base}.questions`, `${questions.length} question variants; at least ${minQuestions}`);
        const local = new Set<string>();
        questions.forEach((q, k) => {
          if (typeof q !== 'string') return;
          const n = normalizeQuestion(q);
          if (!n) return;
          const field = `${base}.questions[${k}]`;
          if (local.has(n)) {
            warn(file, field, `question variant repeated in this language: "${q}"`);
            return;
          }
          local.add(n);
          const owner = questionOwner.get(n);
          if (owner && owner.slug !== slug) err(file, field, `question variant "${q}" is also in ${owner.file} (${owner.field}); each variant belongs to one topic`);
          else if (!owner) questionOwner.set(n, { slug, file, field });
        });
      }
    }
  });

  snapshot.glossary.forEach((g, i) => {
    if (!isRecord(g) || !Array.isArray(g.topics)) return;
    g.topics.forEach((slug, k) => {
      if (typeof slug === 'string' && !seenSlugs.has(slug) && !required.has(slug)) {
        err('glossary.yaml', `[${i}].topics[${k}]`, `unknown topic "${slug}"`);
      }
    });
  });

  for (const [slug] of required) {
    if (!seenSlugs.has(slug)) err(`topics/${slug}.yaml`, '', `required topic "${slug}" is missing`);
  }
  return problems;
}

/** Reads and validates a knowledge-base directory. */
export function validateDirectory(dir: string, opts: ValidateOptions = {}): { problems: Problem[]; snapshot: KnowledgeSnapshot } {
  const { snapshot, problems } = readKnowledgeFiles(dir);
  return { snapshot, problems: [...problems, ...validateSnapshot(snapshot, opts)] };
}

/** Whether a list of problems contains an error. */
export const hasErrors = (problems: Problem[]): boolean => problems.some((p) => p.level === 'error');
