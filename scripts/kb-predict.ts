/**
 * `npm run --silent kb:predict [-- --dir knowledge-base]`
 *
 * Reads JSON lines `{"id", "text", "lang"?}` on stdin and writes one JSON line per input, in
 * order: `{"id", "topic": slug | null, "score": 0..1, "lang": detected}`. `lang` in the input
 * is the bot's language, a hint only. Reads the knowledge base straight from the files; needs
 * neither PostgreSQL nor Redis. Imports are kept light so start-up stays fast, and the built
 * index is cached in the temporary directory for the next run over unchanged files
 * (`--no-cache` to bypass; `--timing` prints the phases on stderr).
 */
import path from 'node:path';
import { isLocale } from '../bots/engine/types';
import { classifierFromSnapshot } from '../services/knowledge/classifier';
import { classifierCacheKey, readCachedClassifier, writeCachedClassifier } from '../services/knowledge/classifier-cache';
import { readKnowledgeFiles } from '../services/knowledge/load-files';
import { formatProblem } from '../services/knowledge/problems';
import { argValue } from './cli-args';

async function main(): Promise<void> {
  const timing = process.argv.includes('--timing');
  const t0 = performance.now();
  const dir = path.resolve(argValue('--dir') ?? path.join(__dirname, '..', 'knowledge-base'));
  const useCache = !process.argv.includes('--no-cache');
  const key = useCache ? classifierCacheKey(dir) : '';
  let classifier = useCache ? readCachedClassifier(key) : null;
  const cached = classifier !== null;
  if (!classifier) {
    const { snapshot, problems } = readKnowledgeFiles(dir, { retrievalOnly: true });
    for (const p of problems) if (p.level === 'error') process.stderr.write(`kb:predict: ${formatProblem(p, dir)}\n`);
    if (snapshot.topics.length === 0) {
      process.stderr.write(`kb:predict: no topics found in ${dir}/topics\n`);
      process.exit(1);
    }
    classifier = classifierFromSnapshot(snapshot);
  }
  const t2 = performance.now();

  let buffer = '';
  let lineNo = 0;
  const out: string[] = [];
  const handle = (line: string) => {
    lineNo++;
    if (!line.trim()) return;
    let input: { id?: unknown; text?: unknown; lang?: unknown };
    try {
      input = JSON.parse(line);
    } catch {
      process.stderr.write(`kb:predict: line ${lineNo} is not JSON; skipped\n`);
      return;
    }
    const text = typeof input.text === 'string' ? input.text : '';
    const hint = isLocale(input.lang) ? input.lang : undefined;
    const c = classifier.classify(text, hint);
    out.push(JSON.stringify({ id: input.id ?? null, topic: c.topic, score: c.score, lang: c.lang }));
    if (out.length >= 256) process.stdout.write(out.splice(0).join('\n') + '\n');
  };
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) {
    buffer += chunk as string;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      handle(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  }
  if (buffer) handle(buffer);
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  const t3 = performance.now();
  if (useCache && !cached) writeCachedClassifier(key, classifier);
  if (timing) {
    process.stderr.write(
      `kb:predict: process start ${t0.toFixed(0)} ms, ${cached ? 'cached index' : 'read + index'} ${(t2 - t0).toFixed(0)} ms, ${lineNo} lines ${(t3 - t2).toFixed(0)} ms\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kb:predict failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
