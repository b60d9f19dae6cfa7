/**
 * `npm run kb:eval -- FILE [--dir knowledge-base] [--verbose] [--json] [--no-cache]`
 *
 * Reads labelled JSON lines (`{"id","text","lang"?,"expected": [slugs] | null,"style"?}`) and
 * prints in-scope accuracy overall, per language and per style, abstention on out-of-scope
 * lines, and the worst confusions. `--verbose` lists every miss with its features.
 * Exits 1 when the file cannot be read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifierFromSnapshot } from '../services/knowledge/classifier';
import { classifierCacheKey, readCachedClassifier, writeCachedClassifier } from '../services/knowledge/classifier-cache';
import { evaluate, formatReport, parseJsonLines, type LabelledLine } from '../services/knowledge/evaluate';
import { readKnowledgeFiles } from '../services/knowledge/load-files';
import { argValue } from './cli-args';

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--dir');
  if (!file) {
    process.stderr.write('usage: npm run kb:eval -- FILE [--dir knowledge-base] [--verbose] [--json]\n');
    process.exit(2);
  }
  const dir = path.resolve(argValue('--dir') ?? path.join(__dirname, '..', 'knowledge-base'));
  let lines: LabelledLine[];
  try {
    lines = parseJsonLines<LabelledLine>(readFileSync(file, 'utf8'));
  } catch (err) {
    process.stderr.write(`kb:eval: cannot read ${file}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const { snapshot } = readKnowledgeFiles(dir);
  // Same cache as kb:predict: evaluating first makes the next kb:predict start fast.
  const key = args.includes('--no-cache') ? '' : classifierCacheKey(dir);
  let classifier = key ? readCachedClassifier(key) : null;
  if (!classifier) {
    classifier = classifierFromSnapshot(snapshot);
    if (key) writeCachedClassifier(key, classifier);
  }
  const known = new Set(snapshot.topics.map((t) => t.slug));
  const missing = new Set<string>();
  for (const l of lines) for (const s of l.expected ?? []) if (!known.has(s)) missing.add(s);

  const report = evaluate(lines, (text, hint) => classifier.classifyDetailed(text, hint));
  if (args.includes('--json')) {
    const { predictions, ...rest } = report;
    process.stdout.write(JSON.stringify({ ...rest, predictions: predictions.length }, null, 2) + '\n');
    return;
  }
  process.stdout.write(`knowledge base: ${snapshot.topics.length} topics; ${lines.length} lines from ${file}\n`);
  if (missing.size > 0) process.stdout.write(`note: ${missing.size} expected topics are not in the knowledge base yet: ${[...missing].sort().join(', ')}\n`);
  process.stdout.write('\n' + formatReport(report) + '\n');
  if (args.includes('--verbose')) {
    process.stdout.write('\nmisses:\n');
    for (const p of report.predictions) {
      if (p.correct) continue;
      const d = classifier.classifyDetailed(p.line.text, p.line.lang);
      process.stdout.write(
        `  ${p.line.id} [${p.line.lang}/${d.lang}] exp=${JSON.stringify(p.line.expected)} got=${d.topic} s=${d.score} cand=${d.candidates.map((c) => `${c.slug}:${c.score}`).join(',')} f=${JSON.stringify({ ...d.features, scope: undefined, off: d.features.scope.offTopic, oc: d.features.scope.otherCountry })}\n    ${p.line.text}\n`,
      );
    }
  }
}

main();
