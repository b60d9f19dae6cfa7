/**
 * `npm run bench:kb [-- --dir knowledge-base] [--topics 5000] [--queries 5000]`
 *
 * Classification throughput and latency (queries/s, p50, p99) over the real knowledge base
 * and over a synthetic one of 5,000 topics generated here (words drawn from the real content
 * in all five languages plus invented words, so vocabulary and posting lists grow as they
 * would). Queries are the development-set messages and question variants with typos.
 * Target: p99 ≤ 1 ms on the real knowledge base.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES, type Locale } from '../bots/engine/types';
import { classifierTopics, TopicClassifier, type ClassifierTopic } from '../services/knowledge/classifier';
import { readKnowledgeFiles } from '../services/knowledge/load-files';
import { argValue } from './cli-args';

/** Small deterministic PRNG (mulberry32), so runs are comparable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function typo(text: string, rand: () => number): string {
  const words = text.split(' ');
  const i = Math.floor(rand() * words.length);
  const w = words[i];
  if (w.length > 4) {
    const k = 1 + Math.floor(rand() * (w.length - 2));
    words[i] = w.slice(0, k) + w.slice(k + 1);
  }
  return words.join(' ');
}

interface Measured {
  qps: number;
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function measure(classifier: TopicClassifier, queries: { text: string; hint?: Locale }[], rounds: number): Measured {
  for (const q of queries.slice(0, 200)) classifier.classify(q.text, q.hint); // warm-up
  const times: number[] = [];
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = process.hrtime.bigint();
      classifier.classify(q.text, q.hint);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { qps: (times.length / totalMs) * 1000, p50: at(0.5), p99: at(0.99), max: times[times.length - 1], n: times.length };
}

function syntheticTopics(real: ClassifierTopic[], count: number, seed = 42): ClassifierTopic[] {
  const rand = rng(seed);
  const vocab: Record<Locale, string[]> = { ru: [], vi: [], es: [], de: [], en: [] };
  for (const t of real) {
    for (const l of LOCALES) {
      const c = t.content[l];
      if (!c) continue;
      for (const text of [c.title ?? '', ...(c.questions ?? []), c.answer ?? '']) vocab[l].push(...text.split(/\s+/).filter((w) => w.length > 1));
    }
  }
  const syll = ['ka', 'lo', 'mi', 'ter', 'sun', 'bra', 'vek', 'dol', 'pri', 'sta', 'gen', 'hu', 'zet', 'nor', 'qui'];
  const invent = () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join('');
  const sentence = (l: Locale, n: number) =>
    Array.from({ length: n }, () => (rand() < 0.2 || vocab[l].length === 0 ? invent() : vocab[l][Math.floor(rand() * vocab[l].length)])).join(' ');
  const out: ClassifierTopic[] = [];
  for (let i = 0; i < count; i++) {
    const content: ClassifierTopic['content'] = {};
    for (const l of LOCALES) {
      content[l] = {
        title: sentence(l, 4),
        answer: sentence(l, 90),
        questions: Array.from({ length: 12 }, () => sentence(l, 4 + Math.floor(rand() * 6))),
      };
    }
    out.push({ slug: `synthetic-${i}`, content });
  }
  return out;
}

function report(label: string, m: Measured, buildMs: number): void {
  console.log(
    `${label.padEnd(34)} build ${buildMs.toFixed(0).padStart(6)} ms | ${m.qps.toFixed(0).padStart(7)} queries/s | p50 ${m.p50.toFixed(3)} ms | p99 ${m.p99.toFixed(3)} ms | max ${m.max.toFixed(2)} ms | n=${m.n}`,
  );
}

function main(): void {
  const dir = path.resolve(argValue('--dir') ?? path.join(__dirname, '..', 'knowledge-base'));
  const syntheticCount = Number(argValue('--topics') ?? 5000);
  const { snapshot } = readKnowledgeFiles(dir);
  const realTopics = classifierTopics(snapshot.topics);
  if (realTopics.length === 0) {
    console.error(`bench:kb: no topics in ${dir}`);
    process.exit(1);
  }

  const rand = rng(7);
  const queries: { text: string; hint?: Locale }[] = [];
  const devFile = path.join(__dirname, '..', 'test', 'fixtures', 'dev-set.jsonl');
  if (existsSync(devFile)) {
    for (const line of readFileSync(devFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const { text, lang } = JSON.parse(line) as { text: string; lang?: Locale };
      queries.push({ text, hint: lang });
    }
  }
  for (const t of realTopics) {
    for (const l of LOCALES) for (const q of t.content[l]?.questions ?? []) queries.push({ text: rand() < 0.5 ? typo(q, rand) : q, hint: l });
  }

  console.log(`bench:kb — ${queries.length} distinct queries (development set + question variants, half with a typo)\n`);

  let t0 = performance.now();
  const real = new TopicClassifier(realTopics, snapshot.glossary);
  let build = performance.now() - t0;
  report(`real (${realTopics.length} topics)`, measure(real, queries, 3), build);

  const synthetic = syntheticTopics(realTopics, syntheticCount);
  t0 = performance.now();
  const big = new TopicClassifier([...realTopics, ...synthetic], snapshot.glossary);
  build = performance.now() - t0;
  report(`synthetic (${realTopics.length + synthetic.length} topics)`, measure(big, queries, 1), build);
}

main();
