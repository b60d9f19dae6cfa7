/**
 * Long polling (development, or a machine without a public URL): a `getUpdates` loop feeding
 * the same inbound path as the webhook (store + queue, then acknowledge).
 *
 * - Only one process polls a bot: Telegram refuses concurrent `getUpdates` (409), so every web
 *   process may start a poller and the one holding a Redis lock (renewed before each call)
 *   polls; the others wait and take over if it stops.
 * - The offset (last update_id + 1) is kept in Redis after each stored update, so a restart
 *   neither loses nor repeats updates; one stored twice is deduplicated by the inbox anyway.
 * - An update that cannot be stored (database down) is not confirmed: Telegram gives it again.
 * - `stop()` aborts the long poll at once and releases the lock.
 */
import { randomUUID } from 'node:crypto';
import type { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TELEGRAM_ALLOWED_UPDATES } from '../../bots/channels/telegram/to-inbound';
import type { BotInstance } from '../../bots/instances';
import { releaseLease, renewLease } from '../db/redis-lease';

/** A process that does not hold the lock looks again this often. */
export const POLL_LOCK_RETRY_MS = 5_000;
/** Updates per `getUpdates` call (Telegram's maximum). */
export const POLL_BATCH = 100;
const BACKOFF_MAX_MS = 30_000;

export interface PollerDeps {
  api: Api;
  bot: BotInstance;
  redis: Redis;
  prefix: string;
  /** Seconds one `getUpdates` waits for updates (0: short polling). */
  timeoutS: number;
  /** Stores and queues one update; throws when it could not be stored. */
  accept(update: unknown): Promise<void>;
  log: Pick<Logger, 'info' | 'warn'>;
}

export interface TelegramPoller {
  stop(): Promise<void>;
}

export function pollerKeys(prefix: string, botId: string): { offset: string; lock: string } {
  return { offset: `${prefix}:tg:${botId}:offset`, lock: `${prefix}:tg:${botId}:poller` };
}

/**
 * @example const poller = startTelegramPolling({ api, bot, redis, prefix, timeoutS: 25, accept, log }); … await poller.stop();
 */
export function startTelegramPolling(deps: PollerDeps): TelegramPoller {
  const { api, bot, redis } = deps;
  const keys = pollerKeys(deps.prefix, bot.id);
  const owner = randomUUID();
  const lockMs = (deps.timeoutS + 30) * 1000;
  const controller = new AbortController();
  // grammY's Node types name the abort-controller package's AbortSignal; at run time it only
  // needs addEventListener, which Node's own signal has.
  const signal = controller.signal as unknown as Parameters<Api['getUpdates']>[1];
  let stopped = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      controller.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });

  const loop = (async () => {
    let holding = false;
    let webhookRemoved = false;
    let backoffMs = 1000;
    while (!stopped) {
      try {
        holding = await renewLease(redis, keys.lock, owner, lockMs);
        if (!holding) {
          await sleep(POLL_LOCK_RETRY_MS);
          continue;
        }
        if (!webhookRemoved) {
          // getUpdates is refused while a webhook is set.
          await api.deleteWebhook({ drop_pending_updates: false }, signal);
          webhookRemoved = true;
          deps.log.info({ botId: bot.id }, 'telegram long polling started');
        }
        const offset = Number(await redis.get(keys.offset)) || undefined;
        const updates = await api.getUpdates(
          { offset, limit: POLL_BATCH, timeout: deps.timeoutS, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] },
          signal,
        );
        for (const update of updates) {
          if (stopped) break;
          await deps.accept(update);
          await redis.set(keys.offset, String(update.update_id + 1));
        }
        backoffMs = 1000;
      } catch (err) {
        if (stopped) break;
        deps.log.warn({ botId: bot.id, err: err instanceof Error ? err.message : String(err) }, 'telegram polling failed; retrying');
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
      }
    }
    if (holding) await releaseLease(redis, keys.lock, owner).catch(() => undefined);
  })();

  return {
    async stop() {
      stopped = true;
      controller.abort();
      await loop;
    },
  };
}
