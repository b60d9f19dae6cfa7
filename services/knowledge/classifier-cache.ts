/**
 * An on-disk cache of the built classifier for the command-line tools (`kb:predict`), so a
 * second run over unchanged files skips parsing YAML and indexing (about a second).
 *
 * The key covers every file of the knowledge base and every source file of this folder (size
 * and modification time), so editing content or code invalidates it. The cache lives in the
 * system's temporary directory; failures to read or write it are ignored (it is only a cache).
 * The service itself never uses it: it builds from the snapshot it loads.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportStemMemo, importStemMemo } from './analyze';
import { TopicClassifier, type ClassifierState } from './classifier';
import type { RetrievalIndexState } from './retrieval-index';

const CACHE_FORMAT = 'kb-classifier-2';
/** Entries kept in the cache directory. */
const CACHE_KEEP = 4;

function listFiles(dir: string, filter: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, filter));
    else if (filter(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Cache key of a knowledge-base directory under the current code. */
export function classifierCacheKey(kbDir: string): string {
  const h = createHash('sha1').update(CACHE_FORMAT);
  const files = [
    ...listFiles(kbDir, (n) => /\.ya?ml$/.test(n)),
    ...listFiles(__dirname, (n) => /\.ts$/.test(n) && !/\.test\.ts$/.test(n)),
  ];
  for (const f of files) {
    const st = statSync(f);
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex');
}

type Typed = Float64Array | Int32Array | Uint32Array;
const TYPED: Record<string, new (b: ArrayBuffer) => Typed> = { Float64Array, Int32Array, Uint32Array };

function encode(value: unknown): unknown {
  if (value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint32Array) {
    return { $typed: value.constructor.name, b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  return value;
}

function decode(value: unknown): unknown {
  if (value && typeof value === 'object' && '$typed' in value) {
    const v = value as { $typed: string; b64: string };
    const bytes = Buffer.from(v.b64, 'base64');
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    return new TYPED[v.$typed](copy.buffer);
  }
  return value;
}

/** Where the cache entry of a key is stored. */
export function cacheFile(key: string): string {
  return path.join(os.tmpdir(), 'eastside-kb-cache', `${key}.json`);
}

/** The cached classifier for this key, or null. */
export function readCachedClassifier(key: string): TopicClassifier | null {
  try {
    const file = cacheFile(key);
    if (!existsSync(file)) return null;
    const raw = JSON.parse(readFileSync(file, 'utf8')) as ClassifierState & { index: Record<string, unknown>; stems?: ReturnType<typeof exportStemMemo> };
    const index = Object.fromEntries(Object.entries(raw.index).map(([k, v]) => [k, decode(v)])) as unknown as RetrievalIndexState;
    if (raw.stems) importStemMemo(raw.stems);
    return new TopicClassifier({ ...raw, index });
  } catch {
    return null;
  }
}

/** Keeps the newest few entries (content and code change; old keys are never read again). */
function pruneCache(dir: string, keep: string): void {
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(dir, f))
    .filter((f) => f !== keep)
    .map((f) => ({ f, t: statSync(f).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const { f } of entries.slice(CACHE_KEEP - 1)) rmSync(f, { force: true });
}

/** Stores a classifier under a key; errors are ignored. */
export function writeCachedClassifier(key: string, classifier: TopicClassifier): void {
  try {
    const state = classifier.state();
    const index = Object.fromEntries(Object.entries(state.index).map(([k, v]) => [k, encode(v)]));
    const file = cacheFile(key);
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...state, index, stems: exportStemMemo() }));
    renameSync(tmp, file);
    pruneCache(path.dirname(file), file);
  } catch {
    // only a cache
  }
}
