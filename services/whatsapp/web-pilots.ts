/**
 * Runs the whatsapp-web.js clients of the pilot bots (`mode: web`) in this process.
 *
 * - One process per pilot: a browser session (LocalAuth directory) cannot be shared, so the
 *   process holding a Redis lock (renewed periodically) runs the client; others wait and take
 *   over when it stops. Run the worker role (or `all`) to run pilots.
 * - Login: a QR code is printed in the terminal and stored (short-lived) in Redis, where the
 *   console shows it to admins; once scanned, LocalAuth keeps the session, so a restart needs
 *   no new code.
 * - Messages go the same way as the Cloud API's (store + queue + turn); replies are sent by
 *   this process's client (see `clientOf`).
 * - A disconnected client (logged out on the phone, browser crash) is destroyed and started
 *   again after a pause.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { attachWhatsAppWebClient, type WebClientLike } from '../../bots/channels/whatsapp/web-client';
import type { CloudMessage } from '../../bots/channels/whatsapp/webhook';
import type { BotInstance } from '../../bots/instances';
import { createPilotStatusStore } from './redis-stores';
import { releaseLease, renewLease } from '../db/redis-lease';

/** How often the lock and the status are renewed, and how long the lock lasts without renewal. */
export const PILOT_LOCK_RENEW_MS = 20_000;
export const PILOT_LOCK_TTL_MS = 60_000;
/** A pilot not holding the lock looks again this often; a disconnected client restarts after this. */
export const PILOT_RETRY_MS = 15_000;

export interface PilotDeps {
  bots: BotInstance[];
  /** Constructs a client (the real library, or a stand-in in tests). */
  createClient(bot: BotInstance): WebClientLike;
  /** Stores and queues one message (and renews the window, etc.). */
  accept(bot: BotInstance, message: CloudMessage): Promise<void>;
  /** Shows a new login QR code in the terminal. */
  showQr?(bot: BotInstance, qr: string): void | Promise<void>;
  redis: Redis;
  prefix: string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  retryMs?: number;
  renewMs?: number;
}

export interface RunningPilots {
  /** The ready client of a pilot run by this process, else null. */
  clientOf(botId: string): WebClientLike | null;
  stop(): Promise<void>;
}

export function startWhatsAppWebPilots(deps: PilotDeps): RunningPilots {
  const owner = randomUUID();
  const status = createPilotStatusStore(deps.redis, deps.prefix);
  const retryMs = deps.retryMs ?? PILOT_RETRY_MS;
  const renewMs = deps.renewMs ?? PILOT_LOCK_RENEW_MS;
  const running = new Map<string, { client: WebClientLike; state: () => string; qr: string | null }>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const lockKey = (botId: string) => `${deps.prefix}:wa:web:${botId}:lock`;

  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    t.unref();
    timers.add(t);
  };

  async function holdLock(botId: string): Promise<boolean> {
    return renewLease(deps.redis, lockKey(botId), owner, PILOT_LOCK_TTL_MS);
  }

  async function launch(bot: BotInstance): Promise<void> {
    if (stopped) return;
    let holding = false;
    try {
      holding = await holdLock(bot.id);
    } catch (err) {
      deps.log.warn({ botId: bot.id, err: (err as Error).message }, 'whatsapp pilot: lock check failed');
    }
    if (!holding) return later(() => void launch(bot), retryMs);
    const client = deps.createClient(bot);
    const entry = { client, state: () => 'starting', qr: null as string | null };
    running.set(bot.id, entry);
    const connection = attachWhatsAppWebClient(client, {
      onQr(qr) {
        entry.qr = qr;
        deps.log.info({ botId: bot.id }, 'whatsapp pilot: scan the QR code (terminal or console) with WhatsApp → Linked devices');
        void status.write(bot.id, 'qr', qr).catch(() => undefined);
        void Promise.resolve(deps.showQr?.(bot, qr)).catch(() => undefined);
      },
      onReady() {
        entry.qr = null;
        deps.log.info({ botId: bot.id }, 'whatsapp pilot: logged in');
        void status.write(bot.id, 'ready', null).catch(() => undefined);
      },
      onDisconnected(reason) {
        deps.log.warn({ botId: bot.id, reason }, 'whatsapp pilot: disconnected; starting again');
        void status.write(bot.id, 'disconnected', null).catch(() => undefined);
        running.delete(bot.id);
        void client.destroy().catch(() => undefined);
        later(() => void launch(bot), retryMs);
      },
      async onMessage(message) {
        try {
          await deps.accept(bot, message);
        } catch (err) {
          // Not stored (database down): WhatsApp Web will not deliver it again, so say so loudly.
          deps.log.error({ botId: bot.id, err: (err as Error).message }, 'whatsapp pilot: a message could not be stored');
        }
      },
    });
    entry.state = connection.state;
    await status.write(bot.id, 'starting', null).catch(() => undefined);
    client.initialize().catch((err: unknown) => {
      deps.log.error({ botId: bot.id, err: err instanceof Error ? err.message : String(err) }, 'whatsapp pilot: the client did not start; trying again');
      running.delete(bot.id);
      void client.destroy().catch(() => undefined);
      later(() => void launch(bot), retryMs);
    });
  }

  // Keeps the locks and the console's status fresh.
  const renew = setInterval(() => {
    for (const [botId, entry] of running) {
      void holdLock(botId)
        .then(async (ok) => {
          if (!ok) {
            deps.log.warn({ botId }, 'whatsapp pilot: lock lost to another process; stopping here');
            running.delete(botId);
            await entry.client.destroy().catch(() => undefined);
            return;
          }
          const state = entry.state();
          if (state !== 'disconnected') await status.write(botId, state as 'starting' | 'qr' | 'ready', entry.qr);
        })
        .catch(() => undefined);
    }
  }, renewMs);
  renew.unref();

  for (const bot of deps.bots) void launch(bot);

  return {
    clientOf(botId) {
      const entry = running.get(botId);
      return entry && entry.state() === 'ready' ? entry.client : null;
    },
    async stop() {
      stopped = true;
      clearInterval(renew);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(
        [...running.entries()].map(async ([botId, entry]) => {
          await entry.client.destroy().catch(() => undefined);
          await status.clear(botId).catch(() => undefined);
          await releaseLease(deps.redis, lockKey(botId), owner).catch(() => undefined);
        }),
      );
      running.clear();
    },
  };
}
