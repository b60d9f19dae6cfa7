/**
 * `npm run bench`: messages through the real pipeline — HTTP route → inbox (PostgreSQL) →
 * BullMQ inbound → engine → transcript/state (PostgreSQL) → BullMQ outbound → channel — and, in
 * the same run, a bare BullMQ job loop doing one PostgreSQL insert per job, with the ratio.
 *
 * The service runs as it is deployed (ARCHITECTURE.md: stateless web processes, workers on
 * BullMQ): by default a web process and a worker process of their own (`--topology split`), or
 * both in one process (`--topology single`, as `npm start` runs on a single machine). This
 * process is the load generator (the platforms' side): it posts web-chat messages and takes the
 * time; the worker's channel reports when each reply was handed to it. The reference loop's
 * worker runs in a process of its own too, fed from this one.
 *
 * Prints messages/s at full load and p50/p99 from receipt to reply handed to the channel at a
 * fixed rate, and the CPU each process used per message. The messages are questions the bot
 * answers from the knowledge base (the development set without its request for a person).
 * Uses its own database (created and dropped) and its own Redis prefix.
 * Options: --messages N (full-load phase, default 4000), --rate R (default 500/s),
 * --seconds S (fixed-rate phase, default 10), --people P (default 400), --concurrency C
 * (concurrent senders, default 64), --topology split|single (default split), --workers N
 * (worker processes with split, default 1), --fixed both|questions|first (which fixed-rate
 * phases, default both).
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { detectIntent } from '../bots/engine/intents';
import { loadConfig } from '../services/config/config';
import { argValue } from './cli-args';
import { PipelinedPoster } from './bench-http';
import {
  benchBareLoop,
  benchQuestions,
  cpuMeter,
  createBenchStore,
  fmt,
  forkBenchChild,
  numberOption,
  percentile,
  printBareLoop,
  runBenchmark,
  wallNow,
  type BenchChild,
  type BenchStore,
} from './bench-lib';

const args = process.argv.slice(2);
const opt = (name: string, def: number) => numberOption(args, name, def);
const MESSAGES = opt('messages', 4000);
const RATE = opt('rate', 500);
const SECONDS = opt('seconds', 10);
const PEOPLE = opt('people', 400);
const CONCURRENCY = opt('concurrency', 64);
const TOPOLOGY = argValue('--topology', args) ?? 'split';
const WORKERS = opt('workers', 1);
const FIXED = argValue('--fixed', args) ?? 'both';
if (!['both', 'questions', 'first'].includes(FIXED)) throw new Error('--fixed must be both, questions or first');
if (TOPOLOGY !== 'split' && TOPOLOGY !== 'single') throw new Error('--topology must be split or single');

const baseConfig = loadConfig();
let store: BenchStore;

interface FixedRate {
  kind: string;
  achieved: number;
  /** CPU per message, by process (cpuMeter). */
  cpu: string;
  p50: number;
  p99: number;
  unanswered: number;
}

/**
 * A pause between phases, so a phase does not measure the end of the one before (the first
 * second at 500/s right after the full-load phase had a p99 two to three times the others').
 */
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));
const SETTLE_MS = 1000;

