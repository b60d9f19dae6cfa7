/**
 * Real PostgreSQL + Redis, knowledge base from PostgreSQL (KB_SOURCE=db): an editor changes a
 * topic in the console → it stays a draft → publishing makes the engine answer with the new
 * text, in this instance and in a second one (reload over Redis, no restart); an old version
 * can be restored; a German change marks the translations outdated; unanswered questions are
 * masked, grouped and attached (retrieval improves at once); the published state exported to
 * files and read back is identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createStaffUser } from '../../services/console/users';
import { inbox, unansweredQuestions } from '../../services/db/schema';
import { writeSnapshotToFiles } from '../../services/knowledge/export-files';
import { loadSnapshotFromFiles } from '../../services/knowledge/load-files';
import { importSnapshot, loadActiveSnapshot, snapshotHash } from '../../services/knowledge/store';
import { loginConsole, type ConsoleClient } from '../helpers/console-client';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { openSse } from '../helpers/sse';
import { transcriptOf } from '../helpers/transcript';

jest.setTimeout(30_000);
const PASSWORD = 'editor integration passphrase';
const MARK_RU = 'Проверено редакцией в консоли.';
let t: TestService;
let second: TestService;
let editor: ConsoleClient;
let counsellor: ConsoleClient;
let initialVersion: string;

beforeAll(async () => {
  t = await startTestService('editor', { env: { KB_SOURCE: 'db', HANDOFF_STAFF_NOTIFIER: 'none' } });
  // A second instance (a worker process) on the same database and Redis.
  second = await startTestService('editor2', { role: 'worker', env: { KB_SOURCE: 'db', HANDOFF_STAFF_NOTIFIER: 'none' }, testDb: t.testDb, prefix: t.config.REDIS_PREFIX });
  await createStaffUser(t.service.db, { email: 'erika@example.org', name: 'Erika', role: 'editor', languages: ['de', 'ru'], password: PASSWORD });
  await createStaffUser(t.service.db, { email: 'carl@example.org', name: 'Carl', role: 'counsellor', languages: ['en'], password: PASSWORD });
  editor = await loginConsole(t.baseUrl, 'erika@example.org', PASSWORD);
  counsellor = await loginConsole(t.baseUrl, 'carl@example.org', PASSWORD);
  initialVersion = (await loadActiveSnapshot(t.service.db))!.version;
}, 60_000);
afterAll(async () => {
  await second?.close();
  await t?.close();
});

// --- helpers -------------------------------------------------------------------------------

let seq = 0;
async function chat(sessionId: string, body: Record<string, unknown>, locale = 'ru') {
  const res = await fetch(`${t.baseUrl}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, clientMessageId: `e${++seq}-${randomBytes(3).toString('hex')}`, locale, ...body }),
  });
  expect(res.status).toBe(202);
}

/** A new web-chat person who accepts the privacy notice, asks `question` and gets the bot's first reply to it. */
async function ask(question: string, locale = 'ru'): Promise<{ text: string; sessionId: string }> {
  const sessionId = randomBytes(12).toString('hex');
  const sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
  try {
    await chat(sessionId, { command: 'start' }, locale);
    await sse.waitFor((e) => e.from === 'bot' && e.choices.some((c: { value: string }) => c.value === 'consent:yes'));
    await chat(sessionId, { choice: 'consent:yes' }, locale);
    await waitFor(async () => (await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, sessionId))).every((r) => r.processedAt !== null));
    // Replies reach the page after their turn is committed (through the outbound queue): wait
    // until every reply stored so far has arrived, so none of them is taken for the answer.
    await waitFor(async () => {
      const stored = await transcriptOf(t.service.db, sessionId, 'out');
      return stored.length > 0 && sse.events.filter((e) => (e.data as { from: string }).from === 'bot').length >= stored.length;
    });
    const before = sse.events.length;
    await chat(sessionId, { text: question }, locale);
    const reply = await waitFor(async () => sse.events.slice(before).find((e) => (e.data as { from: string }).from === 'bot')?.data as { text: string } | undefined, 15_000);
    return { text: reply.text, sessionId };
  } finally {
    sse.close();
  }
}

async function topic(slug: string) {
  const res = await editor.get(`/editor/topics/${slug}`);
  expect(res.status).toBe(200);
  return res.body;
}

// --- tests ---------------------------------------------------------------------------------

it('only editors and admins reach the editor API', async () => {
  expect((await counsellor.get('/editor/overview')).status).toBe(403);
  const anonymous = await fetch(`${t.baseUrl}/console/api/editor/overview`);
  expect(anonymous.status).toBe(401);
  const me = await editor.get('/me');
  expect(me.body).toMatchObject({ user: { role: 'editor' }, editing: true });
});

