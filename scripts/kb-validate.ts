/**
 * `npm run kb:validate [-- --dir knowledge-base] [--today YYYY-MM-DD] [--quiet]`
 *
 * Checks the whole knowledge-base tree (see services/knowledge/validate.ts) and prints every
 * problem as `error|warning FILE FIELD: message`. Exits 1 if there is any error, 0 otherwise
 * (warnings do not fail). CI runs it.
 */
import path from 'node:path';
import { formatProblem } from '../services/knowledge/problems';
import { hasErrors, validateDirectory } from '../services/knowledge/validate';
import { argValue } from './cli-args';

function main(): void {
  const dir = path.resolve(argValue('--dir') ?? path.join(__dirname, '..', 'knowledge-base'));
  const today = argValue('--today');
  if (today && !/^\d{4}-\d{2}-\d{2}$/.test(today)) {
    process.stderr.write('kb:validate: --today expects YYYY-MM-DD\n');
    process.exit(2);
  }
  const { problems, snapshot } = validateDirectory(dir, { today });
  const rel = path.relative(process.cwd(), dir) || '.';
  const quiet = process.argv.includes('--quiet');
  const sorted = [...problems].sort((a, b) => (a.level === b.level ? a.file.localeCompare(b.file) : a.level === 'error' ? -1 : 1));
  for (const p of sorted) if (!quiet || p.level === 'error') process.stdout.write(formatProblem(p, rel) + '\n');
  const errors = problems.filter((p) => p.level === 'error').length;
  const warnings = problems.length - errors;
  const summary = `${snapshot.topics.length} topics, ${Object.keys(snapshot.facts).length} facts, ${snapshot.institutions.length} institutions, ${snapshot.glossary.length} glossary terms: ${errors} error(s), ${warnings} warning(s)`;
  if (hasErrors(problems)) {
    process.stderr.write(`kb:validate: FAILED — ${summary}\n`);
    process.exit(1);
  }
  process.stdout.write(`kb:validate: OK — ${summary}\n`);
}

main();
