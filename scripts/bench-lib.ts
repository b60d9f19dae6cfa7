/**
 * What the benchmarks share: options, a database and Redis prefix of their own, percentiles,
 * the development-set questions, and the reference every pipeline is compared with — a bare
 * BullMQ job loop doing one PostgreSQL insert per job (`benchBareLoop`), run in the same
 * process and the same run, so the ratio says what the pipeline costs on this machine.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { dropKeysWithPrefix } from '../test/helpers/redis';
import { argValue } from './cli-args';

/** A benchmark process (scripts/bench-child.ts) and what it reports. */
export interface BenchChild {
  pid: number;
  /** The web address (web or all role), else null. */
  url: string | null;
  /** Called with every batch of (key, id, wall-clock ms) the child reports. */
  onSent(listener: (items: [string, string, number][]) => void): void;
  close(): Promise<void>;
}

/** Wall-clock milliseconds, comparable between the benchmark's processes. */
export const wallNow = () => performance.timeOrigin + performance.now();

/** The service's Node.js flags, as `npm start` and the Dockerfile run it. */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=32'];

/**
 * Forks scripts/bench-child.ts with `args` and `env` added to this process's environment.
 * With BENCH_PROFILE_DIR set, each child writes a V8 CPU profile there when it exits.
 */
export async function forkBenchChild(args: string[], env: Record<string, string | number>): Promise<BenchChild> {
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const child = fork(path.resolve(__dirname, 'bench-child.ts'), args, {
    execArgv: [...process.execArgv, ...SERVICE_NODE_FLAGS, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners: ((items: [string, string, number][]) => void)[] = [];
  let closed: (() => void) | null = null;
  const url = await new Promise<string | null>((resolve, reject) => {
    child.on('message', (m: { type: string; url?: string | null; items?: [string, string, number][] }) => {
      if (m.type === 'ready') resolve(m.url ?? null);
      else if (m.type === 'sent') for (const l of listeners) l(m.items ?? []);
      else if (m.type === 'closed') closed?.();
    });
    child.on('exit', (code) => {
      reject(new Error(`bench child ${args.join(' ')} exited with ${code}`));
      closed?.();
    });
  });
  return {
    pid: child.pid ?? -1,
    url,
    onSent: (l) => void listeners.push(l),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        closed = resolve;
        child.send({ type: 'close' });
      }),
  };
}

/** CPU time used so far (ms, user + system) by processes, by label; see cpuMeter. */
export type CpuSnapshot = Map<string, number>;

/** CPU time of a process from /proc (Linux), ms; 0 when it cannot be read. */
function cpuMsOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux the benchmark runs on. */
const CLOCK_TICKS = 100;

/**
 * Where the CPU goes: snapshots of the CPU time of the benchmark's own processes (by label)
 * and of every PostgreSQL and Redis server process on this machine (read from /proc, so on
 * Linux only; elsewhere every figure is 0). `perItem(a, b, n)` prints milliseconds of CPU per
 * message between two snapshots.
 */
export function cpuMeter(processes: () => Record<string, number[]>): { snapshot(): CpuSnapshot; perItem(a: CpuSnapshot, b: CpuSnapshot, n: number): string } {
  const servers = (): Record<string, number> => {
    const out: Record<string, number> = { postgres: 0, redis: 0 };
    const read = (file: string) => {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        return '';
      }
    };
    const pids = existsSync('/proc') ? readdirSync('/proc').filter((d) => /^\d+$/.test(d)) : [];
    for (const pid of pids) {
      const comm = read(`/proc/${pid}/comm`);
      if (comm === 'postgres') out.postgres += cpuMsOf(pid);
      else if (comm === 'redis-server') out.redis += cpuMsOf(pid);
    }
    return out;
  };
  return {
    snapshot() {
      const snap: CpuSnapshot = new Map();
      for (const [label, pids] of Object.entries(processes())) snap.set(label, pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0));
      for (const [label, ms] of Object.entries(servers())) snap.set(label, ms);
      return snap;
    },
    perItem(a, b, n) {
      let total = 0;
      const parts = [...b].map(([label, ms]) => {
        const used = (ms - (a.get(label) ?? 0)) / n;
        total += used;
        return `${label} ${used.toFixed(2)}`;
      });
      return `${parts.join(', ')}; total ${total.toFixed(2)} ms`;
    },
  };
}

