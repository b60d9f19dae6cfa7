/**
 * Builds the whole service from a Config: infrastructure (pg Pool, Redis, BullMQ queues and
 * workers), the knowledge base, the engine, the channels and the HTTP app. Used by the
 * composition roots (services/main.ts, services/worker-main.ts) and by the tests, which pass
 * overrides (a test database, a Redis prefix, fake platform servers).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import pino, { type Logger } from 'pino';
import YAML from 'yaml';
import type { FastifyInstance } from 'fastify';
import type { ChannelAdapter, ChannelSender } from '../bots/channels/channel';
import { webchatAdapter } from '../bots/channels/webchat/to-inbound';
import { createWebchatSender } from '../bots/channels/webchat/sender';
import { createDialogueEngine } from '../bots/engine/engine';
import type { Clock, KnowledgeBase } from '../bots/engine/ports';
import type { ChannelId } from '../bots/engine/types';
import { resolveBotInstances, type BotInstance } from '../bots/instances';
import { readSecret, type Config } from './config/config';
import { createDb, ensureDatabase, runMigrations, type Db } from './db/client';
import { INBOUND_QUEUE, OUTBOUND_QUEUE } from './delivery/queues';
import { createLiveHub, type LiveHub } from './conversation/live';
import type { TurnHooks } from './conversation/turn';
import { buildHttpApp } from './http/app';
import { createMetrics, type Metrics } from './http/metrics';
import { registerWebchatRoutes } from './http/webchat-routes';
import { createTranslator } from './i18n/translator';
import { createKnowledgeBase } from './knowledge/knowledge-base';
import { loadSnapshotFromFiles } from './knowledge/load-files';
import { importSnapshot, loadActiveSnapshot } from './knowledge/store';
import { startWorkers, type RunningWorkers } from './workers';

export type Role = 'web' | 'worker' | 'all';

export interface ServiceOverrides {
  logger?: Logger;
  /** Extra channel adapters/senders (tests, later channels). */
  adapters?: ChannelAdapter[];
  senders?: ChannelSender[];
  bots?: BotInstance[];
  clock?: Clock;
  knowledgeBase?: KnowledgeBase;
  hooks?: TurnHooks;
  /** Skip the recovery sweep timer's first run etc. are controlled by config; this disables metrics defaults. */
  defaultMetrics?: boolean;
}

export interface Service {
  config: Config;
  role: Role;
  logger: Logger;
  pool: Pool;
  db: Db;
  redis: Redis;
  live: LiveHub;
  inboundQueue: Queue;
  outboundQueue: Queue;
  metrics: Metrics;
  kb: KnowledgeBase;
  bots: Map<string, BotInstance>;
  app?: FastifyInstance;
  workers?: RunningWorkers;
  /** Starts listening (web role). Returns the bound address. */
  listen(): Promise<string | null>;
  /** Graceful shutdown: stop accepting, drain jobs in progress, close connections. */
  close(): Promise<void>;
}

/** The date in Germany, for fact validity and "as of" dates. */
export const berlinClock: Clock = {
  today() {
    return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  },
};

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    // Never log message text, phone numbers or secrets, whatever a log call passes in.
    redact: {
      paths: ['text', '*.text', 'payload', '*.payload', 'phone', '*.phone', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-telegram-bot-api-secret-token"]', 'req.headers["x-hub-signature-256"]'],
      censor: '[redacted]',
    },
    serializers: {
      // The route, not the URL: query strings may carry session ids or tokens.
      req(req: { method?: string; routeOptions?: { url?: string }; url?: string; id?: string }) {
        return { method: req.method, route: req.routeOptions?.url ?? req.url?.split('?')[0], id: req.id };
      },
    },
  });
}

