/**
 * Writes a {@link KnowledgeSnapshot} back to a `knowledge-base/` tree (`npm run kb:export`), so
 * what editors published in the console returns to git, the long-term record.
 *
 * - Each item goes to the file it came from (`snapshot.files`); a new topic to
 *   `topics/<slug>.yaml`, a new fact to `facts/editor.yaml`.
 * - An existing file is updated in place, value by value: comments, key order and quoting of
 *   everything that did not change stay as they are; a file whose content is already equal is
 *   not touched. A new file is written with a fixed key order (the order of the README).
 * - Reading the written tree again (`loadSnapshotFromFiles`) gives a snapshot equal to the
 *   exported one, files included: the round trip is exact.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isScalar, isSeq, type Document } from 'yaml';
import type { FactDef, KnowledgeSnapshot } from './snapshot';
import { stableStringify } from './store';

/** Where a fact that no file defines yet is written. */
export const NEW_FACTS_FILE = 'facts/editor.yaml';

const KEY_ORDER: string[] = [
  // topics
  'slug', 'category', 'mode', 'regions', 'reviewed_on', 'review_by', 'institutions', 'sources', 'content', 'aliases',
  // language content (LOCALES come through the generic rule below)
  'title', 'answer', 'more', 'regional', 'questions', 'source_hash',
  // facts, values
  'description', 'format', 'unit', 'values', 'value', 'valid_from', 'source', 'source_date',
  // institutions, glossary, regions, categories
  'id', 'term', 'name', 'region', 'city', 'url', 'checked_on', 'note', 'helps_with', 'variants', 'translations', 'explain', 'topics', 'names', 'titles',
];
const LOCALE_ORDER: string[] = ['de', 'en', 'ru', 'vi', 'es'];

function rank(key: string): number {
  const l = LOCALE_ORDER.indexOf(key);
  if (l >= 0) return l;
  const k = KEY_ORDER.indexOf(key);
  return k >= 0 ? 100 + k : 1000;
}

/** A copy with object keys in the canonical order (known keys first, then the rest alphabetically). */
export function canonicalOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalOrder);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonicalOrder(v)]));
}

const STRINGIFY = { lineWidth: 0 } as const;

/** Updates the node at `at` in `doc` to `value`, keeping what is equal untouched. */
function syncNode(doc: Document, at: (string | number)[], value: unknown): void {
  const node = at.length === 0 ? doc.contents : doc.getIn(at, true);
  const same = (n: unknown) => stableStringify(YAML.isNode(n) ? n.toJSON() : n) === stableStringify(value);
  if (node !== undefined && same(node)) return;
  if (isMap(node) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const pair of [...node.items]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!(key in obj) || obj[key] === undefined) node.delete(pair.key);
    }
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) syncNode(doc, [...at, k], v);
    return;
  }
  if (isSeq(node) && Array.isArray(value) && node.items.length === value.length) {
    value.forEach((v, i) => syncNode(doc, [...at, i], v));
    return;
  }
  if (isScalar(node) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    // Keep the scalar's style (block literal, quotes) unless it cannot hold the new value.
    const multiline = typeof value === 'string' && value.includes('\n');
    const blockStyle = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    if (multiline && !blockStyle) node.type = 'BLOCK_LITERAL';
    if (!multiline && blockStyle) node.type = undefined;
    if (typeof value !== 'string' && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) node.type = undefined;
    node.value = value;
    return;
  }
  const created = doc.createNode(canonicalOrder(value));
  if (at.length === 0) doc.contents = created as Document['contents'];
  else doc.setIn(at, created);
}

/** Writes `value` to `rel` under `dir`; returns true when the file changed. */
function writeYaml(dir: string, rel: string, value: unknown): boolean {
  const full = path.join(dir, rel);
  if (existsSync(full)) {
    const text = readFileSync(full, 'utf8');
    const doc = YAML.parseDocument(text);
    if (doc.errors.length === 0) {
      if (stableStringify(doc.toJSON()) === stableStringify(value)) return false;
      syncNode(doc, [], value);
      const out = doc.toString(STRINGIFY);
      if (out === text) return false;
      writeFileSync(full, out);
      return true;
    }
  }
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, YAML.stringify(canonicalOrder(value), STRINGIFY));
  return true;
}

export interface ExportResult {
  /** Files written (relative to the directory). */
  written: string[];
  /** Files whose content was already equal. */
  unchanged: string[];
}

/** Writes the snapshot to `dir` (see the module comment). Files of items no longer present are left alone. */
export function writeSnapshotToFiles(snapshot: KnowledgeSnapshot, dir: string): ExportResult {
  const result: ExportResult = { written: [], unchanged: [] };
  const put = (rel: string, value: unknown) => (writeYaml(dir, rel, value) ? result.written : result.unchanged).push(rel);

  snapshot.topics.forEach((topic, i) => put(snapshot.files?.topics?.[i] ?? `topics/${topic.slug}.yaml`, topic));

  const factFiles = new Map<string, Record<string, FactDef>>();
  for (const [key, def] of Object.entries(snapshot.facts)) {
    const rel = snapshot.files?.facts?.[key] ?? NEW_FACTS_FILE;
    if (!factFiles.has(rel)) factFiles.set(rel, {});
    factFiles.get(rel)![key] = def;
  }
  for (const [rel, facts] of factFiles) put(rel, facts);

  put('institutions.yaml', snapshot.institutions);
  put('glossary.yaml', snapshot.glossary);
  put('regions.yaml', snapshot.regions);
  put('categories.yaml', snapshot.categories);
  // required-topics.yaml carries more than the topic list (the category overview): keep the rest.
  const reqPath = path.join(dir, 'required-topics.yaml');
  let req: Record<string, unknown> = {};
  if (existsSync(reqPath)) {
    const parsed: unknown = YAML.parse(readFileSync(reqPath, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) req = parsed as Record<string, unknown>;
  }
  put('required-topics.yaml', { ...req, topics: snapshot.requiredTopics });
  return result;
}
