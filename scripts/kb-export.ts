/**
 * `npm run kb:export [-- --dir knowledge-base] [--version VERSION]`
 *
 * Writes the published knowledge base (the active version in PostgreSQL, or --version) back to
 * the knowledge-base/ files, so what editors changed in the console goes into git. Files are
 * updated value by value (comments and formatting of unchanged parts stay); unchanged files are
 * not touched. `npm run kb:import` of the written tree gives the same version again (same hash).
 * Exits 1 with a message when there is nothing to export or the database cannot be reached.
 */
import path from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../services/config/config';
import { createDb } from '../services/db/client';
import { writeSnapshotToFiles } from '../services/knowledge/export-files';
import { loadActiveSnapshot, loadSnapshotVersion } from '../services/knowledge/store';
import { argValue } from './cli-args';

async function main(): Promise<void> {
  const config = loadConfig();
  const dir = path.resolve(argValue('--dir') ?? config.KB_DIR);
  const wanted = argValue('--version');
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const db = createDb(pool);
    const stored = wanted ? await loadSnapshotVersion(db, wanted) : await loadActiveSnapshot(db);
    if (!stored) {
      console.error(wanted ? `kb:export: version ${wanted} does not exist (see the console's History page)` : 'kb:export: no knowledge-base version is active yet (npm run kb:import first)');
      process.exit(1);
    }
    const result = writeSnapshotToFiles(stored.snapshot, dir);
    const rel = path.relative(process.cwd(), dir) || '.';
    for (const f of result.written) console.log(`  wrote ${rel}/${f}`);
    console.log(`kb:export: version ${stored.version} → ${rel}: ${result.written.length} file(s) written, ${result.unchanged.length} unchanged`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`kb:export failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
