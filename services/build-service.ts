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
import { createTelegramApi } from '../bots/channels/telegram/client';
import { telegramAdapter } from '../bots/channels/telegram/to-inbound';
import { whatsappAdapter } from '../bots/channels/whatsapp/to-inbound';
import { createWhatsAppWebClient, loadWhatsAppWebLibrary, type WebClientLike } from '../bots/channels/whatsapp/web-client';
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
import { loadCannedReplies } from './console/canned-replies';
import { registerConsoleRoutes } from './console/routes';
import { createHandoffHooks } from './handoff/hooks';
import { HANDOFF_QUEUE } from './handoff/jobs';
import { createStaffNotifier, handoffSettingsFromConfig } from './handoff/settings';
import type { StaffNotifier } from './handoff/staff-notifier';
import { startHandoffWorker, type RunningHandoffWorker } from './handoff/worker';
import type { InMemoryKnowledgeBase } from './knowledge/knowledge-base';
import { createTranslator } from './i18n/translator';
import { createKnowledgeBase } from './knowledge/knowledge-base';
import { warmAnswers } from './knowledge/warm-answers';
import { loadSnapshotFromFiles } from './knowledge/load-files';
import { importSnapshot, loadActiveSnapshot } from './knowledge/store';
import { startKnowledgeReloader, type KnowledgeReloader } from './knowledge/reloader';
import { createSwappableKnowledgeBase, type SwappableKnowledgeBase } from './knowledge/swappable';
import { createEditorService } from './editor/editor-service';
import { startWorkers, type RunningWorkers } from './workers';
import { createTelegramService, telegramBotsOf, type TelegramService } from './telegram/telegram-service';
import { qrForTerminal } from './whatsapp/qr-code';
import { createWhatsAppService, whatsappBotsOf, type WhatsAppService } from './whatsapp/whatsapp-service';

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
  /** Where new handoff tickets and SLA reminders are announced (tests collect them). */
  staffNotifier?: StaffNotifier;
  /** Skip the recovery sweep timer's first run etc. are controlled by config; this disables metrics defaults. */
  defaultMetrics?: boolean;
  /** Constructs the whatsapp-web.js client of a pilot bot (tests pass a stand-in; default: the real library). */
  whatsappWebClient?: (bot: BotInstance) => WebClientLike;
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
  /** Handoff timers: staff notifications, SLA reminders, return to the bot. */
  handoffQueue: Queue;
  metrics: Metrics;
  kb: KnowledgeBase;
  bots: Map<string, BotInstance>;
  app?: FastifyInstance;
  workers?: RunningWorkers;
  handoff?: RunningHandoffWorker;
  /** Starts listening (web role). Returns the bound address. */
  listen(): Promise<string | null>;
  /** Graceful shutdown: stop accepting, drain jobs in progress, close connections. */
  close(): Promise<void>;
}