export function loadBotInstances(config: Config): BotInstance[] {
  const file = path.resolve(config.BOTS_CONFIG);
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read the bot configuration ${file} (BOTS_CONFIG): ${err instanceof Error ? err.message : String(err)}`);
  }
  return resolveBotInstances(parsed, (name) => readSecret(name));
}

async function loadKnowledge(config: Config, db: Db, logger: Logger): Promise<KnowledgeBase> {
  if (config.KB_SOURCE === 'files') return createKnowledgeBase(loadSnapshotFromFiles(config.KB_DIR));
  let snapshot = await loadActiveSnapshot(db);
  if (!snapshot) {
    logger.info('no knowledge base imported yet: importing knowledge-base/');
    await importSnapshot(db, loadSnapshotFromFiles(config.KB_DIR), { source: 'import', createdBy: 'start-up' });
    snapshot = await loadActiveSnapshot(db);
  }
  if (!snapshot) throw new Error('The knowledge base could not be loaded from PostgreSQL');
  return createKnowledgeBase(snapshot.snapshot);
}

export async function buildService(config: Config, role: Role, overrides: ServiceOverrides = {}): Promise<Service> {
  const logger = overrides.logger ?? createLogger(config);
  if (config.MIGRATE_ON_START) await ensureDatabase(config.DATABASE_URL);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_MAX });
  pool.on('error', (err) => logger.error({ err: err.message }, 'postgres pool error'));
  const db = createDb(pool);
  if (config.MIGRATE_ON_START) await runMigrations(db);

  const redisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true } as const;
  const redis = new Redis(config.REDIS_URL, redisOptions);
  const redisSub = new Redis(config.REDIS_URL, redisOptions);
  for (const r of [redis, redisSub]) r.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const connection = redis as unknown as ConnectionOptions;
  const inboundQueue = new Queue(INBOUND_QUEUE, { connection, prefix: config.REDIS_PREFIX });
  const outboundQueue = new Queue(OUTBOUND_QUEUE, { connection, prefix: config.REDIS_PREFIX });
  const live = createLiveHub(redis, redisSub, config.REDIS_PREFIX);
  const metrics = createMetrics({ defaultMetrics: overrides.defaultMetrics });
  metrics.watchQueues([inboundQueue, outboundQueue]);

  const bots = new Map((overrides.bots ?? loadBotInstances(config)).map((b) => [b.id, b]));
  const kb = overrides.knowledgeBase ?? (await loadKnowledge(config, db, logger));
  const engine = createDialogueEngine({ kb, t: createTranslator(), clock: overrides.clock ?? berlinClock, policyVersion: config.PRIVACY_POLICY_VERSION });

  const adapters = new Map<ChannelId, ChannelAdapter>([[webchatAdapter.channel, webchatAdapter]]);
  for (const a of overrides.adapters ?? []) adapters.set(a.channel, a);
  const senders = new Map<ChannelId, ChannelSender>();
  senders.set('webchat', createWebchatSender((topic, event) => live.publish(topic, event)));
  for (const s of overrides.senders ?? []) senders.set(s.channel, s);

  let shuttingDown = false;
  let app: FastifyInstance | undefined;
  let workers: RunningWorkers | undefined;

  if (role === 'web' || role === 'all') {
    app = buildHttpApp({
      logger,
      metrics,
      isShuttingDown: () => shuttingDown,
      readiness: [
        { name: 'postgres', check: async () => void (await pool.query('select 1')) },
        { name: 'redis', check: async () => void (await redis.ping()) },
      ],
    });
    const webchatBot = [...bots.values()].find((b) => b.channel === 'webchat');
    if (webchatBot) {
      await registerWebchatRoutes(app, { db, inboundQueue, live, bot: webchatBot, allowedOrigins: config.WEBCHAT_ALLOWED_ORIGINS });
    }
  }
  if (role === 'worker' || role === 'all') {
    workers = startWorkers({
      connection,
      prefix: config.REDIS_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDurationMs: config.WORKER_LOCK_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
      recoveryAfterMs: config.RECOVERY_AFTER_MS,
      logger,
      db,
      inboundQueue,
      outboundQueue,
      turn: { db, engine, adapters, bots, hooks: overrides.hooks, log: logger, metrics },
      outbound: { db, senders, bots, metrics, log: logger },
    });
    if (!app) {
      // A worker alone still answers health checks and metrics on its own port.
      app = buildHttpApp({
        logger,
        metrics,
        isShuttingDown: () => shuttingDown,
        readiness: [
          { name: 'postgres', check: async () => void (await pool.query('select 1')) },
          { name: 'redis', check: async () => void (await redis.ping()) },
        ],
      });
    }
  }

  const service: Service = {
    config,
    role,
    logger,
    pool,
    db,
    redis,
    live,
    inboundQueue,
    outboundQueue,
    metrics,
    kb,
    bots,
    app,
    workers,
    async listen() {
      if (!app) return null;
      const port = role === 'worker' ? config.WORKER_PORT : config.PORT;
      return app.listen({ host: config.HOST, port });
    },
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      if (app) await app.close().catch((err) => logger.warn({ err: err.message }, 'http close failed'));
      if (workers) await workers.close().catch((err) => logger.warn({ err: err.message }, 'worker close failed'));
      await live.close();
      await Promise.allSettled([inboundQueue.close(), outboundQueue.close()]);
      redis.disconnect();
      redisSub.disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return service;
}
