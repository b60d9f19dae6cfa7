/** `npm run db:migrate`: creates the database if needed and applies migrations/. */
import { Pool } from 'pg';
import { loadConfig } from '../services/config/config';
import { createDb, ensureDatabase, runMigrations } from '../services/db/client';

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    await runMigrations(createDb(pool));
    console.log('migrations applied');
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`db:migrate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
