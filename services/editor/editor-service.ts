/**
 * The editors' work on the knowledge base, over PostgreSQL:
 *
 * - **One shared draft** (`kb_drafts`, id 'main'): the whole working snapshot as jsonb. The
 *   first change copies the active version; later changes edit that copy (row locked, one
 *   change at a time). Everyone on the small team sees and publishes the same pending changes;
 *   the audit log says whose they are.
 * - **Publish**: the draft passes the same checks as `kb:validate` (errors block, with their
 *   file and field) → a new `kb_versions` row (source 'editor', created_by the editor) becomes
 *   active → this instance swaps its in-memory knowledge base and announces the version on the
 *   live hub, so every other instance (web and worker) reloads within seconds.
 * - **Restore**: any earlier version becomes active again (history kept); the draft is
 *   discarded, since it was based on what is no longer active.
 * - **Unanswered questions**: attaching one as a question variant publishes at once a version
 *   = the active one + that variant (and adds it to the draft too), so retrieval improves
 *   immediately without publishing anybody's unfinished draft.
 * - **Audit log** (`kb_audit_log`): every change, publish, restore and inbox action.
 */
import { and, asc, desc, eq, gte, inArray, like, sql } from 'drizzle-orm';
import type { Locale } from '../../bots/engine/types';
import { LOCALES } from '../../bots/engine/types';
import type { Db } from '../db/client';
import { kbAuditLog, kbDrafts, unansweredQuestions } from '../db/schema';
import type { Problem } from '../knowledge/problems';
import type { KnowledgeReloader } from '../knowledge/reloader';
import type { KnowledgeSnapshot } from '../knowledge/snapshot';
import { activateVersion, importSnapshot, listVersions, loadActiveSnapshot, loadSnapshotVersion, stableStringify, KbVersionNotFoundError, type KbVersionInfo } from '../knowledge/store';
import type { SwappableKnowledgeBase } from '../knowledge/swappable';
import { translationStatus, type TranslationStatus } from '../knowledge/translation-status';
import { hasErrors, validateSnapshot } from '../knowledge/validate';
import { addQuestionVariant, createTopicSkeleton } from './draft-edits';
import { EditorError } from './errors';
import { groupUnanswered, type InboxGroup } from './inbox-groups';

const DRAFT_ID = 'main';
/** Review dates within this many days are shown as "due soon". */
export const REVIEW_SOON_DAYS = 30;

