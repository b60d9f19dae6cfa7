/**
 * The drizzle client over a pg Pool, plus migrations. The Pool itself is constructed only in the
 * composition roots (services/main.ts, scripts, the test helpers) and passed in here.
 */
import path from 'node:path';
import { Client, type Pool } from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema';

/** The database (`$client`: the pool, for code that runs a connection's statements itself). */
export type Db = NodePgDatabase<typeof schema> & { $client: Pool };

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

export function createDb(pool: Pool): Db {
  return drizzle(pool, { schema });
}

/** Applies every committed migration in migrations/ that the database has not seen. */
export async function runMigrations(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}

/**
 * Creates the database named in the URL if it does not exist yet (a fresh machine), by
 * connecting to the server's `postgres` database. Needs CREATEDB rights, as a local setup has.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
