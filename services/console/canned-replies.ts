/**
 * Canned replies of the console, per language, from a YAML file (HANDOFF_CANNED_REPLIES,
 * config/canned-replies.yaml). A counsellor inserts one into the reply box and edits it.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';
import type { Locale } from '../../bots/engine/types';

const fileSchema = z.object({
  replies: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      title: z.string().min(1),
      text: z.object({ ru: z.string().min(1), vi: z.string().min(1), es: z.string().min(1), de: z.string().min(1), en: z.string().min(1) }),
    }),
  ),
});

export type CannedReplies = z.infer<typeof fileSchema>['replies'];

export class CannedRepliesError extends Error {
  readonly code = 'CANNED_REPLIES_INVALID';
}

/** @throws CannedRepliesError naming the file and the problem */
export function loadCannedReplies(file: string): CannedReplies {
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CannedRepliesError(`Cannot read the canned replies ${file} (HANDOFF_CANNED_REPLIES): ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = fileSchema.safeParse(parsed);
  if (!result.success) {
    throw new CannedRepliesError(`Invalid canned replies ${file}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data.replies;
}

/** The replies in one language. */
export function cannedRepliesFor(replies: CannedReplies, locale: Locale): Array<{ id: string; title: string; text: string }> {
  return replies.map((r) => ({ id: r.id, title: r.title, text: r.text[locale] }));
}
