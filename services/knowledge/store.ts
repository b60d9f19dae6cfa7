/**
 * Versions of the knowledge base in PostgreSQL (`kb_versions`): `kb:import` stores the
 * snapshot read from the files, the console's editors store theirs, and exactly one version
 * is active — the one the service answers from. Old versions stay for history and rollback.
 *
 * The database is passed in (a drizzle `NodePgDatabase`); nothing here constructs a Pool.
 */
import { createHash } from 'node:crypto';
import { desc, eq, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { kbVersions } from '../db/schema';
import type { KnowledgeSnapshot } from './snapshot';

type AnyDb = NodePgDatabase<any>;

/** Where a version came from. */
export type KbVersionSource = 'import' | 'editor';

export interface KbVersionInfo {
  version: string;
  contentHash: string;
  source: string;
  createdAt: Date;
  createdBy: string | null;
  isActive: boolean;
}

export interface StoredSnapshot extends KbVersionInfo {
  snapshot: KnowledgeSnapshot;
}

export interface ImportResult {
  version: string;
  contentHash: string;
  /** False when the active version already had this content (nothing was written). */
  created: boolean;
}

/** Error with a code, for a version that does not exist. */
export class KbVersionNotFoundError extends Error {
  readonly code = 'KB_VERSION_NOT_FOUND';
}

/** Key of the advisory lock that serialises imports and activations. */
const KB_LOCK_KEY = 7_105_101; // arbitrary, constant

/** JSON with object keys sorted, so equal content gives an equal hash whatever the key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableStringify(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of a snapshot's stable JSON. */
export function snapshotHash(snapshot: KnowledgeSnapshot): string {
  return createHash('sha256').update(stableStringify(snapshot)).digest('hex');
}

/** A version name: UTC time of creation plus the start of the hash, e.g. `20261127-101500-3fa9c2e1`. */
export function versionName(now: Date, hash: string): string {
  const iso = now.toISOString(); // 2026-11-27T10:15:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${hash.slice(0, 8)}`;
}

const info = (row: typeof kbVersions.$inferSelect): KbVersionInfo => ({
  version: row.version,
  contentHash: row.contentHash,
  source: row.source,
  createdAt: row.createdAt,
  createdBy: row.createdBy ?? null,
  isActive: row.isActive,
});

/**
 * Stores a snapshot as the new active version, unless the active version already has the
 * same content (then nothing is written and its version is returned).
 */
export async function importSnapshot(
  db: AnyDb,
  snapshot: KnowledgeSnapshot,
  opts: { source: KbVersionSource; createdBy?: string | null; now?: Date },
): Promise<ImportResult> {
  const hash = snapshotHash(snapshot);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KB_LOCK_KEY})`);
    const [active] = await tx.select().from(kbVersions).where(eq(kbVersions.isActive, true)).orderBy(desc(kbVersions.id)).limit(1);
    if (active && active.contentHash === hash) return { version: active.version, contentHash: hash, created: false };
    let version = versionName(opts.now ?? new Date(), hash);
    const [clash] = await tx.select({ id: kbVersions.id }).from(kbVersions).where(eq(kbVersions.version, version)).limit(1);
    if (clash) version = `${version}-${Date.now().toString(36)}`;
    await tx.update(kbVersions).set({ isActive: false }).where(eq(kbVersions.isActive, true));
    await tx.insert(kbVersions).values({
      version,
      content: snapshot,
      contentHash: hash,
      source: opts.source,
      createdBy: opts.createdBy ?? null,
      isActive: true,
    });
    return { version, contentHash: hash, created: true };
  });
}

/** The active version with its snapshot, or null when nothing was imported yet. */
export async function loadActiveSnapshot(db: AnyDb): Promise<StoredSnapshot | null> {
  const [row] = await db.select().from(kbVersions).where(eq(kbVersions.isActive, true)).orderBy(desc(kbVersions.id)).limit(1);
  if (!row) return null;
  return { ...info(row), snapshot: row.content as KnowledgeSnapshot };
}

/** One stored version with its snapshot, or null. */
export async function loadSnapshotVersion(db: AnyDb, version: string): Promise<StoredSnapshot | null> {
  const [row] = await db.select().from(kbVersions).where(eq(kbVersions.version, version)).limit(1);
  if (!row) return null;
  return { ...info(row), snapshot: row.content as KnowledgeSnapshot };
}

/** Every version, newest first, without content. */
export async function listVersions(db: AnyDb, limit = 50): Promise<KbVersionInfo[]> {
  const rows = await db
    .select({
      version: kbVersions.version,
      contentHash: kbVersions.contentHash,
      source: kbVersions.source,
      createdAt: kbVersions.createdAt,
      createdBy: kbVersions.createdBy,
      isActive: kbVersions.isActive,
    })
    .from(kbVersions)
    .orderBy(desc(kbVersions.id))
    .limit(limit);
  return rows.map((r) => ({ ...r, createdBy: r.createdBy ?? null }));
}

/** Makes an existing version the active one (rollback). */
export async function activateVersion(db: AnyDb, version: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KB_LOCK_KEY})`);
    const [row] = await tx.select({ id: kbVersions.id }).from(kbVersions).where(eq(kbVersions.version, version)).limit(1);
    if (!row) throw new KbVersionNotFoundError(`knowledge-base version ${version} does not exist`);
    await tx.update(kbVersions).set({ isActive: false }).where(eq(kbVersions.isActive, true));
    await tx.update(kbVersions).set({ isActive: true }).where(eq(kbVersions.id, row.id));
  });
}
