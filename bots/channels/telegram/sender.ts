/**
 * Telegram sending: one Reply → `sendMessage` calls through grammY's `Api` (whose `apiRoot`
 * may point at a self-hosted Bot API server or a test server).
 *
 * Limits: before sending, the reply's messages are reserved with a {@link TelegramRateLimiter}
 * (per chat about 1/s with short bursts, per bot 30/s). When the limiter says "not yet", nothing
 * is sent and a retryable ChannelError with `retryAfterMs` is thrown: the outbound job is
 * delayed, not failed (services/workers.ts). Telegram's own refusals are wrapped the same way:
 * - 429 Too Many Requests → retryable, after `parameters.retry_after` seconds;
 * - 403 Forbidden (the person blocked the bot, or deleted their account) → not retryable, and
 *   `unreachable` so the contact is marked and nothing more is tried;
 * - 400 "chat not found" → the same; other 400s → not retryable;
 * - 5xx, network errors, timeouts → retryable.
 * A message whose HTML Telegram refuses ("can't parse entities") is sent once more as plain
 * text rather than lost. Parts of a split reply already sent are recorded ({@link SentPartsLog}),
 * so a retry after a 429 in the middle does not send the first parts twice.
 */
import { GrammyError, HttpError, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Reply } from '../../engine/types';
import { ChannelError, type ChannelSender } from '../channel';
import { counsellorLabel } from './commands';
import type { TelegramRateLimits } from './options';
import { renderTelegramReply, type TelegramMessagePart } from './render';

/** Shared send budget of all processes (Redis-backed in services/delivery/rate-limiter.ts). */
export interface TelegramRateLimiter {
  /**
   * Reserves `count` messages to `chatId` of bot `botId`.
   * @returns 0 when reserved (send now); otherwise the ms to wait, and nothing is reserved
   */
  reserve(botId: string, chatId: string, count: number, limits: TelegramRateLimits): Promise<number>;
}

/** Remembers how many parts of a split reply were sent, across retries of its job. */
export interface SentPartsLog {
  get(key: string): Promise<number>;
  set(key: string, sentParts: number): Promise<void>;
}

/** One bot's API client and its limits. */
export interface TelegramClient {
  api: Api;
  limits: TelegramRateLimits;
}

export interface TelegramSenderDeps {
  /** By bot id. */
  clients: ReadonlyMap<string, TelegramClient>;
  limiter?: TelegramRateLimiter;
  sentParts?: SentPartsLog;
}

/** Telegram's ids are integers up to 52 bits; send them as numbers when they are. */
export function chatIdOf(externalUserId: string): number | string {
  return /^-?\d{1,16}$/.test(externalUserId) ? Number(externalUserId) : externalUserId;
}

/**
 * Wraps an error of a Bot API call as a ChannelError (see the module comment for the mapping).
 * @example toChannelError(new GrammyError('…', { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3 } }, 'sendMessage', {}))
 * // ChannelError { code: 'telegram-429', retryable: true, opts: { retryAfterMs: 3000 } }
 */
export function toChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  if (err instanceof GrammyError) {
    const what = `Telegram ${err.method}: ${err.error_code} ${err.description}`;
    switch (err.error_code) {
      case 429:
        return new ChannelError(what, 'telegram-429', true, { retryAfterMs: Math.max(1, err.parameters?.retry_after ?? 1) * 1000 });
      case 403:
        return new ChannelError(what, 'telegram-403', false, { unreachable: true });
      case 400:
        if (/chat not found|user is deactivated|peer_id_invalid/i.test(err.description)) {
          return new ChannelError(what, 'telegram-chat-not-found', false, { unreachable: true });
        }
        return new ChannelError(what, 'telegram-400', false);
      default:
        // 401/404 (a wrong token) and 5xx: retried with backoff; an operator can fix a token meanwhile.
        return new ChannelError(what, `telegram-${err.error_code}`, true);
    }
  }
  if (err instanceof HttpError) return new ChannelError(`Telegram unreachable: ${err.message}`, 'telegram-network', true);
  return new ChannelError(err instanceof Error ? err.message : String(err), 'telegram-error', true);
}

function isMarkupRefused(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /can't parse entities|unsupported start tag|can't find end tag/i.test(err.description);
}

async function sendPart(api: Api, chatId: number | string, part: TelegramMessagePart): Promise<Message.TextMessage> {
  const common = { link_preview_options: { is_disabled: true }, ...(part.reply_markup ? { reply_markup: part.reply_markup } : {}) };
  try {
    return await api.sendMessage(chatId, part.html, { parse_mode: 'HTML', ...common });
  } catch (err) {
    if (!isMarkupRefused(err)) throw toChannelError(err);
  }
  try {
    return await api.sendMessage(chatId, part.plain, common);
  } catch (err) {
    throw toChannelError(err);
  }
}

/**
 * Sends `reply` to one chat: the parts in order, the keyboard under the last.
 * Throws ChannelError only.
 */
export async function sendTelegramReply(
  deps: TelegramSenderDeps,
  botId: string,
  chatId: string,
  reply: Reply,
  progressKey: string | null,
  heading?: string,
): Promise<{ platformMessageId?: string }> {
  const client = deps.clients.get(botId);
  if (!client) throw new ChannelError(`No Telegram client for bot "${botId}"`, 'telegram-no-client', false);
  const parts = renderTelegramReply(reply, { heading });
  const log = parts.length > 1 && progressKey !== null ? deps.sentParts : undefined;
  const alreadySent = log ? await log.get(progressKey!) : 0;
  if (alreadySent >= parts.length) return {};
  if (deps.limiter) {
    const waitMs = await deps.limiter.reserve(botId, chatId, parts.length - alreadySent, client.limits);
    if (waitMs > 0) throw new ChannelError(`send limit of bot ${botId} reached`, 'telegram-rate-limit', true, { retryAfterMs: waitMs });
  }
  let last: Message.TextMessage | undefined;
  for (let i = alreadySent; i < parts.length; i += 1) {
    last = await sendPart(client.api, chatIdOf(chatId), parts[i]);
    if (log) await log.set(progressKey!, i + 1);
  }
  return last ? { platformMessageId: String(last.message_id) } : {};
}

/** The ChannelSender for every Telegram bot of the deployment. */
export function createTelegramSender(deps: TelegramSenderDeps): ChannelSender {
  return {
    channel: 'telegram',
    send(target, reply, meta) {
      const progressKey = meta.messageId !== undefined ? `${target.bot.id}|${meta.messageId}` : null;
      // Every message comes from the bot's account: a counsellor's is labelled as theirs.
      const heading = meta.from === 'counsellor' ? counsellorLabel(meta.locale) : undefined;
      return sendTelegramReply(deps, target.bot.id, target.externalUserId, reply, progressKey, heading);
    },
  };
}
