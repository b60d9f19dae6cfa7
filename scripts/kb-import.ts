/**
 * `npm run kb:import [-- --dir knowledge-base] [--by NAME] [--force]`
 *
 * Validates the knowledge-base files and stores them in PostgreSQL (DATABASE_URL) as a new
 * active version, unless the active version already has the same content. Refuses to import
 * a tree with validation errors (`--force` imports anyway, for emergencies). Creates the
 * database and applies migrations first if needed.
 */
import path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../services/config/config';
import { createDb, ensureDatabase, runMigrations } from '../services/db/client';
import { formatProblem } from '../services/knowledge/problems';
import { importSnapshot } from '../services/knowledge/store';
import { hasErrors, validateDirectory } from '../services/knowledge/validate';
import { argValue } from './cli-args';

async function main(): Promise<void> {
  const config = loadConfig();
  const dir = path.resolve(argValue('--dir') ?? config.KB_DIR);
  const { snapshot, problems } = validateDirectory(dir);
  const errors = problems.filter((p) => p.level === 'error');
  if (hasErrors(problems)) {
    for (const p of errors) console.error(formatProblem(p, path.relative(process.cwd(), dir) || '.'));
    if (!process.argv.includes('--force')) {
      console.error(`kb:import: ${errors.length} validation error(s); fix them (npm run kb:validate) or pass --force`);
      process.exit(1);
    }
    console.error('kb:import: importing despite validation errors (--force)');
  }
  await ensureDatabase(config.DATABASE_URL);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const db = createDb(pool);
    await runMigrations(db);
    const result = await importSnapshot(db, snapshot, { source: 'import', createdBy: argValue('--by') ?? null });
    console.log(
      result.created
        ? `kb:import: imported ${snapshot.topics.length} topics as version ${result.version} (now active)`
        : `kb:import: unchanged — the active version ${result.version} has the same content`,
    );
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`kb:import failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
