/**
 * A process of the benchmarks (forked by scripts/bench-pipeline.ts, never run by hand), so the
 * service runs the way it is deployed — web and worker processes of their own — and the load
 * generator's HTTP client does not share their CPU:
 *
 *   bench-child.ts service <web|worker|all>  the real service (buildService) on the benchmark's
 *                                           database and Redis prefix; replies are handed to a
 *                                           channel that reports (person, message id, time) to
 *                                           the parent.
 *   bench-child.ts bare                      the reference loop's worker: BullMQ job → one
 *                                           PostgreSQL insert; reports (job id, time).
 *
 * Configuration comes from the environment the parent sets (DATABASE_URL, REDIS_URL,
 * REDIS_PREFIX …). Times are wall-clock milliseconds (performance.timeOrigin + now()), so the
 * parent can compare them with its own. The parent sends 'close' to stop a child.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import pino from 'pino';
import type { ChannelSender } from '../bots/channels/channel';
import { buildService, type Role } from '../services/build-service';
import { loadConfig } from '../services/config/config';

/** Messages a child sends to the parent. */
export type ChildMessage =
  | { type: 'ready'; url: string | null }
  | { type: 'sent'; items: [key: string, messageId: string, atMs: number][] }
  | { type: 'closed' };

export const wallNow = () => performance.timeOrigin + performance.now();

const send = (m: ChildMessage) => process.send?.(m);

/** Reports collected within a couple of milliseconds go to the parent as one IPC message. */
function reporter(): (key: string, messageId: string) => void {
  let items: [string, string, number][] = [];
  let timer: NodeJS.Timeout | null = null;
  return (key, messageId) => {
    items.push([key, messageId, wallNow()]);
    timer ??= setTimeout(() => {
      timer = null;
      const batch = items;
      items = [];
      send({ type: 'sent', items: batch });
    }, 2);
  };
}

async function runService(role: Role): Promise<void> {
  const report = reporter();
  const sender: ChannelSender = {
    channel: 'webchat',
    async send(target, _reply, meta) {
      report(target.externalUserId, String(meta.messageId ?? ''));
      return { platformMessageId: String(meta.messageId ?? '') };
    },
  };
  const config = loadConfig();
  const service = await buildService(config, role, { logger: pino({ level: 'silent' }), senders: [sender], defaultMetrics: false });
  const url = await service.listen();
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'close') return;
    void service.close().then(() => {
      send({ type: 'closed' });
      process.exit(0);
    });
  });
  send({ type: 'ready', url: role === 'worker' ? null : url });
}

async function runBare(): Promise<void> {
  const report = reporter();
  const config = loadConfig();
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 24 });
  pool.on('error', () => undefined);
  const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const worker = new Worker(
    'bare',
    async (job) => {
      await pool.query('insert into bench_bare (person, body) values ($1, $2)', [job.data.person, job.data.body]);
      report('bare', job.id!);
    },
    { connection, prefix: config.REDIS_PREFIX, concurrency: 32 },
  );
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'close') return;
    void (async () => {
      await worker.close();
      connection.disconnect();
      await pool.end();
      send({ type: 'closed' });
      process.exit(0);
    })();
  });
  await worker.waitUntilReady();
  send({ type: 'ready', url: null });
}

const [kind, role] = process.argv.slice(2);
(kind === 'bare' ? runBare() : runService((role ?? 'all') as Role)).catch((err: unknown) => {
  console.error(`bench child failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
