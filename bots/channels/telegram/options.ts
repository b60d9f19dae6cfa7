/**
 * What a Telegram bot instance needs from its configuration entry (config/bots.yaml):
 *
 * ```yaml
 * - id: telegram-ru
 *   channel: telegram
 *   defaultLocale: ru
 *   name: "Восток — консультант"
 *   credentials: { token: TELEGRAM_RU_TOKEN, webhookSecret: TELEGRAM_RU_WEBHOOK_SECRET }
 *   options: { mode: webhook }            # or polling (development; no public URL needed)
 * ```
 *
 * Optional `options.rateLimit` (`{ chatPerSecond, chatBurst, botPerSecond }`) changes the
 * send limits, e.g. for a self-hosted Bot API server or a bot with paid broadcasts.
 */
import { z } from 'zod';
import { BotConfigError, type BotInstance } from '../../instances';

/** Telegram: about one message per second in one chat, short bursts tolerated. */
export const TELEGRAM_CHAT_MESSAGES_PER_S = 1;
export const TELEGRAM_CHAT_BURST = 5;
/** Telegram: about 30 messages per second per bot across all chats. */
export const TELEGRAM_BOT_MESSAGES_PER_S = 30;

/** Send limits of one bot. */
export interface TelegramRateLimits {
  chatPerSecond: number;
  chatBurst: number;
  botPerSecond: number;
}

export interface TelegramBotOptions {
  token: string;
  mode: 'webhook' | 'polling';
  /** Required in webhook mode: Telegram sends it in `X-Telegram-Bot-Api-Secret-Token`. */
  webhookSecret: string | null;
  limits: TelegramRateLimits;
}

const optionsSchema = z.object({
  mode: z.enum(['webhook', 'polling']).default('webhook'),
  rateLimit: z
    .object({
      chatPerSecond: z.number().positive().default(TELEGRAM_CHAT_MESSAGES_PER_S),
      chatBurst: z.number().int().min(1).default(TELEGRAM_CHAT_BURST),
      botPerSecond: z.number().positive().default(TELEGRAM_BOT_MESSAGES_PER_S),
    })
    .default({ chatPerSecond: TELEGRAM_CHAT_MESSAGES_PER_S, chatBurst: TELEGRAM_CHAT_BURST, botPerSecond: TELEGRAM_BOT_MESSAGES_PER_S }),
});

/** Telegram's rule for `secret_token`: 1–256 of A–Z a–z 0–9 _ -. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]+$/;

/**
 * Reads and checks a Telegram bot's options and credentials; throws BotConfigError naming the
 * bot and what is wrong, so start-up stops with a message a person can act on.
 */
export function readTelegramOptions(bot: BotInstance): TelegramBotOptions {
  const parsed = optionsSchema.safeParse(bot.options);
  if (!parsed.success) {
    throw new BotConfigError(`Bot "${bot.id}": invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const token = bot.secrets.token;
  if (!token || !TOKEN_PATTERN.test(token)) {
    throw new BotConfigError(`Bot "${bot.id}": credentials.token must name an environment variable holding the bot token from @BotFather (123456:ABC…)`);
  }
  const webhookSecret = bot.secrets.webhookSecret ?? null;
  if (webhookSecret !== null && !SECRET_PATTERN.test(webhookSecret)) {
    throw new BotConfigError(`Bot "${bot.id}": the webhook secret may contain only A–Z, a–z, 0–9, _ and - (1–256 characters)`);
  }
  if (parsed.data.mode === 'webhook' && webhookSecret === null) {
    throw new BotConfigError(`Bot "${bot.id}": webhook mode needs credentials.webhookSecret (a random string in an environment variable)`);
  }
  return { token, mode: parsed.data.mode, webhookSecret, limits: parsed.data.rateLimit };
}
