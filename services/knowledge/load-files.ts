/**
 * Reads the `knowledge-base/` directory into a {@link KnowledgeSnapshot}: plain JSON, the
 * same shape `kb:import` stores in PostgreSQL. Structure is not checked here (see
 * `validate.ts`); files that cannot be parsed are reported as problems and left out.
 *
 * Kept light (no zod) so `kb:predict` starts fast.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
// js-yaml with the core schema: the same values as YAML 1.2 (dates stay strings), ~4x faster to
// parse than the `yaml` package, which matters for kb:predict's start-up.
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Problem } from './problems';
import type {
  CategoryDef,
  FactDef,
  GlossaryEntry,
  Institution,
  KnowledgeSnapshot,
  RegionDef,
  RequiredTopic,
  TopicDoc,
} from './snapshot';

export interface LoadResult {
  snapshot: KnowledgeSnapshot;
  /** Files that are missing or cannot be parsed, duplicate fact keys. */
  problems: Problem[];
}

/** Error thrown by {@link loadSnapshotFromFiles} when the tree cannot be read at all. */
export class KnowledgeLoadError extends Error {
  readonly code = 'KB_LOAD_FAILED';
  constructor(
    message: string,
    readonly problems: Problem[],
  ) {
    super(message);
  }
}

function readYaml(dir: string, rel: string, problems: Problem[], required: boolean): unknown {
  const full = path.join(dir, rel);
  if (!existsSync(full)) {
    if (required) problems.push({ level: 'error', file: rel, field: '', message: 'file is missing' });
    return undefined;
  }
  try {
    return loadYaml(readFileSync(full, 'utf8'), { schema: CORE_SCHEMA, filename: rel });
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    problems.push({ level: 'error', file: rel, field: '', message: `YAML does not parse: ${message}` });
    return undefined;
  }
}

function yamlFiles(dir: string, sub: string): string[] {
  const full = path.join(dir, sub);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${sub}/${f}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ReadOptions {
  /** Read only the topics and the glossary (what retrieval needs); the rest stays empty. */
  retrievalOnly?: boolean;
}

/** Reads every file of the tree. Never throws for content problems: they are in `problems`. */
export function readKnowledgeFiles(dir: string, opts: ReadOptions = {}): LoadResult {
  const problems: Problem[] = [];
  if (!existsSync(dir)) {
    problems.push({ level: 'error', file: '', field: '', message: `knowledge-base directory ${dir} does not exist` });
  }

  const topics: TopicDoc[] = [];
  const topicFiles: string[] = [];
  for (const rel of yamlFiles(dir, 'topics')) {
    const doc = readYaml(dir, rel, problems, true);
    if (doc === undefined || doc === null) continue;
    if (!isRecord(doc)) {
      problems.push({ level: 'error', file: rel, field: '', message: 'a topic file must be a mapping (slug, category, content …)' });
      continue;
    }
    topics.push(doc as unknown as TopicDoc);
    topicFiles.push(rel);
  }

  const facts: Record<string, FactDef> = {};
  const factFiles: Record<string, string> = {};
  for (const rel of opts.retrievalOnly ? [] : yamlFiles(dir, 'facts')) {
    const doc = readYaml(dir, rel, problems, true);
    if (doc === undefined || doc === null) continue;
    if (!isRecord(doc)) {
      problems.push({ level: 'error', file: rel, field: '', message: 'a facts file must map fact keys to definitions' });
      continue;
    }
    for (const [key, def] of Object.entries(doc)) {
      if (factFiles[key]) {
        problems.push({ level: 'error', file: rel, field: key, message: `fact key also defined in ${factFiles[key]}` });
        continue;
      }
      facts[key] = def as FactDef;
      factFiles[key] = rel;
    }
  }

  const asList = <T>(rel: string, required: boolean): T[] => {
    const doc = readYaml(dir, rel, problems, required);
    if (doc === undefined || doc === null) return [];
    if (!Array.isArray(doc)) {
      problems.push({ level: 'error', file: rel, field: '', message: 'expected a list' });
      return [];
    }
    return doc as T[];
  };

  const glossary = asList<GlossaryEntry>('glossary.yaml', false);
  const institutions = opts.retrievalOnly ? [] : asList<Institution>('institutions.yaml', true);
  const regions = opts.retrievalOnly ? [] : asList<RegionDef>('regions.yaml', true);
  const categories = opts.retrievalOnly ? [] : asList<CategoryDef>('categories.yaml', true);

  let requiredTopics: RequiredTopic[] = [];
  const req = opts.retrievalOnly ? undefined : readYaml(dir, 'required-topics.yaml', problems, true);
  if (isRecord(req) && Array.isArray(req.topics)) requiredTopics = req.topics as RequiredTopic[];
  else if (req !== undefined) problems.push({ level: 'error', file: 'required-topics.yaml', field: 'topics', message: 'expected a list of topics' });

  return {
    snapshot: {
      format: 1,
      topics,
      facts,
      institutions,
      glossary,
      regions,
      categories,
      requiredTopics,
      files: { topics: topicFiles, facts: factFiles },
    },
    problems,
  };
}

/**
 * Reads the tree for a command-line tool or the service's `KB_SOURCE=files` mode.
 * Throws {@link KnowledgeLoadError} if any file is missing or does not parse.
 */
export function loadSnapshotFromFiles(dir: string): KnowledgeSnapshot {
  const { snapshot, problems } = readKnowledgeFiles(dir);
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length > 0) {
    const lines = errors.map((p) => `  ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('\n');
    throw new KnowledgeLoadError(`Cannot read the knowledge base in ${dir}:\n${lines}`, errors);
  }
  return snapshot;
}
