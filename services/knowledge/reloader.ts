/**
 * Keeps a running instance on the active knowledge-base version. Publishing (editor console,
 * restore) announces `{type: 'published', version}` on the live hub (Redis pub/sub, topic
 * {@link KB_LIVE_TOPIC}); every instance — web and worker — then loads the active snapshot from
 * PostgreSQL and swaps its in-memory knowledge base. A slow poll of the active version's name
 * catches an announcement missed while Redis was unreachable.
 */
import { desc, eq } from 'drizzle-orm';
import type { LiveHub } from '../conversation/live';
import type { Db } from '../db/client';
import { kbVersions } from '../db/schema';
import { createKnowledgeBase } from './knowledge-base';
import { loadActiveSnapshot } from './store';
import type { SwappableKnowledgeBase } from './swappable';

/** Live-hub topic of knowledge-base announcements. */
export const KB_LIVE_TOPIC = 'kb';
/** Fallback check of the active version when an announcement was missed. */
export const KB_RELOAD_POLL_MS = 30_000;

export interface KbPublishedEvent {
  type: 'published';
  version: string;
}

export interface KnowledgeReloader {
  /** Loads the active version now if it differs from the one in memory; returns the version in memory afterwards. */
  reloadNow(): Promise<string>;
  /** Tells every instance (this one included) that `version` is active. */
  announce(version: string): Promise<void>;
  close(): void;
}

export function startKnowledgeReloader(deps: {
  db: Db;
  live: LiveHub;
  kb: SwappableKnowledgeBase;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  pollMs?: number;
}): KnowledgeReloader {
  let chain: Promise<string> = Promise.resolve(deps.kb.version);
  let closed = false;

  const load = async (): Promise<string> => {
    const [active] = await deps.db.select({ version: kbVersions.version }).from(kbVersions).where(eq(kbVersions.isActive, true)).orderBy(desc(kbVersions.id)).limit(1);
    if (!active || active.version === deps.kb.version) return deps.kb.version;
    const stored = await loadActiveSnapshot(deps.db);
    if (!stored || stored.version === deps.kb.version) return deps.kb.version;
    const started = Date.now();
    deps.kb.swap(createKnowledgeBase(stored.snapshot, { version: stored.version }));
    deps.log.info({ version: stored.version, ms: Date.now() - started }, 'knowledge base reloaded');
    return stored.version;
  };
  /** One reload at a time; a request while one runs waits for it and then checks again. */
  const reloadNow = (): Promise<string> => {
    chain = chain.catch(() => deps.kb.version).then(load);
    return chain;
  };
  const failed = (err: unknown) => deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'knowledge base reload failed');

  const unsubscribe = deps.live.subscribe(KB_LIVE_TOPIC, (event) => {
    const e = event as Partial<KbPublishedEvent>;
    if (closed || e?.type !== 'published' || e.version === deps.kb.version) return;
    reloadNow().catch(failed);
  });
  const timer = setInterval(() => void reloadNow().catch(failed), deps.pollMs ?? KB_RELOAD_POLL_MS);
  timer.unref();

  return {
    reloadNow,
    async announce(version) {
      await deps.live.publish(KB_LIVE_TOPIC, { type: 'published', version } satisfies KbPublishedEvent);
    },
    close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
    },
  };
}
