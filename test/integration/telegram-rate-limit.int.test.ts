/**
 * Real Redis: the Telegram send limits shared by all worker processes — about 1 message/s per
 * chat with a short burst, 30/s per bot — reserved all-or-nothing, with the time to wait.
 */
import { Redis } from 'ioredis';
import { createRedisRateLimiter, createRedisSentPartsLog } from '../../services/delivery/rate-limiter';
import { dropRedisPrefix, REDIS_URL, uniquePrefix } from '../helpers/service';

const limits = { chatPerSecond: 1, chatBurst: 5, botPerSecond: 30 };
let redis: Redis;
let prefix: string;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  prefix = uniquePrefix('tg-rl');
});
afterAll(async () => {
  redis.disconnect();
  await dropRedisPrefix(prefix);
});

it('allows a burst of 5 in one chat, then about one per second', async () => {
  const limiter = createRedisRateLimiter(redis, prefix);
  for (let i = 0; i < 5; i += 1) expect(await limiter.reserve('bot-a', 'chat-1', 1, limits)).toBe(0);
  const wait = await limiter.reserve('bot-a', 'chat-1', 1, limits);
  expect(wait).toBeGreaterThan(900);
  expect(wait).toBeLessThanOrEqual(1000);
  // Another chat of the same bot is not held back.
  expect(await limiter.reserve('bot-a', 'chat-2', 1, limits)).toBe(0);
  await new Promise((r) => setTimeout(r, wait + 20));
  expect(await limiter.reserve('bot-a', 'chat-1', 1, limits)).toBe(0);
});

it('allows 30 messages per second per bot across all chats, with a burst of 10', async () => {
  const limiter = createRedisRateLimiter(redis, prefix);
  const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.reserve('bot-b', `chat-${i}`, 1, limits)));
  expect(waits.filter((w) => w === 0)).toHaveLength(10);
  expect(Math.max(...waits)).toBeLessThanOrEqual(34); // the next slot: one thirtieth of a second
  // Another bot has its own budget.
  expect(await limiter.reserve('bot-c', 'chat-0', 1, limits)).toBe(0);
  // Sustained: about 30 in a second (plus what is left of the burst).
  let sent = 0;
  const end = Date.now() + 1000;
  for (let i = 0; Date.now() < end; i += 1) {
    if ((await limiter.reserve('bot-e', `chat-${i}`, 1, limits)) === 0) sent += 1;
    else await new Promise((r) => setTimeout(r, 5));
  }
  expect(sent).toBeGreaterThanOrEqual(36);
  expect(sent).toBeLessThanOrEqual(41);
});

it('reserves the parts of a split reply all or nothing', async () => {
  const limiter = createRedisRateLimiter(redis, prefix);
  expect(await limiter.reserve('bot-d', 'chat', 4, limits)).toBe(0);
  const wait = await limiter.reserve('bot-d', 'chat', 3, limits); // 1 left in the burst
  expect(wait).toBeGreaterThan(1000);
  expect(await limiter.reserve('bot-d', 'chat', 1, limits)).toBe(0); // the refused 3 took nothing
});

it('remembers the parts of a reply already sent', async () => {
  const log = createRedisSentPartsLog(redis, prefix);
  expect(await log.get('bot|1')).toBe(0);
  await log.set('bot|1', 2);
  expect(await log.get('bot|1')).toBe(2);
  expect(await redis.ttl(`${prefix}:tg:sent-parts:bot|1`)).toBeGreaterThan(3600);
});
