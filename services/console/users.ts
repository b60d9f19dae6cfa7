/**
 * Staff accounts of the console (counsellors, editors, admins). Created with
 * `npm run user:create`; e-mail addresses are stored lower-case.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { LOCALES, type Locale } from '../../bots/engine/types';
import type { Db } from '../db/client';
import { staffUsers } from '../db/schema';
import { hashPassword, passwordProblem } from './passwords';

export const ROLES = ['counsellor', 'editor', 'admin'] as const;
export type StaffRole = (typeof ROLES)[number];

/** A staff account without its password hash. */
export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  languages: Locale[];
  active: boolean;
}

export class StaffUserError extends Error {
  constructor(
    message: string,
    readonly code: 'invalid' | 'exists',
  ) {
    super(message);
  }
}

export interface NewStaffUser {
  email: string;
  name: string;
  role: string;
  /** Interface languages the person speaks, e.g. ['ru', 'de']. */
  languages: string[];
  password: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function toStaffUser(row: typeof staffUsers.$inferSelect): StaffUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    languages: row.languages.filter((l): l is Locale => (LOCALES as readonly string[]).includes(l)),
    active: row.active,
  };
}

/** Validates and creates an account. @throws StaffUserError (invalid input, e-mail taken) */
export async function createStaffUser(db: Db, input: NewStaffUser): Promise<StaffUser> {
  const email = input.email.trim().toLowerCase();
  const name = input.name.trim();
  if (!EMAIL.test(email)) throw new StaffUserError(`"${input.email}" is not an e-mail address`, 'invalid');
  if (!name || name.length > 100) throw new StaffUserError('the name must have 1 to 100 characters', 'invalid');
  if (!(ROLES as readonly string[]).includes(input.role)) throw new StaffUserError(`the role must be one of ${ROLES.join(', ')}`, 'invalid');
  const languages = [...new Set(input.languages.map((l) => l.trim().toLowerCase()).filter(Boolean))];
  const unknown = languages.filter((l) => !(LOCALES as readonly string[]).includes(l));
  if (unknown.length) throw new StaffUserError(`unknown language(s) ${unknown.join(', ')}: use ${LOCALES.join(', ')}`, 'invalid');
  const problem = passwordProblem(input.password);
  if (problem) throw new StaffUserError(problem, 'invalid');
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(staffUsers)
    .values({ email, name, role: input.role as StaffRole, languages, passwordHash })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new StaffUserError(`an account for ${email} exists already`, 'exists');
  return toStaffUser(row);
}

/** The account with its hash, for the login. */
export async function findUserForLogin(db: Db, email: string) {
  const [row] = await db.select().from(staffUsers).where(eq(staffUsers.email, email.trim().toLowerCase()));
  return row ?? null;
}

/** Colleagues a ticket can be transferred to: active counsellors and admins. */
export async function listColleagues(db: Db): Promise<Array<Pick<StaffUser, 'id' | 'name' | 'languages' | 'role'>>> {
  const rows = await db
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.active, true), inArray(staffUsers.role, ['counsellor', 'admin'])))
    .orderBy(asc(staffUsers.name));
  return rows.map(toStaffUser).map(({ id, name, languages, role }) => ({ id, name, languages, role }));
}
