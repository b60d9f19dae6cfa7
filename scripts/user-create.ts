/**
 * `npm run user:create -- --email anna@example.org --name "Anna" --role counsellor --languages ru,de`
 *
 * Creates a console account. The password is read from standard input (typed without echo on a
 * terminal, or piped: `printf '%s' "$PW" | npm run user:create -- …`), or given with
 * `--password` (visible in the shell history: avoid on shared machines). At least 12 characters;
 * stored as an argon2id hash. Roles: counsellor, editor, admin. Exits non-zero with a message on failure.
 */
import { Pool } from 'pg';
import { loadConfig } from '../services/config/config';
import { createDb, ensureDatabase, runMigrations } from '../services/db/client';
import { createStaffUser, ROLES, StaffUserError } from '../services/console/users';

const USAGE = `usage: npm run user:create -- --email EMAIL --name NAME --role ${ROLES.join('|')} [--languages ru,de] [--password PASSWORD]
The password is read from standard input when --password is not given.`;

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`${arg} needs a value`);
      out[arg.slice(2)] = value;
      i += 1;
    }
  }
  return out;
}

/** Reads a password from stdin: hidden typing on a terminal, else the whole piped input (first line). */
async function readPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write('Password (at least 12 characters): ');
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stderr.write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.setRawMode(false);
            reject(new Error('cancelled'));
            return;
          }
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function main(): Promise<void> {
  let args: Record<string, string>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`user:create: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const missing = ['email', 'name', 'role'].filter((k) => !args[k]);
  if (missing.length) {
    console.error(`user:create: missing ${missing.map((m) => `--${m}`).join(', ')}\n${USAGE}`);
    process.exit(2);
  }
  const password = args.password ?? (await readPassword());
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const db = createDb(pool);
    await runMigrations(db);
    const user = await createStaffUser(db, {
      email: args.email,
      name: args.name,
      role: args.role,
      languages: (args.languages ?? '').split(','),
      password,
    });
    console.log(`created ${user.role} ${user.email} (${user.name}), languages: ${user.languages.join(', ') || 'none'}`);
  } catch (err) {
    if (err instanceof StaffUserError) {
      console.error(`user:create: ${err.message}`);
      process.exitCode = 1;
      return;
    }
    throw err;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`user:create failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