async function benchPipeline(): Promise<{ rate: number; cpu: string; fixed: FixedRate[] }> {
  const repliesPerPerson = new Map<string, number>();
  const nextReplyWaiters = new Map<string, { after: number; resolve(at: number): void }>();
  let onDeliver: (() => void) | null = null;
  const onSent = (items: [string, string, number][]) => {
    for (const [person, , at] of items) {
      repliesPerPerson.set(person, (repliesPerPerson.get(person) ?? 0) + 1);
      const waiter = nextReplyWaiters.get(person);
      if (waiter && at >= waiter.after) {
        nextReplyWaiters.delete(person);
        waiter.resolve(at);
      }
    }
    onDeliver?.();
  };
  const env = {
    DATABASE_URL: store.dbUrl,
    REDIS_URL: store.redisUrl,
    REDIS_PREFIX: store.prefix,
    PORT: 0,
    WORKER_PORT: 0,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    KB_SOURCE: 'files',
    WORKER_CONCURRENCY: 32,
    DATABASE_POOL_MAX: 24,
  };
  const children: BenchChild[] = [];
  const pids: Record<string, number[]> = { generator: [process.pid] };
  let base: string;
  if (TOPOLOGY === 'single') {
    const all = await forkBenchChild(['service', 'all'], { ...env, MIGRATE_ON_START: 'true' });
    children.push(all);
    pids['web+worker'] = [all.pid];
    all.onSent(onSent);
    base = all.url!;
  } else {
    // The web process migrates the database first; the worker starts on the migrated one.
    const web = await forkBenchChild(['service', 'web'], { ...env, MIGRATE_ON_START: 'true' });
    children.push(web);
    pids.web = [web.pid];
    pids.worker = [];
    for (let i = 0; i < WORKERS; i++) {
      const worker = await forkBenchChild(['service', 'worker'], { ...env, MIGRATE_ON_START: 'false' });
      children.push(worker);
      pids.worker.push(worker.pid);
      worker.onSent(onSent);
    }
    base = web.url!;
  }
  const pool = new Pool({ connectionString: store.dbUrl, max: 2 });
  const people = Array.from({ length: PEOPLE }, () => randomBytes(12).toString('hex'));
  // Questions the bot answers from the knowledge base (the development set without the one
  // that asks for a person): every message takes the whole path, engine and outbound included.
  // With that one in, each person who asked it is handed to a counsellor for the rest of the
  // run, and the share of messages the bot no longer answers grows with --messages.
  const kbQuestions = benchQuestions().filter((q) => detectIntent(q) === null);

  let seq = 0;
  let resets = 0;
  // Raw pipelined HTTP/1.1 on kept-alive connections (scripts/bench-http.ts): the lightest
  // client, so the load generator takes as little as it can of the machine it measures.
  const poster = new PipelinedPoster(new URL('/webchat/messages', base).toString(), CONCURRENCY);
  const post = async (sessionId: string, body: Record<string, unknown>, connection?: number) => {
    const payload = JSON.stringify({ sessionId, clientMessageId: `b${++seq}x${randomBytes(3).toString('hex')}`, locale: 'ru', ...body });
    for (let attempt = 0; ; attempt++) {
      try {
        const status = await poster.post(payload, connection);
        if (status !== 202) throw new Error(`POST returned ${status}`);
        return;
      } catch (err) {
        // A client retries a reset connection with the same message id (deduplicated by the service).
        if (attempt >= 3 || (err as { code?: string }).code !== 'ECONNRESET') throw err;
        resets++;
      }
    }
  };
  const waitUntil = async (pred: () => boolean, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > end) throw new Error('timed out waiting for replies');
      await new Promise<void>((r) => {
        onDeliver = r;
        setTimeout(r, 50);
      });
    }
  };

  // Warm-up: every person accepts the privacy notice, so the measured turns are real questions.
  for (let i = 0; i < people.length; i += CONCURRENCY) {
    await Promise.all(people.slice(i, i + CONCURRENCY).map(async (p) => {
      await post(p, { command: 'start' });
      await post(p, { choice: 'consent:yes' });
    }));
  }
  await waitUntil(() => people.every((p) => (repliesPerPerson.get(p) ?? 0) >= 2), 120_000);
  await settle();

  // Phase 1: full load. One question per message; wait until every question got its replies.
  const meter = cpuMeter(() => pids);
  const cpu0 = meter.snapshot();
  const t0 = wallNow();
  let next = 0;
  const inFlight: Promise<void>[] = [];
  for (let w = 0; w < CONCURRENCY; w++) {
    inFlight.push((async () => {
      while (next < MESSAGES) {
        const i = next++;
        await post(people[i % people.length], { text: kbQuestions[i % kbQuestions.length] }, w);
      }
    })());
  }
  await Promise.all(inFlight);
  // Every message stored (each POST got its 202): done when none is left unprocessed and every
  // reply was handed to the channel. Both counts read partial indexes, so polling costs the
  // database little.
  for (;;) {
    const left = await pool.query(`
      select (select count(*) from inbox where processed_at is null)::int as unprocessed,
             (select count(*) from messages where direction = 'out' and status = 'pending')::int as pending`);
    const { unprocessed, pending } = left.rows[0] as { unprocessed: number; pending: number };
    if (unprocessed === 0 && pending === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsedS = (wallNow() - t0) / 1000;
  const rate = MESSAGES / elapsedS;
  const cpu = meter.perItem(cpu0, meter.snapshot(), MESSAGES);

  // Phase 2: fixed rate; latency from receipt (POST) to the first reply handed to the channel
  // after it. 'questions': questions from people who accepted the privacy notice (the usual
  // message), each person with at most one message unanswered, so the next reply to them is
  // the answer; 'first contacts': a new person each time (contact and conversation created,
  // greeting and privacy notice: the heaviest turn).
  const owned = await pool.query(`select k.external_id from contacts k join conversations c on c.contact_id = k.id where c.owner = 'bot'`);
  const askers = (owned.rows as { external_id: string }[]).map((r) => r.external_id).filter((p) => people.includes(p));
  const fixed: FixedRate[] = [];
  if (FIXED !== 'first') {
    await settle();
    fixed.push(await fixedRate('questions', askers));
  }
  if (FIXED !== 'questions') {
    await settle();
    fixed.push(await fixedRate('first contacts', []));
  }

  async function fixedRate(kind: 'questions' | 'first contacts', askerPool: string[]) {
    const latencies: number[] = [];
    let unanswered = 0;
    const total = RATE * SECONDS;
    const intervalMs = 1000 / RATE;
    const busy = new Set<string>();
    let cursor = 0;
    const nextAsker = (): string | null => {
      for (let n = 0; n < askerPool.length; n++) {
        const p = askerPool[cursor++ % askerPool.length];
        if (!busy.has(p)) return p;
      }
      return null;
    };
    const cpuStart = meter.snapshot();
    const start = wallNow();
    const waits: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const delay = start + i * intervalMs - wallNow();
      if (delay > 1) await new Promise((r) => setTimeout(r, delay));
      const asker = kind === 'questions' ? nextAsker() : null;
      const person = asker ?? randomBytes(12).toString('hex');
      busy.add(person);
      const t = wallNow();
      const replied = new Promise<number | null>((resolve) => {
        nextReplyWaiters.set(person, { after: t, resolve });
        setTimeout(() => resolve(null), 5_000).unref();
      });
      const body = asker ? { text: kbQuestions[i % kbQuestions.length] } : { command: 'help' };
      waits.push(
        post(person, body).then(async () => {
          const at = await replied;
          nextReplyWaiters.delete(person);
          if (at === null) {
            unanswered++; // e.g. handed to a counsellor: the bot stays silent; not asked again
            return;
          }
          latencies.push(at - t);
          busy.delete(person);
        }),
      );
    }
    await Promise.all(waits);
    const achieved = total / ((wallNow() - start) / 1000);
    const cpu = meter.perItem(cpuStart, meter.snapshot(), total);
    latencies.sort((x, y) => x - y);
    return { kind, achieved, cpu, p50: percentile(latencies, 50), p99: percentile(latencies, 99), unanswered };
  }
  poster.close();
  await Promise.all(children.map((c) => c.close()));
  await pool.end();
  if (resets) console.log(`(${resets} connection resets retried by the client)`);
  return { rate, cpu, fixed };
}

