/**
 * POST /telegram/<botId>/webhook — where Telegram delivers a webhook-mode bot's updates.
 *
 * The secret (`X-Telegram-Bot-Api-Secret-Token`, set with setWebhook) is checked before the
 * body is even read, in constant time: a wrong or missing one gets 401 and nothing is stored.
 * Then the update is stored and queued (`accept`) and Telegram gets its 200 at once; the turn
 * runs in a worker. Updates the bot does not answer (edited messages, groups, channel posts …)
 * get 200 too, so Telegram does not deliver them again. A failure to store gets a 5xx, and
 * Telegram delivers the update again later (the inbox deduplicates it).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface TelegramRouteDeps {
  /** Webhook-mode bots by id, with their webhook secret. */
  bots: ReadonlyMap<string, { secret: string }>;
  /** Stores and queues one update (and acknowledges it). */
  accept(botId: string, update: unknown): Promise<'ignored' | 'accepted' | 'duplicate'>;
}

/** Constant-time comparison of a received secret with the expected one (any lengths). */
export function secretMatches(received: unknown, expected: string): boolean {
  if (typeof received !== 'string' || expected === '') return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function registerTelegramRoutes(app: FastifyInstance, deps: TelegramRouteDeps): Promise<void> {
  app.post<{ Params: { botId: string } }>(
    '/telegram/:botId/webhook',
    {
      onRequest: async (req, reply) => {
        const bot = deps.bots.get(req.params.botId);
        if (!bot) return reply.code(404).send({ error: 'not_found' });
        if (!secretMatches(req.headers[TELEGRAM_SECRET_HEADER], bot.secret)) return reply.code(401).send({ error: 'unauthorized' });
      },
    },
    async (req, reply) => {
      const outcome = await deps.accept(req.params.botId, req.body);
      return reply.code(200).send({ ok: true, outcome });
    },
  );
}
