/**
 * Send limits shared by every worker process, in Redis: a GCRA (generic cell rate algorithm,
 * a token bucket stored as one timestamp per key) over two keys at once — the chat and the bot.
 * A reservation succeeds only when both allow it; otherwise nothing is taken and the caller is
 * told how long to wait. Time is Redis's own clock (`TIME`), so processes need not agree on it.
 *
 * Why not BullMQ's worker rate limiter: it limits a whole queue, not one chat, and the outbound
 * queue carries every channel. Over the limit, the Telegram sender throws a retryable
 * ChannelError with `retryAfterMs`, and the outbound job is delayed by exactly that long
 * (without using up one of its attempts).
 */
import type { Redis } from 'ioredis';
import type { SentPartsLog, TelegramRateLimiter } from '../../bots/channels/telegram/sender';
import type { TelegramRateLimits } from '../../bots/channels/telegram/options';

/**
 * KEYS: chat key, bot key. ARGV: chat interval ms, chat burst, bot interval ms, bot burst, cost.
 * Returns 0 (reserved) or the ms to wait.
 */
const GCRA_RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[5])
local function check(key, interval, burst)
  local c = math.min(cost, burst)
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local newTat = tat + interval * c
  local allowAt = newTat - interval * burst
  if allowAt > now then return newTat, allowAt - now end
  return newTat, 0
end
local chatTat, chatWait = check(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
local botTat, botWait = check(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
local wait = math.max(chatWait, botWait)
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], chatTat, 'PX', math.ceil(chatTat - now) + 1000)
redis.call('SET', KEYS[2], botTat, 'PX', math.ceil(botTat - now) + 1000)
return 0
`;

/**
 * The bot-wide bucket lets a third of a second's messages go at once: sustained at most
 * `botPerSecond`, and no second with more than about 4/3 of it (30/s → at most 40 in any second).
 */
export function botBurst(botPerSecond: number): number {
  return Math.max(1, Math.floor(botPerSecond / 3));
}

/**
 * @example
 * const limiter = createRedisRateLimiter(redis, 'eastside');
 * await limiter.reserve('telegram-ru', '42', 1, { chatPerSecond: 1, chatBurst: 5, botPerSecond: 30 }) // 0: send now
 */
export function createRedisRateLimiter(redis: Redis, prefix: string): TelegramRateLimiter {
  return {
    async reserve(botId: string, chatId: string, count: number, limits: TelegramRateLimits): Promise<number> {
      const result = await redis.eval(
        GCRA_RESERVE,
        2,
        `${prefix}:rl:tg:chat:${botId}:${chatId}`,
        `${prefix}:rl:tg:bot:${botId}`,
        1000 / limits.chatPerSecond,
        limits.chatBurst,
        1000 / limits.botPerSecond,
        botBurst(limits.botPerSecond),
        Math.max(1, count),
      );
      return Number(result);
    },
  };
}

/** How long the progress of a split reply is remembered (longer than its job's retries). */
const SENT_PARTS_TTL_S = 24 * 3600;

export function createRedisSentPartsLog(redis: Redis, prefix: string): SentPartsLog {
  const key = (k: string) => `${prefix}:tg:sent-parts:${k}`;
  return {
    async get(k) {
      return Number((await redis.get(key(k))) ?? 0) || 0;
    },
    async set(k, sentParts) {
      await redis.set(key(k), String(sentParts), 'EX', SENT_PARTS_TTL_S);
    },
  };
}