async function main(): Promise<void> {
  store = await createBenchStore(baseConfig.DATABASE_URL, baseConfig.REDIS_URL);
  try {
    console.log(`bench: ${MESSAGES} messages at full load (${PEOPLE} people, ${CONCURRENCY} concurrent senders), then ${RATE}/s for ${SECONDS} s`);
    console.log(TOPOLOGY === 'split' ? `topology: load generator | web process | ${WORKERS} worker process${WORKERS > 1 ? 'es' : ''} (reference loop: producer | worker process)` : 'topology: load generator | web and worker in one process (reference loop: producer | worker process)');
    const pipeline = await benchPipeline();
    console.log(`pipeline   full load: ${fmt(pipeline.rate)} messages/s`);
    console.log(`pipeline   CPU per message at full load, ms: ${pipeline.cpu}`);
    for (const f of pipeline.fixed) {
      const missing = f.unanswered > 0 ? `, ${f.unanswered} without a reply (handed to a counsellor)` : '';
      console.log(`pipeline   at ${RATE}/s, ${f.kind} (achieved ${fmt(f.achieved)}/s): p50 ${fmt(f.p50)} ms, p99 ${fmt(f.p99)} ms (receipt → reply handed to channel)${missing}`);
      console.log(`pipeline   CPU per message at ${RATE}/s, ${f.kind}, ms: ${f.cpu}`);
    }
    const bare = await benchBareLoop(store, { messages: MESSAGES, rate: RATE, seconds: SECONDS, people: PEOPLE, concurrency: CONCURRENCY, workerProcess: true });
    printBareLoop(bare, RATE, 'pipeline', pipeline.rate);
  } catch (err) {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`, (err as { cause?: unknown }).cause ?? '');
    process.exitCode = 1;
  } finally {
    await store.drop();
  }
}

runBenchmark('bench', main);
