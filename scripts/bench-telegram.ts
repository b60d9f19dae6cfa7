/**
 * `npm run bench:telegram`: Telegram updates through the whole service — webhook (secret
 * checked) → inbox (PostgreSQL) → BullMQ inbound → engine → transcript → BullMQ outbound →
 * send limits → Bot API `sendMessage` received by a local fake Bot API server — and, in the
 * same run, the foundation benchmark's bare loop (BullMQ job + one PostgreSQL insert).
 *
 * Phases:
 * 1. capacity, full load: `--messages` questions from `--people` people (who accepted the
 *    privacy notice in a warm-up), `--concurrency` webhook deliveries at a time; updates/s
 *    until every one is answered. The bot's send limits are lifted here (`options.rateLimit`,
 *    as for a self-hosted Bot API server), so the pipeline itself is measured.
 * 2. capacity, fixed rate: `--rate` updates/s for `--seconds` s, each from a new person;
 *    p50/p99 from the webhook POST to the first reply received by the fake server.
 * 3. Telegram's limits: `--limited` new people each send /start (3 replies each) to a bot
 *    with the real limits (30 messages/s per bot, burst 10); replies/s received.
 * Options: --messages (default 1000), --rate (20/s), --seconds (10), --people (200),
 * --concurrency (64), --limited (150; 0 skips phase 3).
 * Uses its own database (created and dropped) and its own Redis prefix.
 */
import pino from 'pino';
import type { BotInstance } from '../bots/instances';
import { TELEGRAM_BOT_MESSAGES_PER_S } from '../bots/channels/telegram/options';
import { buildService, type Service } from '../services/build-service';
import { botBurst } from '../services/delivery/rate-limiter';
import { loadConfig } from '../services/config/config';
import { freePort } from '../test/helpers/free-port';
import { startFakeTelegram, type FakeTelegram } from '../test/helpers/fake-telegram';
import { benchBareLoop, benchQuestions, createBenchStore, fmt, numberOption, percentile, printBareLoop, runBenchmark, type BenchStore } from './bench-lib';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => numberOption(args, name, def);
const MESSAGES = opt('messages', 1000);
const RATE = opt('rate', 20);
const SECONDS = opt('seconds', 10);
const PEOPLE = opt('people', 200);
const CONCURRENCY = opt('concurrency', 64);
const LIMITED = opt('limited', 150);

const baseConfig = loadConfig();
const UNLIMITED = { chatPerSecond: 1000, chatBurst: 1000, botPerSecond: 100_000 };

function telegramBot(id: string, token: string, rateLimit?: typeof UNLIMITED): BotInstance {
  return { id, channel: 'telegram', defaultLocale: 'ru', secrets: { token, webhookSecret: `secret-${id}` }, options: { mode: 'webhook', ...(rateLimit ? { rateLimit } : {}) } };
}
const FAST = telegramBot('telegram-bench', '7001:bench', UNLIMITED);
const LIMITED_BOT = telegramBot('telegram-limited', '7002:limited');

async function startService(store: BenchStore, fake: FakeTelegram): Promise<{ service: Service; base: string }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig(process.env, {
    DATABASE_URL: store.dbUrl,
    REDIS_PREFIX: store.prefix,
    PORT: port,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    KB_SOURCE: 'files',
    MIGRATE_ON_START: true,
    WORKER_CONCURRENCY: 32,
    DATABASE_POOL_MAX: 24,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_BASE_URL: base,
  });
  const service = await buildService(config, 'all', { logger: pino({ level: 'silent' }), bots: [FAST, LIMITED_BOT], defaultMetrics: false });
  await service.listen();
  return { service, base };
}

