/**
 * The structure of every knowledge-base file, as zod schemas (see knowledge-base/README.md).
 * Unknown extra keys are tolerated (editors add notes); what the service reads is checked.
 */
import { z } from 'zod';
import { LOCALES } from '../../bots/engine/types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO date (YYYY-MM-DD) that exists in the calendar. */
export const isoDate = z
  .string({ error: 'expected an ISO date YYYY-MM-DD' })
  .refine((s) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), {
    message: 'expected an ISO date YYYY-MM-DD',
  });

/** Whether a string is a well-formed absolute http(s) URL (no spaces, a host with a dot). */
export function isWellFormedUrl(s: string): boolean {
  if (!/^https?:\/\/[^\s]+$/.test(s)) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && /\.[a-z]{2,}$/i.test(u.hostname);
  } catch {
    return false;
  }
}

export const httpUrl = z.string({ error: 'expected a URL' }).refine(isWellFormedUrl, { message: 'not a well-formed http(s) URL' });

const nonEmpty = z.string({ error: 'expected text' }).trim().min(1, 'must not be empty');
const kebab = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected kebab-case (a-z, 0-9, -)');

/** Text in every language. */
export const localizedText = z.object(Object.fromEntries(LOCALES.map((l) => [l, nonEmpty])) as Record<(typeof LOCALES)[number], typeof nonEmpty>);

export const topicLanguageSchema = z.looseObject({
  title: nonEmpty,
  answer: nonEmpty,
  more: nonEmpty.optional(),
  regional: z.record(z.string(), nonEmpty).optional(),
  questions: z.array(nonEmpty, { error: 'expected a list of question variants' }),
});

export const topicSchema = z.looseObject({
  slug: kebab,
  category: nonEmpty,
  mode: z.enum(['answer', 'answer+refer', 'handoff']),
  regions: z.array(nonEmpty).min(1, 'list [nationwide] or the region ids'),
  reviewed_on: isoDate,
  review_by: isoDate,
  institutions: z.record(z.string(), z.array(kebab)).optional(),
  sources: z
    .array(
      z.looseObject({
        title: nonEmpty,
        url: httpUrl,
        checked_on: isoDate,
      }),
    )
    .min(1, 'at least one official source'),
  content: z.looseObject(Object.fromEntries(LOCALES.map((l) => [l, topicLanguageSchema])) as Record<(typeof LOCALES)[number], typeof topicLanguageSchema>),
  aliases: z.array(kebab).optional(),
});

const factValueSchema = z.looseObject({
  value: z.union([z.number(), nonEmpty, z.record(z.string(), nonEmpty)]),
  valid_from: isoDate,
  source: httpUrl.optional(),
  source_date: isoDate.optional(),
});

export const factSchema = z
  .looseObject({
    description: z.string().optional(),
    format: z.enum(['money', 'number', 'text', 'date']),
    unit: z.enum(['year', 'month', 'week', 'day', 'hour']).optional(),
    values: z.array(factValueSchema).min(1, 'at least one value'),
  })
  .superRefine((f, ctx) => {
    f.values.forEach((v, i) => {
      if ((f.format === 'money' || f.format === 'number') && typeof v.value !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['values', i, 'value'], message: `a ${f.format} fact needs a number` });
      }
      if (f.format === 'date' && (typeof v.value !== 'string' || !ISO_DATE.test(v.value))) {
        ctx.addIssue({ code: 'custom', path: ['values', i, 'value'], message: 'a date fact needs an ISO date' });
      }
    });
  });

export const institutionSchema = z.looseObject({
  id: kebab,
  name: nonEmpty,
  region: nonEmpty,
  city: z.string().optional(),
  url: httpUrl.optional(),
  source: z.string().optional(),
  helps_with: localizedText,
});

export const glossarySchema = z.looseObject({
  term: nonEmpty,
  variants: z.array(nonEmpty).optional(),
  translations: z.record(z.string(), z.union([nonEmpty, z.array(nonEmpty)])).optional(),
  explain: localizedText,
});

export const regionSchema = z.looseObject({
  id: kebab,
  names: localizedText,
  aliases: z.array(z.string()).optional(),
});

export const categorySchema = z.looseObject({
  id: kebab,
  titles: localizedText,
});

export const requiredTopicSchema = z.looseObject({
  slug: kebab,
  category: nonEmpty,
  mode: z.enum(['answer', 'answer+refer', 'handoff']),
  regions: z.array(nonEmpty).optional(),
});
