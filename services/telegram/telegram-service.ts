/**
 * The Telegram bots of a deployment, put together: every bot instance with `channel: telegram`
 * in the bot configuration gets its API client (constructed by the composition root and passed
 * in), the webhook route or a poller, and the shared sender. One process serves any number of
 * language bots; they differ only in configuration (token, secret, default language).
 *
 * Receiving (web role): webhook → secret checked → `identify` → stored + queued
 * (acceptInbound, deduplicated per (bot, update_id)) → 200 → acknowledged (button answered,
 * "typing…"). Polling bots feed the same path from a `getUpdates` loop.
 * Sending (worker role): the outbound queue → replies in conversation order → send limits →
 * `sendMessage`.
 */
import type { Api } from 'grammy';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { ChannelSender } from '../../bots/channels/channel';
import { acknowledgeUpdate } from '../../bots/channels/telegram/acknowledge';
import { readTelegramOptions, type TelegramBotOptions } from '../../bots/channels/telegram/options';
import { createTelegramSender, type TelegramClient } from '../../bots/channels/telegram/sender';
import { telegramAdapter, updateIdOf } from '../../bots/channels/telegram/to-inbound';
import type { BotInstance } from '../../bots/instances';
import { acceptInbound } from '../conversation/inbox';
import type { Db } from '../db/client';
import { inConversationOrder } from '../delivery/ordered-sender';
import { createRedisRateLimiter, createRedisSentPartsLog } from '../delivery/rate-limiter';
import { registerTelegramRoutes } from '../http/telegram-routes';
import { startTelegramPolling, type TelegramPoller } from './poller';
import { registerTelegramBot } from './register';

/** A failed start-up registration is tried again after this long (doubling up to 10 min). */
export const REGISTER_RETRY_MS = 30_000;
const REGISTER_RETRY_MAX_MS = 10 * 60_000;

/** One configured Telegram bot with its clients. */
export interface TelegramBotRuntime {
  bot: BotInstance;
  options: TelegramBotOptions;
  /** For sending and registration. */
  api: Api;
  /** For long polling (a longer timeout); polling-mode bots only. */
  pollApi?: Api;
}

export interface TelegramServiceDeps {
  bots: TelegramBotRuntime[];
  db: Db;
  inboundQueue: Queue;
  redis: Redis;
  prefix: string;
  /** Public base URL for webhooks (`<base>/telegram/<botId>/webhook`). */
  webhookBaseUrl: string;
  pollTimeoutS: number;
  log: Logger;
}

export interface TelegramService {
  sender: ChannelSender;
  /** Webhook routes (web role). */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Registers webhooks and command menus, starts polling (web role, after listening). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Reads the Telegram bots out of the configured instances (throws BotConfigError on a bad entry). */
export function telegramBotsOf(bots: Iterable<BotInstance>): Array<{ bot: BotInstance; options: TelegramBotOptions }> {
  return [...bots].filter((b) => b.channel === 'telegram').map((bot) => ({ bot, options: readTelegramOptions(bot) }));
}

export function createTelegramService(deps: TelegramServiceDeps): TelegramService {
  const byId = new Map(deps.bots.map((b) => [b.bot.id, b]));
  const clients = new Map<string, TelegramClient>(deps.bots.map((b) => [b.bot.id, { api: b.api, limits: b.options.limits }]));
  const sender = inConversationOrder(
    createTelegramSender({
      clients,
      limiter: createRedisRateLimiter(deps.redis, deps.prefix),
      sentParts: createRedisSentPartsLog(deps.redis, deps.prefix),
    }),
    deps.db,
  );
  const pollers: TelegramPoller[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  /** Stores and queues one update, then acknowledges it (never waiting for the acknowledgement). */
  async function accept(runtime: TelegramBotRuntime, update: unknown): Promise<'ignored' | 'accepted' | 'duplicate'> {
    const identity = telegramAdapter.identify(update, runtime.bot);
    if (!identity) return 'ignored';
    const result = await acceptInbound(
      { db: deps.db, inboundQueue: deps.inboundQueue },
      { channel: 'telegram', botId: runtime.bot.id, ...identity, payload: update },
    );
    void acknowledgeUpdate(runtime.api, update).then((settled) => {
      for (const s of settled) {
        if (s.status === 'rejected') {
          deps.log.debug({ botId: runtime.bot.id, updateId: updateIdOf(update), err: String((s.reason as Error)?.message ?? s.reason) }, 'telegram acknowledgement failed');
        }
      }
    });
    return result.duplicate ? 'duplicate' : 'accepted';
  }

  async function tryRegister(runtime: TelegramBotRuntime): Promise<boolean> {
    try {
      await registerTelegramBot(runtime.api, runtime.bot, runtime.options, deps.webhookBaseUrl);
      deps.log.info({ botId: runtime.bot.id, mode: runtime.options.mode }, 'telegram bot registered');
      return true;
    } catch (err) {
      deps.log.error({ botId: runtime.bot.id, err: err instanceof Error ? err.message : String(err) }, 'telegram registration failed; retrying in the background');
      return false;
    }
  }

  function retryRegisterLater(runtime: TelegramBotRuntime, delayMs: number): void {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void tryRegister(runtime).then((ok) => ok || retryRegisterLater(runtime, Math.min(delayMs * 2, REGISTER_RETRY_MAX_MS)));
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  return {
    sender,
    async registerRoutes(app) {
      await registerTelegramRoutes(app, {
        bots: new Map(deps.bots.filter((b) => b.options.mode === 'webhook').map((b) => [b.bot.id, { secret: b.options.webhookSecret ?? '' }])),
        accept: (botId, update) => accept(byId.get(botId)!, update),
      });
    },
    async start() {
      // Registration is awaited once (so a test or an operator sees it done when start returns);
      // a failure does not stop the service: it is logged and tried again in the background.
      await Promise.all(
        deps.bots.map(async (runtime) => {
          if (!(await tryRegister(runtime))) retryRegisterLater(runtime, REGISTER_RETRY_MS);
        }),
      );
      for (const runtime of deps.bots) {
        if (runtime.options.mode !== 'polling') continue;
        pollers.push(
          startTelegramPolling({
            api: runtime.pollApi ?? runtime.api,
            bot: runtime.bot,
            redis: deps.redis,
            prefix: deps.prefix,
            timeoutS: deps.pollTimeoutS,
            log: deps.log,
            accept: async (update) => void (await accept(runtime, update)),
          }),
        );
      }
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(pollers.splice(0).map((p) => p.stop()));
    },
  };
}
