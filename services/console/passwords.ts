/**
 * Console passwords: argon2id hashes (@node-rs/argon2, OWASP's recommended minimum cost:
 * 19 MiB, 2 passes, 1 lane). Only the PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) is stored.
 */
import { hash, verify, type Options } from '@node-rs/argon2';

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolatedModules cannot import). */
const ARGON2ID = 2 as NonNullable<Options['algorithm']>;

export const ARGON2_OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 1024;

/** Why a password is not accepted, or null when it is. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_CHARS) return `the password must have at least ${MIN_PASSWORD_CHARS} characters`;
  if (password.length > MAX_PASSWORD_CHARS) return `the password must have at most ${MAX_PASSWORD_CHARS} characters`;
  return null;
}

/** @example await hashPassword('correct horse battery') // '$argon2id$v=19$m=19456,t=2,p=1$…' */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when the password matches; false for a wrong password or a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/**
 * Spends the time of one verification when the e-mail address is unknown, so a login's
 * duration does not tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('dummy password that never matches anything');
  await verifyPassword(await dummy, password);
  return false;
}
