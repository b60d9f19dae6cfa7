/**
 * The WhatsApp bots of a deployment, put together: every `channel: whatsapp` entry of the bot
 * configuration is one number of one language bot, either on the official Cloud API
 * (`mode: cloud`, the default) or on whatsapp-web.js for a pilot (`mode: web`).
 *
 * Receiving: Cloud API webhook (services/http/whatsapp-routes.ts) or a pilot's client →
 * for each message: the 24-hour window is renewed and held replies are released → a bare
 * number is matched with the last numbered list → stored + queued (acceptInbound, deduplicated
 * per wamid) → acknowledged (read, "typing…" when the bot will answer). Receipts are stored on
 * the outbound rows and never start a turn.
 * Sending (worker role): replies in conversation order → per bot, the Cloud API sender (with
 * the window read from PostgreSQL: template and hold outside it) or the pilot's client.
 * Phone numbers are never logged.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelSender } from '../../bots/channels/channel';
import type { GraphApi } from '../../bots/channels/whatsapp/cloud-api';
import { readWhatsAppOptions, type WhatsAppBotOptions } from '../../bots/channels/whatsapp/options';
import { acknowledgeWhatsAppMessage, createWhatsAppCloudSender, type WhatsAppCloudNumber, type WhatsAppSendMeta } from '../../bots/channels/whatsapp/sender';
import { looksLikeNumberAnswer, opensServiceWindow, whatsappAdapter } from '../../bots/channels/whatsapp/to-inbound';
import { createWhatsAppWebSender, type WebClientLike } from '../../bots/channels/whatsapp/web-client';
import type { CloudMessage, WhatsAppInboxPayload, WhatsAppStatusUpdate, WhatsAppWebhookBatch } from '../../bots/channels/whatsapp/webhook';
import { serviceWindow, type ServiceWindow } from '../../bots/channels/whatsapp/window';
import type { BotInstance } from '../../bots/instances';
import { acceptInbound } from '../conversation/inbox';
import type { LiveHub } from '../conversation/live';
import type { Db } from '../db/client';
import { inConversationOrder } from '../delivery/ordered-sender';
import { createRedisRateLimiter, createRedisSentPartsLog } from '../delivery/rate-limiter';
import { CONSOLE_TOPIC, type ConsoleEvent } from '../handoff/live-events';
import { registerWhatsAppRoutes } from '../http/whatsapp-routes';
import { enqueueOutboundJobs } from '../workers';
import { applyReceipts } from './receipts';
import { createPilotStatusStore, createRedisNumberedChoiceMemory, type PilotStatus } from './redis-stores';
import { markHeld, outboundJobOf, readReplyWindow, releaseHeldReplies, touchServiceWindow } from './reply-window';
import { startWhatsAppWebPilots, type RunningPilots } from './web-pilots';

type CloudOptions = Extract<WhatsAppBotOptions, { mode: 'cloud' }>;

/** When a receipt that found no row is tried again (ms after the previous try). */
export const RECEIPT_RETRY_MS = [1_000, 3_000, 10_000];

export interface WhatsAppBot {
  bot: BotInstance;
  options: WhatsAppBotOptions;
}

export interface WhatsAppServiceDeps {
  bots: WhatsAppBot[];
  api: GraphApi;
  db: Db;
  redis: Redis;
  prefix: string;
  inboundQueue: Queue;
  outboundQueue: Queue;
  live?: LiveHub;
  /** Runs the pilots' whatsapp-web.js clients in this process (worker role); null in a web process. */
  pilots: { createClient(bot: BotInstance): WebClientLike; showQr?(bot: BotInstance, qr: string): void | Promise<void> } | null;
  log: Logger;
}

export interface WhatsAppService {
  sender: ChannelSender;
  /** The webhook routes (web role). */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Starts the pilots' clients (when this process runs them). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Receives one message from a pilot's client (also used by tests). */
  acceptMessage(botId: string, message: CloudMessage): Promise<'ignored' | 'accepted' | 'duplicate'>;
  /** The 24-hour window of a Cloud API conversation, for the console; null for other channels and pilots. */
  replyWindowOf(person: { channel: string; botId: string; lastInboundAt: Date | null }): ServiceWindow | null;
  /** The pilots' login state and QR code, for admins in the console. */
  pilotStatuses(): Promise<PilotStatus[]>;
}