export interface EditorActor {
  id: string | null;
  name: string;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DraftInfo {
  baseVersion: string | null;
  updatedBy: string | null;
  updatedAt: string;
  createdAt: string;
}

export interface WorkingCopy {
  snapshot: KnowledgeSnapshot;
  draft: DraftInfo | null;
  activeVersion: string | null;
}

export interface TopicOverview {
  slug: string;
  title: string;
  category: string;
  mode: string;
  reviewBy: string;
  review: 'ok' | 'soon' | 'due';
  translations: Record<Locale, TranslationStatus>;
  lastEditor: string | null;
  lastEditedAt: string | null;
  changedInDraft: boolean;
}

export interface PublishResult {
  version: string;
  created: boolean;
  warnings: Problem[];
}

export interface EditorService {
  workingCopy(): Promise<WorkingCopy>;
  /** Applies `edit` to the draft (created from the active version if none) and records it. */
  change(actor: EditorActor, action: string, entity: string, edit: (draft: KnowledgeSnapshot) => string): Promise<{ summary: string }>;
  discardDraft(actor: EditorActor): Promise<void>;
  /** Problems of the working copy (the same checks as kb:validate). */
  check(): Promise<Problem[]>;
  publish(actor: EditorActor): Promise<PublishResult>;
  restore(actor: EditorActor, version: string): Promise<void>;
  versions(): Promise<KbVersionInfo[]>;
  overview(): Promise<{ topics: TopicOverview[]; draft: DraftInfo | null; activeVersion: string | null; pending: AuditEntry[] }>;
  audit(opts?: { limit?: number; entity?: string }): Promise<AuditEntry[]>;
  inbox(): Promise<InboxGroup[]>;
  /** Adds the questions (or `text`, the editor's cleaned-up wording) as variants of `slug`, published at once. */
  attachToTopic(actor: EditorActor, ids: number[], slug: string, locale?: Locale, text?: string): Promise<PublishResult>;
  startTopic(actor: EditorActor, ids: number[], input: { slug?: unknown; category?: unknown; title?: unknown }): Promise<{ summary: string }>;
  dismiss(actor: EditorActor, ids: number[]): Promise<number>;
}

export interface AuditEntry {
  id: number;
  actorName: string;
  action: string;
  entity: string;
  summary: string;
  version: string | null;
  at: string;
}

export interface EditorServiceDeps {
  db: Db;
  kb: SwappableKnowledgeBase;
  reloader: KnowledgeReloader;
  /** Europe/Berlin date (fact validity, review dates). */
  today: () => string;
  log: { warn(obj: object, msg: string): void };
}

const auditView = (r: typeof kbAuditLog.$inferSelect): AuditEntry => ({
  id: r.id,
  actorName: r.actorName,
  action: r.action,
  entity: r.entity,
  summary: r.summary,
  version: r.version ?? null,
  at: r.createdAt.toISOString(),
});

const draftView = (r: typeof kbDrafts.$inferSelect): DraftInfo => ({
  baseVersion: r.baseVersion ?? null,
  updatedBy: r.updatedBy ?? null,
  updatedAt: r.updatedAt.toISOString(),
  createdAt: r.createdAt.toISOString(),
});

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

export function createEditorService(deps: EditorServiceDeps): EditorService {
  const { db } = deps;

  const record = (tx: Tx | Db, actor: EditorActor, action: string, entity: string, summary: string, version: string | null = null) =>
    tx.insert(kbAuditLog).values({ actorId: actor.id, actorName: actor.name, action, entity, summary: summary.slice(0, 2000), version });

  async function activeOrFail(tx: Tx | Db) {
    const active = await loadActiveSnapshot(tx);
    if (!active) throw new EditorError('unavailable', 'no knowledge-base version is active yet (run npm run kb:import)');
    return active;
  }

  /** The draft row locked for this transaction, created from the active version if there is none. */
  async function lockDraft(tx: Tx) {
    let [row] = await tx.select().from(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).for('update');
    if (!row) {
      const active = await activeOrFail(tx);
      await tx.insert(kbDrafts).values({ id: DRAFT_ID, baseVersion: active.version, content: active.snapshot }).onConflictDoNothing();
      [row] = await tx.select().from(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).for('update');
    }
    return row;
  }

  /** After a version became active: this instance swaps now, the others on the announcement. */
  async function takeEffect(version: string): Promise<void> {
    await deps.reloader.reloadNow();
    await deps.reloader.announce(version).catch((err: Error) => deps.log.warn({ err: err.message }, 'knowledge-base announcement failed'));
  }

  async function workingCopy(): Promise<WorkingCopy> {
    const [row] = await db.select().from(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID));
    const active = await activeOrFail(db);
    if (row) return { snapshot: row.content as KnowledgeSnapshot, draft: draftView(row), activeVersion: active.version };
    return { snapshot: active.snapshot, draft: null, activeVersion: active.version };
  }

  const rejectOnErrors = (problems: Problem[]) => {
    if (!hasErrors(problems)) return;
    const errors = problems.filter((p) => p.level === 'error');
    throw new EditorError('rejected', `${errors.length} problem(s) must be fixed before publishing`, errors);
  };

  async function markRows(tx: Tx, ids: number[], actor: EditorActor, status: string, topic: string | null) {
    const rows = await tx
      .update(unansweredQuestions)
      .set({ status, resolvedAt: new Date(), resolvedBy: actor.id, ...(topic ? { topic } : {}) })
      .where(and(inArray(unansweredQuestions.id, ids), eq(unansweredQuestions.status, 'open')))
      .returning({ id: unansweredQuestions.id, text: unansweredQuestions.text, locale: unansweredQuestions.locale });
    if (rows.length === 0) throw new EditorError('not-found', 'these questions are no longer in the inbox');
    return rows;
  }