/** The date in Germany, for fact validity and "as of" dates. */
const BERLIN_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' });
let todayCache = { at: 0, value: '' };
export const berlinClock: Clock = {
  today() {
    // Formatting a date in a time zone is costly and every turn asks: read at most once a second.
    const now = Date.now();
    if (now - todayCache.at >= 1000 || now < todayCache.at) todayCache = { at: now, value: BERLIN_DATE.format(new Date(now)) };
    return todayCache.value;
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

/** The real whatsapp-web.js client of a pilot (the optional library is required here, once). */
function realWhatsAppWebClient(config: Config): (bot: BotInstance) => WebClientLike {
  const lib = loadWhatsAppWebLibrary();
  return (bot) => createWhatsAppWebClient(lib, bot.id, { sessionDir: config.WHATSAPP_WEB_SESSION_DIR, chromiumPath: config.WHATSAPP_WEB_CHROMIUM });
}

/** A pilot's login QR code in the terminal (never in the JSON logs). */
async function showQrInTerminal(bot: BotInstance, qr: string): Promise<void> {
  process.stdout.write(`\nWhatsApp pilot ${bot.id}: scan this code with WhatsApp → Linked devices (also shown to admins in the console)\n${await qrForTerminal(qr)}\n`);
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

async function loadKnowledge(config: Config, db: Db, logger: Logger): Promise<InMemoryKnowledgeBase> {
  if (config.KB_SOURCE === 'files') return createKnowledgeBase(loadSnapshotFromFiles(config.KB_DIR), { version: 'files' });
  let snapshot = await loadActiveSnapshot(db);
  if (!snapshot) {
    logger.info('no knowledge base imported yet: importing knowledge-base/');
    await importSnapshot(db, loadSnapshotFromFiles(config.KB_DIR), { source: 'import', createdBy: 'start-up' });
    snapshot = await loadActiveSnapshot(db);
  }
  if (!snapshot) throw new Error('The knowledge base could not be loaded from PostgreSQL');
  return createKnowledgeBase(snapshot.snapshot, { version: snapshot.version });
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
  const handoffQueue = new Queue(HANDOFF_QUEUE, { connection, prefix: config.REDIS_PREFIX });
  const live = createLiveHub(redis, redisSub, config.REDIS_PREFIX);
  const metrics = createMetrics({ defaultMetrics: overrides.defaultMetrics });
  metrics.watchQueues([inboundQueue, outboundQueue, handoffQueue]);

  const bots = new Map((overrides.bots ?? loadBotInstances(config)).map((b) => [b.id, b]));
  // From PostgreSQL, the knowledge base is swappable: a version published in the editor console
  // (or restored) is announced on the live hub and every instance reloads it without a restart.
  let kbHolder: SwappableKnowledgeBase | null = null;
  let kbReloader: KnowledgeReloader | null = null;
  let kb: KnowledgeBase;
  if (overrides.knowledgeBase) kb = overrides.knowledgeBase;
  else if (config.KB_SOURCE === 'db') {
    kbHolder = createSwappableKnowledgeBase(await loadKnowledge(config, db, logger));
    kbReloader = startKnowledgeReloader({ db, live, kb: kbHolder, log: logger });
    kb = kbHolder;
  } else kb = await loadKnowledge(config, db, logger);
  const engine = createDialogueEngine({ kb, t: createTranslator(), clock: overrides.clock ?? berlinClock, policyVersion: config.PRIVACY_POLICY_VERSION, retentionDays: config.DATA_RETENTION_DAYS });

  // Handoff to counsellors: tickets in PostgreSQL, timers in the handoff queue (services/handoff).
  const handoffSettings = handoffSettingsFromConfig(config);
  const handoffTexts = { t: createTranslator(), hours: handoffSettings.hours };
  const handoffHooks = overrides.hooks ?? createHandoffHooks({ t: handoffTexts.t, settings: handoffSettings, queue: handoffQueue, live, log: logger });

  const adapters = new Map<ChannelId, ChannelAdapter>([
    [webchatAdapter.channel, webchatAdapter],
    [telegramAdapter.channel, telegramAdapter],
    [whatsappAdapter.channel, whatsappAdapter],
  ]);
  for (const a of overrides.adapters ?? []) adapters.set(a.channel, a);
  const senders = new Map<ChannelId, ChannelSender>();
  senders.set('webchat', createWebchatSender((topic, event) => live.publish(topic, event)));
  // Telegram bots (channel: telegram in the bot configuration): one API client per bot, one sender.
  const telegramBots = telegramBotsOf(bots.values());
  const telegram: TelegramService | null =
    telegramBots.length === 0
      ? null
      : createTelegramService({
          bots: telegramBots.map((b) => ({
            ...b,
            api: createTelegramApi(b.options.token, config.TELEGRAM_API_ROOT),
            pollApi: b.options.mode === 'polling' ? createTelegramApi(b.options.token, config.TELEGRAM_API_ROOT, config.TELEGRAM_POLL_TIMEOUT_S + 15) : undefined,
          })),
          db,
          inboundQueue,
          redis,
          prefix: config.REDIS_PREFIX,
          webhookBaseUrl: config.TELEGRAM_WEBHOOK_BASE_URL ?? config.PUBLIC_BASE_URL,
          pollTimeoutS: config.TELEGRAM_POLL_TIMEOUT_S,
          log: logger,
        });
  if (telegram) senders.set('telegram', telegram.sender);
  // WhatsApp bots (channel: whatsapp): Cloud API numbers, and whatsapp-web.js pilots whose clients
  // run in a worker process (the optional library is loaded only when a pilot is configured).
  const whatsappBots = whatsappBotsOf(bots.values());
  const runsPilots = role !== 'web' && whatsappBots.some((b) => b.options.mode === 'web');
  const whatsapp: WhatsAppService | null =
    whatsappBots.length === 0
      ? null
      : createWhatsAppService({
          bots: whatsappBots,
          api: { apiRoot: config.WHATSAPP_API_ROOT, apiVersion: config.WHATSAPP_API_VERSION },
          db,
          redis,
          prefix: config.REDIS_PREFIX,
          inboundQueue,
          outboundQueue,
          live,
          pilots: runsPilots ? { createClient: overrides.whatsappWebClient ?? realWhatsAppWebClient(config), showQr: showQrInTerminal } : null,
          log: logger,
        });
  if (whatsapp) senders.set('whatsapp', whatsapp.sender);
  for (const s of overrides.senders ?? []) senders.set(s.channel, s);

  let shuttingDown = false;
  let app: FastifyInstance | undefined;
  let workers: RunningWorkers | undefined;
  let handoffWorker: RunningHandoffWorker | undefined;

  // Health, readiness and metrics: the web process, or a worker alone on its own port.
  const newHttpApp = () =>
    buildHttpApp({
      logger,
      metrics,
      isShuttingDown: () => shuttingDown,
      trustProxy: config.TRUST_PROXY,
      readiness: [
        { name: 'postgres', check: async () => void (await pool.query('select 1')) },
        { name: 'redis', check: async () => void (await redis.ping()) },
      ],
    });

  if (role === 'web' || role === 'all') {
    app = newHttpApp();
    const webchatBot = [...bots.values()].find((b) => b.channel === 'webchat');
    if (webchatBot) {
      await registerWebchatRoutes(app, { db, inboundQueue, live, bot: webchatBot, allowedOrigins: config.WEBCHAT_ALLOWED_ORIGINS });
    }
    await registerConsoleRoutes(app, {
      db,
      redis,
      prefix: config.REDIS_PREFIX,
      live,
      outboundQueue,
      handoffQueue,
      texts: handoffTexts,
      institutions: () => (kb as Partial<InMemoryKnowledgeBase>).snapshot?.institutions ?? [],
      topicTitle: (slug, locale) => kb.topicTitle(slug, locale),
      cannedReplies: loadCannedReplies(path.resolve(config.HANDOFF_CANNED_REPLIES)),
      secureCookies: config.PUBLIC_BASE_URL.startsWith('https:'),
      sessionTtlMs: config.CONSOLE_SESSION_HOURS * 3_600_000,
      loginMaxAttempts: config.CONSOLE_LOGIN_MAX_ATTEMPTS,
      loginWindowMs: config.CONSOLE_LOGIN_WINDOW_MINUTES * 60_000,
      log: logger,
      ...(whatsapp ? { replyWindowOf: whatsapp.replyWindowOf, pilotStatuses: whatsapp.pilotStatuses } : {}),
      editor:
        kbHolder && kbReloader
          ? { editor: createEditorService({ db, kb: kbHolder, reloader: kbReloader, today: () => (overrides.clock ?? berlinClock).today(), log: logger }), today: () => (overrides.clock ?? berlinClock).today() }
          : undefined,
    });
    if (telegram) await telegram.registerRoutes(app);
    if (whatsapp) await whatsapp.registerRoutes(app);
  }
  if (role === 'worker' || role === 'all') {
    workers = startWorkers({
      connection,
      prefix: config.REDIS_PREFIX,
      concurrency: config.WORKER_CONCURRENCY,
      lockDurationMs: config.WORKER_LOCK_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
      recoveryAfterMs: config.RECOVERY_AFTER_MS,
      retentionDays: config.DATA_RETENTION_DAYS,
      logger,
      db,
      inboundQueue,
      outboundQueue,
      turn: { db, engine, adapters, bots, hooks: handoffHooks, log: logger, metrics },
      outbound: { db, senders, bots, metrics, log: logger },
    });
    handoffWorker = startHandoffWorker({
      connection,
      prefix: config.REDIS_PREFIX,
      db,
      queue: handoffQueue,
      outboundQueue,
      notifier: overrides.staffNotifier ?? createStaffNotifier(config, logger),
      live,
      texts: handoffTexts,
      settings: handoffSettings,
      logger,
      lockDurationMs: config.WORKER_LOCK_MS,
      stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS,
      sweepIntervalMs: config.RECOVERY_AFTER_MS,
    });
    if (config.WARM_ANSWERS_ON_START && !overrides.knowledgeBase) {
      // At start, and again when the day changes (facts switch by date, answers are per day).
      const warmKb = kbHolder ?? (kb as InMemoryKnowledgeBase);
      const clock = overrides.clock ?? berlinClock;
      let warmedDay = '';
      const warm = () => {
        const today = clock.today();
        if (today === warmedDay || shuttingDown) return;
        warmedDay = today;
        void warmAnswers(warmKb, today, () => shuttingDown).then(
          (answers) => logger.debug({ answers }, 'answers of the day built'),
          (err: Error) => logger.warn({ err: err.message }, 'building the answers of the day failed'),
        );
      };
      warm();
      setInterval(warm, 60_000).unref();
    }
    if (!app) {
      // A worker alone still answers health checks and metrics on its own port.
      app = newHttpApp();
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
    handoffQueue,
    metrics,
    kb,
    bots,
    app,
    workers,
    handoff: handoffWorker,
    async listen() {
      if (!app) return null;
      const port = role === 'worker' ? config.WORKER_PORT : config.PORT;
      const address = await app.listen({ host: config.HOST, port });
      // Webhooks, command menus and polling once the routes can be reached (web role only).
      if (telegram && role !== 'worker') await telegram.start();
      // whatsapp-web.js pilots log in (QR code) in the process that sends their replies.
      if (whatsapp) await whatsapp.start();
      return address;
    },
    async close() {
      if (shuttingDown) return;
      shuttingDown = true;
      if (app) await app.close().catch((err) => logger.warn({ err: err.message }, 'http close failed'));
      if (telegram) await telegram.stop().catch((err) => logger.warn({ err: err.message }, 'telegram stop failed'));
      if (whatsapp) await whatsapp.stop().catch((err) => logger.warn({ err: err.message }, 'whatsapp stop failed'));
      if (workers) await workers.close().catch((err) => logger.warn({ err: err.message }, 'worker close failed'));
      if (handoffWorker) await handoffWorker.close().catch((err) => logger.warn({ err: err.message }, 'handoff worker close failed'));
      kbReloader?.close();
      await live.close();
      await Promise.allSettled([inboundQueue.close(), outboundQueue.close(), handoffQueue.close()]);
      redis.disconnect();
      redisSub.disconnect();
      await pool.end().catch(() => undefined);
    },
  };
  return service;
}