/** Reads the WhatsApp bots out of the configured instances (throws BotConfigError on a bad entry). */
export function whatsappBotsOf(bots: Iterable<BotInstance>): WhatsAppBot[] {
  const out = [...bots].filter((b) => b.channel === 'whatsapp').map((bot) => ({ bot, options: readWhatsAppOptions(bot) }));
  const seen = new Map<string, string>();
  for (const { bot, options } of out) {
    if (options.mode !== 'cloud') continue;
    const other = seen.get(options.phoneNumberId);
    if (other) throw new Error(`Bots "${other}" and "${bot.id}" use the same WhatsApp phone number id: one number per language bot`);
    seen.set(options.phoneNumberId, bot.id);
  }
  return out;
}

export function createWhatsAppService(deps: WhatsAppServiceDeps): WhatsAppService {
  const byId = new Map(deps.bots.map((b) => [b.bot.id, b]));
  const cloud = new Map(deps.bots.filter((b): b is { bot: BotInstance; options: CloudOptions } => b.options.mode === 'cloud').map((b) => [b.bot.id, b]));
  const pilotBots = deps.bots.filter((b) => b.options.mode === 'web');
  const numbers = new Map<string, WhatsAppCloudNumber>(
    [...cloud.values()].map(({ bot, options }) => [
      bot.id,
      { phoneNumberId: options.phoneNumberId, accessToken: options.accessToken, template: options.template, limits: options.limits },
    ]),
  );
  const limiter = createRedisRateLimiter(deps.redis, deps.prefix);
  const sentParts = createRedisSentPartsLog(deps.redis, deps.prefix);
  const choices = createRedisNumberedChoiceMemory(deps.redis, deps.prefix);
  const pilotStatus = createPilotStatusStore(deps.redis, deps.prefix);
  let pilots: RunningPilots | null = null;
  let stopped = false;
  const receiptTimers = new Set<NodeJS.Timeout>();

  const publish = (conversationIds: Iterable<string>) => {
    if (!deps.live) return;
    for (const conversationId of conversationIds) {
      const event: ConsoleEvent = { type: 'message', conversationId };
      void deps.live.publish(CONSOLE_TOPIC, event).catch(() => undefined);
    }
  };

  const cloudSender = createWhatsAppCloudSender({ numbers, api: deps.api, limiter, sentParts, choices });
  const webSender = createWhatsAppWebSender({
    clientOf: (botId) => pilots?.clientOf(botId) ?? null,
    limitsOf: (botId) => byId.get(botId)!.options.limits,
    limiter,
    sentParts,
    choices,
  });

  /** The Cloud API sender, told the conversation's window; a held reply leaves `pending`. */
  const windowAware: ChannelSender = {
    channel: 'whatsapp',
    async send(target, reply, meta) {
      if (!cloud.has(target.bot.id)) return webSender.send(target, reply, meta);
      const window = await readReplyWindow(deps.db, target.bot.id, target.externalUserId, meta.messageId);
      const whatsappMeta: WhatsAppSendMeta = { ...meta, lastInboundAt: window.lastInboundAt, awaitingReply: window.awaitingReply };
      const result = await cloudSender.send(target, reply, whatsappMeta);
      if (result.heldForWindow && meta.messageId !== undefined) {
        await markHeld(deps.db, meta.messageId, result.platformMessageId ?? null);
        if (window.conversationId) publish([window.conversationId]);
      }
      return result;
    },
  };
  const sender = inConversationOrder(windowAware, deps.db);

  async function acknowledge(botId: string, wamid: string, owner: string | null): Promise<void> {
    const number = numbers.get(botId);
    if (!number) return;
    // Read receipts and "typing…" only while the bot answers; a counsellor reads it themselves.
    if (owner !== null && owner !== 'bot') return;
    await acknowledgeWhatsAppMessage(deps.api, number, wamid, true).catch((err: Error) =>
      deps.log.debug({ botId, err: err.message }, 'whatsapp acknowledgement failed'),
    );
  }

  async function acceptMessage(botId: string, message: CloudMessage): Promise<'ignored' | 'accepted' | 'duplicate'> {
    const entry = byId.get(botId);
    if (!entry) return 'ignored';
    const payload: WhatsAppInboxPayload = { message };
    if (looksLikeNumberAnswer(message)) {
      const remembered = await choices.recall(botId, message.from);
      if (remembered) payload.numberedChoices = remembered;
    }
    const identity = whatsappAdapter.identify(payload, entry.bot);
    let outcome: 'ignored' | 'accepted' | 'duplicate' = 'ignored';
    if (identity) {
      const result = await acceptInbound({ db: deps.db, inboundQueue: deps.inboundQueue }, { channel: 'whatsapp', botId, ...identity, payload });
      outcome = result.duplicate ? 'duplicate' : 'accepted';
    }
    // The person wrote: the window is open again, and replies held for it go out now.
    let owner: string | null = null;
    if (opensServiceWindow(message)) {
      const seconds = Number(message.timestamp);
      const touched = await touchServiceWindow(deps.db, botId, message.from, Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date());
      owner = touched?.owner ?? null;
      if (touched && touched.held > 0) {
        await releaseHeldReplies(deps.db, deps.outboundQueue, botId, message.from);
        publish([touched.conversationId]);
      }
    }
    if (outcome === 'accepted') void acknowledge(botId, message.id, owner);
    return outcome;
  }

  /**
   * Stores receipts. One that finds no row yet (Meta can be faster than the worker recording
   * the wamid) is tried again a few times, in this process, after {@link RECEIPT_RETRY_MS}.
   */
  async function storeReceipts(statuses: WhatsAppStatusUpdate[], attempt: number): Promise<void> {
    const receipts = await applyReceipts(deps.db, statuses);
    if (receipts.refused.length > 0) {
      // Sent after the window had closed after all: queued again, to go out as the template.
      await enqueueOutboundJobs(deps.outboundQueue, receipts.refused.map((r) => outboundJobOf(r, r.botId, r.person)));
    }
    publish(receipts.conversationIds);
    const delay = RECEIPT_RETRY_MS[attempt];
    if (receipts.unmatched.length > 0 && delay !== undefined && !stopped) {
      const timer = setTimeout(() => {
        receiptTimers.delete(timer);
        void storeReceipts(receipts.unmatched, attempt + 1).catch((err: Error) => deps.log.warn({ err: err.message }, 'whatsapp receipts not stored'));
      }, delay);
      timer.unref();
      receiptTimers.add(timer);
    }
  }

  async function acceptBatches(batches: Array<{ botId: string; batch: WhatsAppWebhookBatch }>): Promise<void> {
    for (const { botId, batch } of batches) {
      // In order: several messages of one person keep their order.
      for (const message of batch.messages) await acceptMessage(botId, message);
      if (batch.statuses.length > 0) await storeReceipts(batch.statuses, 0);
    }
  }

  return {
    sender,
    async registerRoutes(app) {
      await registerWhatsAppRoutes(app, {
        bots: [...cloud.values()].map(({ bot, options }) => ({ botId: bot.id, phoneNumberId: options.phoneNumberId, appSecret: options.appSecret, verifyToken: options.verifyToken })),
        accept: acceptBatches,
        log: deps.log,
      });
    },
    async start() {
      if (!deps.pilots || pilotBots.length === 0 || pilots) return;
      const factory = deps.pilots;
      pilots = startWhatsAppWebPilots({
        bots: pilotBots.map((b) => b.bot),
        createClient: (bot) => factory.createClient(bot),
        showQr: factory.showQr,
        accept: async (bot, message) => void (await acceptMessage(bot.id, message)),
        redis: deps.redis,
        prefix: deps.prefix,
        log: deps.log,
      });
    },
    async stop() {
      stopped = true;
      for (const timer of receiptTimers) clearTimeout(timer);
      receiptTimers.clear();
      await pilots?.stop();
      pilots = null;
    },
    acceptMessage,
    replyWindowOf(person) {
      if (person.channel !== 'whatsapp' || !cloud.has(person.botId)) return null;
      return serviceWindow(person.lastInboundAt);
    },
    async pilotStatuses() {
      return Promise.all(pilotBots.map((b) => pilotStatus.read(b.bot.id)));
    },
  };
}
