/**
 * A real PostgreSQL database of its own for one test file: created fresh, migrated with the
 * project's migrations, dropped on close. Set TEST_DATABASE_ADMIN_URL to use another server.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { createDb, runMigrations, type Db } from '../../services/db/client';

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb {
  db: Db;
  pool: Pool;
  url: string;
  name: string;
  close(): Promise<void>;
}

export async function createTestDb(label = 'test'): Promise<TestDb> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 10 });
  // Dropping the database at the end terminates idle connections: not an error of the test.
  pool.on('error', () => undefined);
  const db = createDb(pool);
  await runMigrations(db);
  return {
    db,
    pool,
    url: url.toString(),
    name,
    async close() {
      await pool.end();
      const a = new Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}