  const cleanIds = (ids: unknown): number[] => {
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500 || !ids.every((i) => Number.isSafeInteger(i) && i > 0)) throw new EditorError('invalid', 'ids: expected a list of inbox ids');
    return ids as number[];
  };

  async function audit(opts: { limit?: number; entity?: string } = {}): Promise<AuditEntry[]> {
    const rows = await db
      .select()
      .from(kbAuditLog)
      .where(opts.entity ? like(kbAuditLog.entity, `${opts.entity.replace(/[%_\\]/g, '\\$&')}%`) : undefined)
      .orderBy(desc(kbAuditLog.id))
      .limit(Math.min(opts.limit ?? 100, 1000));
    return rows.map(auditView);
  }

  return {
    workingCopy,

    async change(actor, action, entity, edit) {
      return db.transaction(async (tx) => {
        const row = await lockDraft(tx);
        const draft = structuredClone(row.content as KnowledgeSnapshot);
        const summary = edit(draft);
        await tx.update(kbDrafts).set({ content: draft, updatedBy: actor.name, updatedAt: new Date() }).where(eq(kbDrafts.id, DRAFT_ID));
        await record(tx, actor, action, entity, summary);
        return { summary };
      });
    },

    async discardDraft(actor) {
      await db.transaction(async (tx) => {
        const deleted = await tx.delete(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).returning({ id: kbDrafts.id });
        if (deleted.length) await record(tx, actor, 'draft.discard', 'draft', 'pending changes discarded');
      });
    },

    async check() {
      return validateSnapshot((await workingCopy()).snapshot, { today: deps.today() });
    },

    async publish(actor) {
      const result = await db.transaction(async (tx) => {
        const [row] = await tx.select().from(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).for('update');
        if (!row) throw new EditorError('conflict', 'there are no pending changes to publish');
        const snapshot = row.content as KnowledgeSnapshot;
        const problems = validateSnapshot(snapshot, { today: deps.today() });
        rejectOnErrors(problems);
        const imported = await importSnapshot(tx, snapshot, { source: 'editor', createdBy: actor.name });
        await tx.delete(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID));
        await record(tx, actor, 'publish', `version:${imported.version}`, imported.created ? `published version ${imported.version}` : `no change: version ${imported.version} has the same content`, imported.version);
        return { version: imported.version, created: imported.created, warnings: problems.filter((p) => p.level === 'warning') };
      });
      await takeEffect(result.version);
      return result;
    },

    async restore(actor, version) {
      if (typeof version !== 'string' || !version) throw new EditorError('invalid', 'version?');
      await db.transaction(async (tx) => {
        try {
          await activateVersion(tx, version);
        } catch (err) {
          if (err instanceof KbVersionNotFoundError) throw new EditorError('not-found', err.message);
          throw err;
        }
        const dropped = await tx.delete(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).returning({ id: kbDrafts.id });
        await record(tx, actor, 'restore', `version:${version}`, `restored version ${version}${dropped.length ? ' (pending changes discarded)' : ''}`, version);
      });
      await takeEffect(version);
    },

    versions: () => listVersions(db, 200),

    async overview() {
      const copy = await workingCopy();
      const today = deps.today();
      const soon = addDays(today, REVIEW_SOON_DAYS);
      const active = copy.draft ? await loadSnapshotVersion(db, copy.activeVersion ?? '') : null;
      const activeTopics = new Map((active?.snapshot.topics ?? []).map((t) => [t.slug, stableStringify(t)]));
      const edits = await db
        .select({ entity: kbAuditLog.entity, actorName: kbAuditLog.actorName, createdAt: kbAuditLog.createdAt })
        .from(kbAuditLog)
        .where(like(kbAuditLog.entity, 'topic:%'))
        .orderBy(desc(kbAuditLog.id))
        .limit(5000);
      const lastEdit = new Map<string, { actorName: string; at: string }>();
      for (const e of edits) {
        const slug = e.entity.slice('topic:'.length).split('/')[0];
        if (!lastEdit.has(slug)) lastEdit.set(slug, { actorName: e.actorName, at: e.createdAt.toISOString() });
      }
      const topics = copy.snapshot.topics.map((t): TopicOverview => {
        const reviewBy = String(t.review_by ?? '');
        return {
          slug: t.slug,
          title: t.content?.en?.title || t.content?.de?.title || Object.values(t.content ?? {})[0]?.title || t.slug,
          category: t.category,
          mode: t.mode,
          reviewBy,
          review: reviewBy && reviewBy < today ? 'due' : reviewBy && reviewBy <= soon ? 'soon' : 'ok',
          translations: translationStatus(t),
          lastEditor: lastEdit.get(t.slug)?.actorName ?? null,
          lastEditedAt: lastEdit.get(t.slug)?.at ?? null,
          changedInDraft: copy.draft ? activeTopics.get(t.slug) !== stableStringify(t) : false,
        };
      });
      const pending = copy.draft
        ? (
            await db
              .select()
              .from(kbAuditLog)
              .where(gte(kbAuditLog.createdAt, new Date(copy.draft.createdAt)))
              .orderBy(asc(kbAuditLog.id))
              .limit(500)
          )
            .filter((r) => !['publish', 'restore', 'draft.discard', 'inbox.dismiss'].includes(r.action))
            .map(auditView)
        : [];
      return { topics, draft: copy.draft, activeVersion: copy.activeVersion, pending };
    },

    audit,

    async inbox() {
      const rows = await db
        .select({ id: unansweredQuestions.id, text: unansweredQuestions.text, locale: unansweredQuestions.locale, reason: unansweredQuestions.reason, topic: unansweredQuestions.topic, createdAt: unansweredQuestions.createdAt })
        .from(unansweredQuestions)
        .where(and(eq(unansweredQuestions.status, 'open'), sql`${unansweredQuestions.text} <> ''`))
        .orderBy(desc(unansweredQuestions.id))
        .limit(2000);
      return groupUnanswered(rows, deps.kb);
    },

    async attachToTopic(actor, rawIds, slug, locale, text) {
      const ids = cleanIds(rawIds);
      if (locale !== undefined && !(LOCALES as readonly string[]).includes(locale)) throw new EditorError('invalid', 'unknown language');
      const result = await db.transaction(async (tx) => {
        const rows = await markRows(tx, ids, actor, 'attached', slug);
        const active = await activeOrFail(tx);
        const next = structuredClone(active.snapshot);
        const summaries: string[] = [];
        const added: Array<{ lang: Locale; text: string }> = [];
        const wordings = text?.trim() ? [{ text: text.trim(), locale: rows[0].locale }] : rows;
        for (const w of wordings) {
          const lang = locale ?? deps.kb.classify(w.text, (w.locale as Locale | null) ?? undefined).lang;
          summaries.push(addQuestionVariant(next, slug, lang, w.text));
          added.push({ lang, text: w.text });
        }
        const problems = validateSnapshot(next, { today: deps.today() });
        rejectOnErrors(problems);
        const imported = await importSnapshot(tx, next, { source: 'editor', createdBy: actor.name });
        // The draft (if any) gets the variants too, so publishing it later keeps them.
        const [draftRow] = await tx.select().from(kbDrafts).where(eq(kbDrafts.id, DRAFT_ID)).for('update');
        if (draftRow) {
          const draft = structuredClone(draftRow.content as KnowledgeSnapshot);
          for (const a of added) {
            try {
              addQuestionVariant(draft, slug, a.lang, a.text);
            } catch {
              /* the draft changed the topic in a way that refuses it; the published version has it */
            }
          }
          await tx.update(kbDrafts).set({ content: draft }).where(eq(kbDrafts.id, DRAFT_ID));
        }
        for (const s of summaries) await record(tx, actor, 'inbox.attach', `topic:${slug}/${s.split(' ')[1]?.replace(':', '') ?? ''}`, s, imported.version);
        return { version: imported.version, created: imported.created, warnings: problems.filter((p) => p.level === 'warning') };
      });
      await takeEffect(result.version);
      return result;
    },

    async startTopic(actor, rawIds, input) {
      const ids = cleanIds(rawIds);
      return db.transaction(async (tx) => {
        const rows = await markRows(tx, ids, actor, 'new-topic', typeof input.slug === 'string' ? input.slug : null);
        const first = rows[0];
        const lang = deps.kb.classify(first.text, (first.locale as Locale | null) ?? undefined).lang;
        const row = await lockDraft(tx);
        const draft = structuredClone(row.content as KnowledgeSnapshot);
        const summary = createTopicSkeleton(draft, { ...input, locale: lang, question: first.text }, deps.today());
        await tx.update(kbDrafts).set({ content: draft, updatedBy: actor.name, updatedAt: new Date() }).where(eq(kbDrafts.id, DRAFT_ID));
        await record(tx, actor, 'inbox.new-topic', `topic:${String(input.slug)}/${lang}`, summary);
        return { summary };
      });
    },

    async dismiss(actor, rawIds) {
      const ids = cleanIds(rawIds);
      return db.transaction(async (tx) => {
        const rows = await markRows(tx, ids, actor, 'dismissed', null);
        await record(tx, actor, 'inbox.dismiss', 'inbox', `${rows.length} question(s) dismissed`);
        return rows.length;
      });
    },
  };
}
