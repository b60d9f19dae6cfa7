/**
 * The editors' part of the console API (role editor or admin), under /console/api/editor.
 * Logic lives in services/editor; this file authenticates and translates HTTP.
 *
 *   GET  /editor/overview                    topics with translation status, review dates, last editor; the draft and its pending changes
 *   GET  /editor/topics/:slug                a topic of the working copy (draft, else active) with its translation status
 *   POST /editor/topics/:slug/language       {locale, title, answer, more?, regional?, questions[]}   → draft
 *   POST /editor/topics/:slug/meta           {sources?, reviewed_on?, review_by?}                        → draft
 *   POST /editor/preview                     {slug, locale, region?, title, answer, more?, regional?} → {telegram, whatsapp}
 *   GET  /editor/facts                       facts with the value valid today
 *   POST /editor/facts/:key                  {value, valid_from, source?, source_date?}                  → draft
 *   GET  /editor/institutions
 *   POST /editor/institutions/:id            {name, region, city?, url?, source?, helps_with{}}           → draft
 *   GET  /editor/check                       problems of the working copy (kb:validate)
 *   POST /editor/publish | /editor/discard
 *   GET  /editor/versions | POST /editor/versions/:version/restore
 *   GET  /editor/audit?entity=topic:eu-blue-card
 *   GET  /editor/inbox                       unanswered questions, grouped
 *   POST /editor/inbox/attach {ids, slug, locale?} | /editor/inbox/new-topic {ids, slug, category, title?} | /editor/inbox/dismiss {ids}
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isLocale, type Locale } from '../../bots/engine/types';
import type { EditorActor, EditorService } from '../editor/editor-service';
import { editFact, editTopicLanguage, editTopicMeta, findTopic, upsertInstitution } from '../editor/draft-edits';
import { EDITOR_ERROR_STATUS, EditorError } from '../editor/errors';
import { previewTopic } from '../editor/preview';
import { factValueOn, formatFactValue } from '../knowledge/facts';
import type { TopicLanguageContent } from '../knowledge/snapshot';
import { translationStatus } from '../knowledge/translation-status';
import type { ActiveSession } from './sessions';
import type { StaffRole } from './users';

export const EDITOR_ROLES: StaffRole[] = ['editor', 'admin'];

export interface EditorRouteDeps {
  editor: EditorService;
  today: () => string;
  authenticate: (req: FastifyRequest, reply: FastifyReply, roles: StaffRole[]) => Promise<ActiveSession | null>;
}

type Body = Record<string, unknown> | undefined;

export async function registerEditorRoutes(scope: FastifyInstance, deps: EditorRouteDeps): Promise<void> {
  const { editor } = deps;
  const actorOf = (s: ActiveSession): EditorActor => ({ id: s.user.id, name: s.user.name });

  /** Runs a handler for an editor: EditorError → 4xx with its message (and problems). */
  const handle =
    <R extends { Params?: unknown; Body?: unknown; Querystring?: unknown }>(run: (actor: EditorActor, req: FastifyRequest<R>) => Promise<unknown>) =>
    async (req: FastifyRequest<R>, reply: FastifyReply) => {
      const session = await deps.authenticate(req, reply, EDITOR_ROLES);
      if (!session) return reply;
      try {
        return await run(actorOf(session), req);
      } catch (err) {
        if (err instanceof EditorError) return reply.code(EDITOR_ERROR_STATUS[err.code]).send({ error: err.code, message: err.message, problems: err.problems });
        throw err;
      }
    };

  const localeOf = (v: unknown): Locale => {
    if (!isLocale(v)) throw new EditorError('invalid', 'unknown language');
    return v;
  };

  scope.get('/api/editor/overview', handle(() => editor.overview()));

  scope.get<{ Params: { slug: string } }>(
    '/api/editor/topics/:slug',
    handle(async (_a, req) => {
      const copy = await editor.workingCopy();
      const topic = findTopic(copy.snapshot, req.params.slug);
      return {
        topic,
        translations: translationStatus(topic),
        categories: copy.snapshot.categories.map((c) => ({ id: c.id, title: c.titles.en ?? c.id })),
        regions: copy.snapshot.regions.map((r) => ({ id: r.id, name: r.names.en ?? r.id })),
        history: await editor.audit({ entity: `topic:${topic.slug}`, limit: 20 }),
      };
    }),
  );

  scope.post<{ Params: { slug: string }; Body: Body }>(
    '/api/editor/topics/:slug/language',
    handle((actor, req) => {
      const locale = localeOf(req.body?.locale);
      return editor.change(actor, 'topic.update', `topic:${req.params.slug}/${locale}`, (d) => editTopicLanguage(d, req.params.slug, locale, req.body ?? {}));
    }),
  );

  scope.post<{ Params: { slug: string }; Body: Body }>(
    '/api/editor/topics/:slug/meta',
    handle((actor, req) => editor.change(actor, 'topic.update', `topic:${req.params.slug}`, (d) => editTopicMeta(d, req.params.slug, req.body ?? {}))),
  );

  scope.post<{ Body: Body }>(
    '/api/editor/preview',
    handle(async (_a, req) => {
      const body = req.body ?? {};
      const locale = localeOf(body.locale);
      const copy = await editor.workingCopy();
      const topic = structuredClone(findTopic(copy.snapshot, String(body.slug ?? '')));
      const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 20_000) : undefined);
      const current: Partial<TopicLanguageContent> = topic.content[locale] ?? {};
      topic.content[locale] = {
        ...current,
        title: text(body.title) ?? current.title ?? '',
        answer: text(body.answer) ?? current.answer ?? '',
        ...(text(body.more) !== undefined ? { more: text(body.more) || undefined } : {}),
        ...(body.regional && typeof body.regional === 'object' ? { regional: body.regional as Record<string, string> } : {}),
        questions: current.questions ?? [],
      };
      const region = typeof body.region === 'string' && body.region ? body.region : null;
      return previewTopic(copy.snapshot, topic, locale, { region, today: deps.today() });
    }),
  );

  scope.get(
    '/api/editor/facts',
    handle(async () => {
      const { snapshot } = await editor.workingCopy();
      const today = deps.today();
      return {
        today,
        facts: Object.entries(snapshot.facts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, def]) => {
            const current = factValueOn(def, today);
            return {
              key,
              description: def.description ?? '',
              format: def.format,
              unit: def.unit ?? null,
              file: snapshot.files?.facts?.[key] ?? null,
              values: def.values,
              current: current ? { ...current, shown: { de: formatFactValue(def, current.value, 'de'), ru: formatFactValue(def, current.value, 'ru'), vi: formatFactValue(def, current.value, 'vi') } } : null,
              usedBy: snapshot.topics.filter((t) => JSON.stringify(t.content ?? {}).includes(`fact:${key}}}`)).map((t) => t.slug),
            };
          }),
      };
    }),
  );

  scope.post<{ Params: { key: string }; Body: Body }>(
    '/api/editor/facts/:key',
    handle((actor, req) => editor.change(actor, 'fact.update', `fact:${req.params.key}`, (d) => editFact(d, req.params.key, req.body ?? {}))),
  );

  scope.get(
    '/api/editor/institutions',
    handle(async () => {
      const { snapshot } = await editor.workingCopy();
      return { institutions: snapshot.institutions, regions: ['nationwide', ...snapshot.regions.map((r) => r.id)] };
    }),
  );

  scope.post<{ Params: { id: string }; Body: Body }>(
    '/api/editor/institutions/:id',
    handle((actor, req) => editor.change(actor, 'institution.update', `institution:${req.params.id}`, (d) => upsertInstitution(d, req.params.id, req.body ?? {}))),
  );

  scope.get(
    '/api/editor/check',
    handle(async () => {
      const problems = await editor.check();
      return { problems, errors: problems.filter((p) => p.level === 'error').length };
    }),
  );

  scope.post('/api/editor/publish', handle((actor) => editor.publish(actor)));
  scope.post('/api/editor/discard', handle(async (actor) => (await editor.discardDraft(actor), { ok: true })));

  scope.get(
    '/api/editor/versions',
    handle(async () => ({ versions: (await editor.versions()).map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })) })),
  );
  scope.post<{ Params: { version: string } }>(
    '/api/editor/versions/:version/restore',
    handle(async (actor, req) => (await editor.restore(actor, req.params.version), { ok: true, version: req.params.version })),
  );

  scope.get<{ Querystring: { entity?: string; limit?: string } }>(
    '/api/editor/audit',
    handle(async (_a, req) => ({ entries: await editor.audit({ entity: req.query.entity, limit: Number(req.query.limit) || 100 }) })),
  );

  scope.get('/api/editor/inbox', handle(async () => ({ groups: await editor.inbox() })));
  scope.post<{ Body: Body }>(
    '/api/editor/inbox/attach',
    handle((actor, req) =>
      editor.attachToTopic(
        actor,
        req.body?.ids as number[],
        String(req.body?.slug ?? ''),
        req.body?.locale === undefined || req.body?.locale === '' ? undefined : localeOf(req.body.locale),
        typeof req.body?.text === 'string' ? req.body.text.slice(0, 500) : undefined,
      ),
    ),
  );
  scope.post<{ Body: Body }>(
    '/api/editor/inbox/new-topic',
    handle((actor, req) => editor.startTopic(actor, req.body?.ids as number[], { slug: req.body?.slug, category: req.body?.category, title: req.body?.title })),
  );
  scope.post<{ Body: Body }>('/api/editor/inbox/dismiss', handle(async (actor, req) => ({ dismissed: await editor.dismiss(actor, req.body?.ids as number[]) })));
}