it('edit → draft (not live) → publish → this and every other instance answer with the new text; the audit log says who', async () => {
  const { topic: blue } = await topic('eu-blue-card');
  const ru = blue.content.ru;
  const saved = await editor.post('/editor/topics/eu-blue-card/language', { locale: 'ru', title: ru.title, answer: ru.answer.replace(/\s*$/, '') + `\n\n${MARK_RU}`, more: ru.more, questions: ru.questions });
  expect(saved.status).toBe(200);
  expect(saved.body.summary).toBe('eu-blue-card ru: answer');

  // A draft: the bot still answers from the published version.
  expect((await ask('Какая зарплата нужна для голубой карты ЕС?')).text).not.toContain(MARK_RU);
  const overview = await editor.get('/editor/overview');
  expect(overview.body.draft).toMatchObject({ updatedBy: 'Erika', baseVersion: initialVersion });
  expect(overview.body.topics.find((x: { slug: string }) => x.slug === 'eu-blue-card')).toMatchObject({ changedInDraft: true, lastEditor: 'Erika' });

  const published = await editor.post('/editor/publish');
  expect(published.status).toBe(200);
  expect(published.body.created).toBe(true);
  expect(t.service.kb.version).toBe(published.body.version);
  expect((await ask('Какая зарплата нужна для голубой карты ЕС?')).text).toContain(MARK_RU);
  // The other instance reloaded over Redis within seconds.
  await waitFor(async () => second.service.kb.version === published.body.version, 10_000);
  expect(second.service.kb.answer('eu-blue-card', 'ru', { region: null, today: '2026-11-27' })!.text).toContain(MARK_RU);

  const audit = await editor.get('/editor/audit?limit=10');
  expect(audit.body.entries.slice(0, 2).map((e: { action: string; actorName: string; entity: string }) => [e.action, e.actorName, e.entity])).toEqual([
    ['publish', 'Erika', `version:${published.body.version}`],
    ['topic.update', 'Erika', 'topic:eu-blue-card/ru'],
  ]);
  expect((await editor.get('/editor/overview')).body.draft).toBeNull();
});

it('refuses to publish a draft with validation errors, naming file and field', async () => {
  const { topic: blue } = await topic('eu-blue-card');
  const de = blue.content.de;
  await editor.post('/editor/topics/eu-blue-card/language', { locale: 'de', title: de.title, answer: 'Zu kurz: 50.700 € im Jahr.', questions: de.questions });
  const res = await editor.post('/editor/publish');
  expect(res.status).toBe(422);
  expect(res.body.problems).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ file: 'topics/eu-blue-card.yaml', field: 'content.de.answer', message: expect.stringMatching(/at least 200/) }),
      expect.objectContaining({ field: 'content.de.answer', message: expect.stringMatching(/typed money figure/) }),
    ]),
  );
  expect((await editor.post('/editor/discard')).status).toBe(200);
  expect((await editor.get('/editor/overview')).body.draft).toBeNull();
});

it('a German change marks the Russian, Vietnamese and Spanish translations outdated until they are updated', async () => {
  const before = await topic('minimum-wage');
  expect(before.translations).toEqual({ ru: 'up-to-date', vi: 'up-to-date', es: 'up-to-date', de: 'source', en: 'source' });
  const de = before.topic.content.de;
  await editor.post('/editor/topics/minimum-wage/language', { locale: 'de', title: de.title, answer: de.answer + '\nDer Mindestlohn gilt auch für Minijobs.', more: de.more, questions: de.questions });
  const after = await topic('minimum-wage');
  expect(after.translations).toEqual({ ru: 'outdated', vi: 'outdated', es: 'outdated', de: 'source', en: 'source' });
  const ru = after.topic.content.ru;
  await editor.post('/editor/topics/minimum-wage/language', { locale: 'ru', title: ru.title, answer: ru.answer + '\nМинимальная зарплата действует и для мини-джобов.', more: ru.more, questions: ru.questions });
  const overview = await editor.get('/editor/overview');
  expect(overview.body.topics.find((x: { slug: string }) => x.slug === 'minimum-wage').translations).toMatchObject({ ru: 'up-to-date', vi: 'outdated', es: 'outdated' });
  // The status survives publishing (it is part of the versioned content).
  expect((await editor.post('/editor/publish')).status).toBe(200);
  expect((await topic('minimum-wage')).translations).toMatchObject({ ru: 'up-to-date', vi: 'outdated' });
});

