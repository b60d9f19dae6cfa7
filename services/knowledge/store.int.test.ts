import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../../test/helpers/db';
import { kbVersions } from '../db/schema';
import { createKnowledgeBase } from './knowledge-base';
import { loadSnapshotFromFiles } from './load-files';
import { activateVersion, importSnapshot, listVersions, loadActiveSnapshot, loadSnapshotVersion, snapshotHash, KbVersionNotFoundError } from './store';

const snapshot = loadSnapshotFromFiles(path.resolve(__dirname, '../../test/fixtures/kb-valid'));

describe('knowledge-base versions in PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb('kb_store');
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.db.delete(kbVersions);
  });

  it('has nothing active before the first import', async () => {
    expect(await loadActiveSnapshot(t.db)).toBeNull();
  });

  it('imports a snapshot as the active version and loads it back unchanged', async () => {
    const r = await importSnapshot(t.db, snapshot, { source: 'import', createdBy: 'ci', now: new Date('2026-11-27T10:15:00Z') });
    expect(r.created).toBe(true);
    expect(r.version).toMatch(/^20261127-101500-[0-9a-f]{8}$/);
    const active = await loadActiveSnapshot(t.db);
    expect(active).toMatchObject({ version: r.version, source: 'import', createdBy: 'ci', isActive: true, contentHash: snapshotHash(snapshot) });
    expect(active!.snapshot).toEqual(snapshot);
    expect(snapshotHash(active!.snapshot)).toBe(r.contentHash);
    // the loaded snapshot serves the port
    const kb = createKnowledgeBase(active!.snapshot, { version: active!.version });
    expect(kb.answer('blue-card', 'en', { region: null, today: '2026-11-27' })?.text).toContain('€50,700');
  });

  it('does not create a new version when the content equals the active one', async () => {
    const a = await importSnapshot(t.db, snapshot, { source: 'import' });
    const b = await importSnapshot(t.db, structuredClone(snapshot), { source: 'import' });
    expect(b).toEqual({ version: a.version, contentHash: a.contentHash, created: false });
    expect(await listVersions(t.db)).toHaveLength(1);
  });

  it('activates a changed snapshot and keeps exactly one active version, with history', async () => {
    const a = await importSnapshot(t.db, snapshot, { source: 'import', now: new Date('2026-11-27T10:00:00Z') });
    const changed = structuredClone(snapshot);
    changed.topics[0].content.en!.title = 'EU Blue Card (updated)';
    const b = await importSnapshot(t.db, changed, { source: 'editor', createdBy: 'editor@example.org', now: new Date('2026-11-27T11:00:00Z') });
    expect(b.created).toBe(true);
    expect(b.version).not.toBe(a.version);
    const versions = await listVersions(t.db);
    expect(versions.map((v) => [v.version, v.isActive, v.source])).toEqual([
      [b.version, true, 'editor'],
      [a.version, false, 'import'],
    ]);
    expect((await loadActiveSnapshot(t.db))!.snapshot.topics[0].content.en!.title).toBe('EU Blue Card (updated)');
    const [{ n }] = (await t.db.execute(sql`select count(*)::int as n from kb_versions where is_active`)).rows as { n: number }[];
    expect(n).toBe(1);
  });

  it('rolls back to an earlier version', async () => {
    const a = await importSnapshot(t.db, snapshot, { source: 'import', now: new Date('2026-11-27T10:00:00Z') });
    const changed = structuredClone(snapshot);
    changed.topics[0].review_by = '2099-12-31';
    await importSnapshot(t.db, changed, { source: 'import', now: new Date('2026-11-27T11:00:00Z') });
    await activateVersion(t.db, a.version);
    expect((await loadActiveSnapshot(t.db))!.version).toBe(a.version);
    expect((await loadSnapshotVersion(t.db, a.version))!.snapshot).toEqual(snapshot);
    await expect(activateVersion(t.db, 'nope')).rejects.toBeInstanceOf(KbVersionNotFoundError);
  });

  it('serialises concurrent imports: one version per distinct content, one active', async () => {
    const variants = [0, 1, 2].map((i) => {
      const s = structuredClone(snapshot);
      s.topics[0].content.de!.title = `Blaue Karte ${i}`;
      return s;
    });
    const results = await Promise.all(variants.map((s) => importSnapshot(t.db, s, { source: 'import' })));
    expect(new Set(results.map((r) => r.version)).size).toBe(3);
    const versions = await listVersions(t.db);
    expect(versions.filter((v) => v.isActive)).toHaveLength(1);
  });
});