/** `--name N` from the command line, else the default. */
export function numberOption(args: string[], name: string, def: number): number {
  const value = argValue(`--${name}`, args);
  return value === undefined ? def : Number(value);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const fmt = (n: number) => n.toFixed(1);

/** A database and a Redis prefix of the benchmark's own; `drop()` removes both. */
export interface BenchStore {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  drop(): Promise<void>;
}

export async function createBenchStore(databaseUrl: string, redisUrl: string): Promise<BenchStore> {
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const adminQuery = async (sql: string) => {
    const c = new Client({ connectionString: adminUrl.toString() });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await adminQuery(`create database "${dbName}"`);
  return {
    dbUrl: dbUrl.toString(),
    redisUrl,
    prefix,
    async drop() {
      await adminQuery(`drop database if exists "${dbName}" with (force)`);
      await dropKeysWithPrefix(redisUrl, prefix);
    },
  };
}


/** Questions people ask (from the development set), cycled. */
export function benchQuestions(): string[] {
  const file = path.resolve(__dirname, '../test/fixtures/dev-set.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

export interface BareLoopOptions {
  /** Jobs in the full-load phase. */
  messages: number;
  /** Jobs per second in the fixed-rate phase, for `seconds`. */
  rate: number;
  seconds: number;
  people: number;
  /** Concurrent producers in the full-load phase. */
  concurrency: number;
  /** Run the loop's worker in a process of its own, as the pipeline's worker runs (default: this process). */
  workerProcess?: boolean;
}

export interface BareLoopResult {
  /** Jobs/s at full load. */
  rate: number;
  /** Enqueue → done at the fixed rate, ms. */
  p50: number;
  p99: number;
  /** CPU per job at full load, by process (cpuMeter). */
  cpu: string;
}

/**
 * The reference loop: BullMQ job → one PostgreSQL insert, worker concurrency 32. Full load
 * (`messages` jobs from `concurrency` producers), then `rate` jobs/s for `seconds`.
 */
export async function benchBareLoop(store: BenchStore, opts: BareLoopOptions): Promise<BareLoopResult> {
  const pool = new Pool({ connectionString: store.dbUrl, max: 24 });
  pool.on('error', () => undefined);
  await pool.query('create table if not exists bench_bare (id bigserial primary key, person text, body text, created_at timestamptz default now())');
  const connection = new Redis(store.redisUrl, { maxRetriesPerRequest: null });
  const barePrefix = `${store.prefix}-bare`;
  const queue = new Queue('bare', { connection, prefix: barePrefix });
  const done = new Map<string, number>();
  let stopWorker: () => Promise<void>;
  const pids: Record<string, number[]> = opts.workerProcess ? { producer: [process.pid] } : { 'producer+worker': [process.pid] };
  if (opts.workerProcess) {
    const child = await forkBenchChild(['bare'], { DATABASE_URL: store.dbUrl, REDIS_URL: store.redisUrl, REDIS_PREFIX: barePrefix });
    pids.worker = [child.pid];
    child.onSent((items) => {
      for (const [, id, at] of items) done.set(id, at);
    });
    stopWorker = () => child.close();
  } else {
    const workerConnection = new Redis(store.redisUrl, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'bare',
      async (job) => {
        await pool.query('insert into bench_bare (person, body) values ($1, $2)', [job.data.person, job.data.body]);
        done.set(job.id!, wallNow());
      },
      { connection: workerConnection, prefix: barePrefix, concurrency: 32 },
    );
    stopWorker = async () => {
      await worker.close();
        };
  }
  const qs = benchQuestions();
  const meter = cpuMeter(() => pids);
  const cpu0 = meter.snapshot();
  const t0 = wallNow();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (next < opts.messages) {
        const i = next++;
        await queue.add('j', { person: `p${i % opts.people}`, body: qs[i % qs.length] }, { jobId: `j${i}`, removeOnComplete: true });
      }
    }),
  );
  while (done.size < opts.messages) await new Promise((r) => setTimeout(r, 5));
  const rate = opts.messages / ((wallNow() - t0) / 1000);
  const cpu = meter.perItem(cpu0, meter.snapshot(), opts.messages);

  const latencies: number[] = [];
  const total = opts.rate * opts.seconds;
  const start = wallNow();
  const sent = new Map<string, number>();
  for (let i = 0; i < total; i++) {
    const delay = start + (i * 1000) / opts.rate - wallNow();
    if (delay > 1) await new Promise((r) => setTimeout(r, delay));
    const id = `r${i}`;
    sent.set(id, wallNow());
    await queue.add('j', { person: `p${i % opts.people}`, body: qs[i % qs.length] }, { jobId: id, removeOnComplete: true });
  }
  while ([...sent.keys()].some((id) => !done.has(id))) await new Promise((r) => setTimeout(r, 5));
  for (const [id, t] of sent) latencies.push(done.get(id)! - t);
  latencies.sort((a, b) => a - b);
  await stopWorker();
  await queue.close();
  connection.disconnect();
  await pool.end();
  await dropKeysWithPrefix(store.redisUrl, barePrefix);
  return { rate, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpu };
}

/** Prints the reference loop's figures and the ratio of the benchmark's own full-load `rate` to it. */
export function printBareLoop(bare: BareLoopResult, fixedRate: number, what: string, rate: number): void {
  console.log(`bare loop  full load: ${fmt(bare.rate)} jobs/s (BullMQ job + one PostgreSQL insert)`);
  console.log(`bare loop  CPU per job at full load, ms: ${bare.cpu}`);
  console.log(`bare loop  at ${fixedRate}/s: p50 ${fmt(bare.p50)} ms, p99 ${fmt(bare.p99)} ms`);
  console.log(`ratio ${what} / bare loop (full load): ${(rate / bare.rate).toFixed(2)}`);
}

/** Runs a benchmark's main and exits: with process.exitCode (0 unless set), or 1 when it threw. */
export function runBenchmark(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(`${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}