it('restores an earlier version: the engine answers from it again, history is kept', async () => {
  const versions = (await editor.get('/editor/versions')).body.versions as { version: string; isActive: boolean; createdBy: string | null; source: string }[];
  expect(versions.length).toBeGreaterThanOrEqual(3);
  expect(versions[0]).toMatchObject({ isActive: true, createdBy: 'Erika', source: 'editor' });
  const res = await editor.post(`/editor/versions/${initialVersion}/restore`);
  expect(res.status).toBe(200);
  expect(t.service.kb.version).toBe(initialVersion);
  expect((await ask('Какая зарплата нужна для голубой карты ЕС?')).text).not.toContain(MARK_RU);
  await waitFor(async () => second.service.kb.version === initialVersion, 10_000);
  const after = (await editor.get('/editor/versions')).body.versions as { version: string; isActive: boolean }[];
  expect(after).toHaveLength(versions.length);
  expect(after.find((v) => v.isActive)!.version).toBe(initialVersion);
  expect((await editor.get('/editor/audit?limit=1')).body.entries[0]).toMatchObject({ action: 'restore', actorName: 'Erika', version: initialVersion });
  expect((await editor.post('/editor/versions/nope/restore')).status).toBe(404);
});

it('unanswered questions are stored masked, grouped across languages, attached (retrieval improves at once) or dismissed', async () => {
  const question = 'мой кот поедет со мной?';
  const withPersonalData = `${question} +49 170 1234567 ivan.petrov@mail.ru C01X00T47`;
  const asked = await ask(withPersonalData);
  expect(asked.text).not.toContain('ivan.petrov'); // the bot abstained …
  const rows = await waitFor(async () => {
    const r = await t.service.db.select().from(unansweredQuestions).where(eq(unansweredQuestions.status, 'open'));
    return r.length > 0 ? r : null;
  });
  // … and the inbox keeps only the masked text.
  expect(rows.map((r) => r.text)).toContain(`${question} [phone] [email] [id]`);
  expect(JSON.stringify(rows)).not.toMatch(/1234567|ivan\.petrov|C01X00T47/);
  await ask('cho meo', 'vi');

  const inboxRes = await editor.get('/editor/inbox');
  expect(inboxRes.status).toBe(200);
  const groups = inboxRes.body.groups as { key: string; count: number; items: { id: number; text: string; language: string }[] }[];
  const cat = groups.find((g) => g.items.some((i) => i.text.startsWith(question)))!;
  expect(cat.items.find((i) => i.text.startsWith(question))!.language).toBe('ru');
  expect(t.service.kb.classify(question, 'ru').topic).toBeNull();

  const ids = cat.items.filter((i) => i.text.startsWith(question)).map((i) => i.id);
  // The editor attaches the question without the masked placeholders.
  const attached = await editor.post('/editor/inbox/attach', { ids, slug: 'climate-and-everyday-life', locale: 'ru', text: question });
  expect(attached.status).toBe(200);
  expect(t.service.kb.version).toBe(attached.body.version);
  expect(t.service.kb.classify(question, 'ru').topic).toBe('climate-and-everyday-life');
  expect(t.service.kb.classify('мой кот поедет со мной', 'ru').topic).toBe('climate-and-everyday-life');
  const live = (await loadActiveSnapshot(t.service.db))!.snapshot.topics.find((x) => x.slug === 'climate-and-everyday-life')!;
  expect(live.content.ru!.questions).toContain(question);
  await waitFor(async () => second.service.kb.version === attached.body.version, 10_000);
  const [row] = await t.service.db.select().from(unansweredQuestions).where(eq(unansweredQuestions.id, ids[0]));
  expect(row).toMatchObject({ status: 'attached', topic: 'climate-and-everyday-life' });

  const rest = ((await editor.get('/editor/inbox')).body.groups as typeof groups).flatMap((g) => g.items.map((i) => i.id));
  expect(rest).not.toContain(ids[0]);
  expect((await editor.post('/editor/inbox/dismiss', { ids: rest })).body.dismissed).toBe(rest.length);
  expect((await editor.get('/editor/inbox')).body.groups).toEqual([]);
  expect((await editor.post('/editor/inbox/dismiss', { ids: rest })).status).toBe(404);
});

it('exports the published state to files; reading them back gives the identical content (same version on import)', async () => {
  const active = (await loadActiveSnapshot(t.service.db))!;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kb-export-int-'));
  try {
    writeSnapshotToFiles(active.snapshot, dir);
    const back = loadSnapshotFromFiles(dir);
    expect(back).toEqual(active.snapshot);
    expect(snapshotHash(back)).toBe(active.contentHash);
    expect(await importSnapshot(t.service.db, back, { source: 'import' })).toEqual({ version: active.version, contentHash: active.contentHash, created: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