async function benchTelegram(store: BenchStore) {
  const fake = await startFakeTelegram();
  const { service } = await startService(store, fake);
  const token = FAST.secrets.token;
  const qs = benchQuestions();

  // First message each chat received (for latency) and messages per chat (for completion).
  const firstAt = new Map<number, number>();
  const firstWaiters = new Map<number, (t: number) => void>();
  const perChat = new Map<string, number>();
  fake.onMessage = (tok, m) => {
    const key = `${tok}|${m.chatId}`;
    perChat.set(key, (perChat.get(key) ?? 0) + 1);
    if (tok === token && !firstAt.has(m.chatId)) {
      firstAt.set(m.chatId, performance.now());
      firstWaiters.get(m.chatId)?.(performance.now());
    }
  };
  const deliver = async (tok: string, update: Record<string, any>) => {
    const status = await fake.deliver(tok, update);
    if (status !== 200) throw new Error(`webhook returned ${status}`);
  };
  const waitUntil = async (pred: () => boolean | Promise<boolean>, timeoutMs: number, what: string) => {
    const end = Date.now() + timeoutMs;
    while (!(await pred())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const allAnswered = async () => {
    const open = await service.pool.query(
      `select (select count(*) from inbox where processed_at is null)::int as inbox, (select count(*) from messages where direction='out' and status='pending')::int as pending`,
    );
    return open.rows[0].inbox === 0 && open.rows[0].pending === 0;
  };
  let chatSeq = 100_000;

  // Warm-up: every person starts and accepts the privacy notice (4 replies each).
  const people = Array.from({ length: PEOPLE }, () => ++chatSeq);
  for (let i = 0; i < people.length; i += CONCURRENCY) {
    await Promise.all(people.slice(i, i + CONCURRENCY).map((chat) => deliver(token, fake.textUpdate(token, chat, '/start'))));
  }
  await waitUntil(() => people.every((c) => (perChat.get(`${token}|${c}`) ?? 0) >= 3), 120_000, 'greetings');
  for (let i = 0; i < people.length; i += CONCURRENCY) {
    await Promise.all(people.slice(i, i + CONCURRENCY).map((chat) => deliver(token, fake.pressButton(token, chat, 'consent:yes'))));
  }
  await waitUntil(() => people.every((c) => (perChat.get(`${token}|${c}`) ?? 0) >= 4), 120_000, 'consent replies');
  await waitUntil(allAnswered, 60_000, 'warm-up');

  // Phase 1: full load through the webhook.
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MESSAGES) {
        const i = next++;
        await deliver(token, fake.textUpdate(token, people[i % people.length], qs[i % qs.length]));
      }
    }),
  );
  await waitUntil(allAnswered, 300_000, 'answers at full load');
  const rate = MESSAGES / ((performance.now() - t0) / 1000);

  // Phase 2: fixed rate, new people; webhook POST → first sendMessage received.
  const latencies: number[] = [];
  const total = RATE * SECONDS;
  const start = performance.now();
  const waits: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const delay = start + (i * 1000) / RATE - performance.now();
    if (delay > 1) await new Promise((r) => setTimeout(r, delay));
    const chat = ++chatSeq;
    const t = performance.now();
    const replied = new Promise<number>((resolve) => firstWaiters.set(chat, resolve));
    waits.push(deliver(token, fake.textUpdate(token, chat, '/help')).then(async () => void latencies.push((firstAt.get(chat) ?? (await replied)) - t)));
  }
  await Promise.all(waits);
  const fixedRate = total / ((performance.now() - start) / 1000);
  latencies.sort((a, b) => a - b);
  await waitUntil(allAnswered, 120_000, 'fixed-rate answers');

  // Phase 3: Telegram's own limits (30 messages/s per bot).
  let limited: { replies: number; seconds: number } | null = null;
  if (LIMITED > 0) {
    const ltoken = LIMITED_BOT.secrets.token;
    const sent = () => fake.callsOf('sendMessage', ltoken).filter((c) => c.status === 200);
    const chats = Array.from({ length: LIMITED }, () => ++chatSeq);
    // Each new person's /start gives 3 replies: LIMITED × 3 messages at ≤ 30/s.
    const l0 = performance.now();
    const before = sent().length;
    await Promise.all(chats.map((chat) => deliver(ltoken, fake.textUpdate(ltoken, chat, '/start'))));
    await waitUntil(allAnswered, 300_000, 'replies under Telegram limits');
    const replies = sent().length - before;
    limited = { replies, seconds: (performance.now() - l0) / 1000 };
  }

  await service.close();
  await fake.close();
  return { rate, fixedRate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), limited };
}

async function main(): Promise<void> {
  const store = await createBenchStore(baseConfig.DATABASE_URL, baseConfig.REDIS_URL);
  try {
    console.log(`bench:telegram: ${MESSAGES} updates at full load (${PEOPLE} people, ${CONCURRENCY} concurrent webhook deliveries), then ${RATE}/s for ${SECONDS} s`);
    const tg = await benchTelegram(store);
    console.log(`telegram   full load: ${fmt(tg.rate)} updates/s (webhook → reply received by the Bot API server; send limits lifted)`);
    console.log(`telegram   at ${RATE}/s (achieved ${fmt(tg.fixedRate)}/s): p50 ${fmt(tg.p50)} ms, p99 ${fmt(tg.p99)} ms (webhook → first reply received)`);
    if (tg.limited) {
      console.log(
        `telegram   with Telegram's limits: ${tg.limited.replies} replies in ${fmt(tg.limited.seconds)} s = ${fmt(tg.limited.replies / tg.limited.seconds)} messages/s (limit ${TELEGRAM_BOT_MESSAGES_PER_S}/s per bot, burst ${botBurst(TELEGRAM_BOT_MESSAGES_PER_S)})`,
      );
    }
    const bare = await benchBareLoop(store, { messages: MESSAGES, rate: RATE, seconds: SECONDS, people: PEOPLE, concurrency: CONCURRENCY });
    printBareLoop(bare, RATE, 'telegram', tg.rate);
  } catch (err) {
    console.error(`bench:telegram failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  } finally {
    await store.drop();
  }
}

runBenchmark('bench:telegram', main);
