/**
 * Console sessions in PostgreSQL. The cookie carries a random token; the database keeps only
 * its SHA-256 (`staff_sessions.id`) and a per-session CSRF token that every state-changing
 * request must echo in the `x-csrf-token` header.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { staffSessions, staffUsers } from '../db/schema';
import { toStaffUser, type StaffUser } from './users';

/** Cookie name: `__Host-` (only over https, path /, no domain) when cookies are secure. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-console_session' : 'console_session';
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(db: Db, userId: string, ttlMs: number, now = new Date()): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db.delete(staffSessions).where(and(eq(staffSessions.userId, userId), lt(staffSessions.expiresAt, now)));
  await db.insert(staffSessions).values({ id: digest(token), userId, csrfToken, expiresAt, createdAt: now });
  await db.update(staffUsers).set({ lastLoginAt: now }).where(eq(staffUsers.id, userId));
  return { token, csrfToken, expiresAt };
}

export interface ActiveSession {
  csrfToken: string;
  expiresAt: Date;
  user: StaffUser;
}

/** The session of a cookie token, if it exists, has not expired and its account is active. */
export async function loadSession(db: Db, token: string | undefined, now = new Date()): Promise<ActiveSession | null> {
  if (!token || token.length > 100) return null;
  const [row] = await db
    .select()
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(and(eq(staffSessions.id, digest(token)), gt(staffSessions.expiresAt, now), eq(staffUsers.active, true)));
  if (!row) return null;
  return { csrfToken: row.staff_sessions.csrfToken, expiresAt: row.staff_sessions.expiresAt, user: toStaffUser(row.staff_users) };
}

export async function deleteSession(db: Db, token: string | undefined): Promise<void> {
  if (token) await db.delete(staffSessions).where(eq(staffSessions.id, digest(token)));
}

/** Constant-time comparison of two tokens. */
export function tokensMatch(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
