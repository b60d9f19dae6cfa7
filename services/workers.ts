/**
 * The worker side: BullMQ workers for the inbound queue (turns) and the outbound queue
 * (delivery), plus the recovery sweep that re-queues work a crash or a Redis loss left behind.
 * Constructed by the composition roots; everything it uses is passed in.
 */
import { DelayedError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { ChannelId, Reply } from '../bots/engine/types';
import type { Db } from './db/client';
import { contacts, conversations, messages } from './db/schema';
import { batchOutboundJobs, INBOUND_QUEUE, OUTBOUND_QUEUE, outboundJobId, type InboundJob, type OutboundJob } from './delivery/queues';
import { deliverOutbound, type OutboundDeps } from './delivery/outbound';
import { PersonBusyError, type TurnDeps } from './conversation/turn';
import { createTurnBatcher } from './conversation/turn-batch';

/** How soon a job whose person is being processed by another worker looks again. */
export const PERSON_BUSY_RETRY_MS = 50;
import { requeueStaleInbox } from './conversation/inbox';
import { applyRetention } from './conversation/retention';

/** How often the retention sweep runs. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

export const OUTBOUND_JOB_OPTIONS = {
  attempts: 10,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};

export async function enqueueOutboundJobs(queue: Queue, jobs: OutboundJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(
    batchOutboundJobs(jobs).map((data) => ({
      name: 'send',
      data,
      opts: { ...OUTBOUND_JOB_OPTIONS, ...(data.messageId !== undefined ? { jobId: outboundJobId(data.messageId) } : {}) },
    })),
  );
}

export interface WorkerSetup {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  recoveryAfterMs: number;
  /** People inactive longer than this are deleted (DATA_RETENTION_DAYS). */
  retentionDays: number;
  logger: Logger;
  db: Db;
  inboundQueue: Queue;
  outboundQueue: Queue;
  turn: Omit<TurnDeps, 'enqueueOutbound'>;
  outbound: OutboundDeps;
}

export interface RunningWorkers {
  inbound: Worker;
  outbound: Worker;
  /** Re-queues inbox rows and pending replies older than the recovery age. */
  recover(): Promise<{ inbox: number; outbound: number }>;
  close(): Promise<void>;
}

export function startWorkers(setup: WorkerSetup): RunningWorkers {
  const log = setup.logger;
  const turnDeps: TurnDeps = { ...setup.turn, enqueueOutbound: (jobs) => enqueueOutboundJobs(setup.outboundQueue, jobs) };
  // The jobs running at the same time share transactions (services/conversation/turn-batch.ts).
  const turns = createTurnBatcher(turnDeps);

  const inbound = new Worker<InboundJob>(
    INBOUND_QUEUE,
    async (job: Job<InboundJob>, token?: string) => {
      const { channel, botId, externalUserId, receivedAtMs } = job.data;
      try {
        return await turns.submit({ channel, botId, externalUserId }, receivedAtMs);
      } catch (err) {
        if (err instanceof PersonBusyError) {
          // Not a failure: check again shortly (does not count as an attempt).
          await job.moveToDelayed(Date.now() + PERSON_BUSY_RETRY_MS, token);
          throw new DelayedError();
        }
        throw err;
      }
    },
    {
      connection: setup.connection,
      prefix: setup.prefix,
      concurrency: setup.concurrency,
      lockDuration: setup.lockDurationMs,
      stalledInterval: setup.stalledIntervalMs,
      maxStalledCount: 3,
    },
  );

  const outbound = new Worker<OutboundJob>(
    OUTBOUND_QUEUE,
    async (job: Job<OutboundJob>, token?: string) => {
      const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await deliverOutbound(setup.outbound, job.data, isLast);
      if (outcome.status === 'retry') {
        // Replies already sent are not sent again: the job keeps only what is left.
        if (outcome.remaining !== job.data) await job.updateData(outcome.remaining);
        if (outcome.delayMs !== undefined) {
          await job.moveToDelayed(Date.now() + outcome.delayMs, token);
          throw new DelayedError();
        }
        throw outcome.error;
      }
      return outcome.status;
    },
    {
      connection: setup.connection,
      prefix: setup.prefix,
      concurrency: Math.max(4, setup.concurrency),
      lockDuration: setup.lockDurationMs,
      stalledInterval: setup.stalledIntervalMs,
    },
  );

  for (const w of [inbound, outbound]) {
    w.on('failed', (job, err) => log.warn({ queue: w.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }

  const recover = async () => {
    const inboxCount = await requeueStaleInbox({ db: setup.db, inboundQueue: setup.inboundQueue }, setup.recoveryAfterMs);
    const outboundCount = await requeuePendingReplies(setup.db, setup.outboundQueue, setup.recoveryAfterMs);
    if (inboxCount + outboundCount > 0) log.info({ inbox: inboxCount, outbound: outboundCount }, 'recovered unfinished work');
    return { inbox: inboxCount, outbound: outboundCount };
  };
  const timer = setInterval(() => void recover().catch((err) => log.error({ err: err.message }, 'recovery sweep failed')), Math.max(5000, setup.recoveryAfterMs));
  timer.unref();
  const retain = async () => {
    const removed = await applyRetention(setup.db, { retentionDays: setup.retentionDays });
    if (removed.contacts + removed.inbox > 0) log.info(removed, 'retention: old data deleted');
  };
  const retentionTimer = setInterval(() => void retain().catch((err) => log.error({ err: err.message }, 'retention sweep failed')), RETENTION_INTERVAL_MS);
  retentionTimer.unref();
  void retain().catch((err) => log.error({ err: err.message }, 'retention sweep failed'));
  void recover().catch((err) => log.error({ err: err.message }, 'recovery sweep failed'));

  return {
    inbound,
    outbound,
    recover,
    async close() {
      clearInterval(timer);
      clearInterval(retentionTimer);
      // close() waits for the jobs in progress to finish: nothing half-done is abandoned.
      await Promise.all([inbound.close(), outbound.close()]);
    },
  };
}

/** Replies stored as pending but never handed to a channel (their job was lost). */
async function requeuePendingReplies(db: Db, queue: Queue, olderThanMs: number, limit = 500): Promise<number> {
  const rows = await db
    .select({
      id: messages.id,
      author: messages.author,
      text: messages.text,
      payload: messages.payload,
      locale: messages.locale,
      channel: contacts.channel,
      botId: contacts.botId,
      externalId: contacts.externalId,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(messages.direction, 'out'),
        eq(messages.status, 'pending'),
        eq(contacts.unreachable, false),
        lt(messages.createdAt, sql`now() - (${olderThanMs} * interval '1 millisecond')`),
      ),
    )
    .orderBy(asc(messages.id))
    .limit(limit);
  const jobs: OutboundJob[] = rows
    .filter((r) => r.text !== null)
    .map((r) => {
      const payload = (r.payload ?? {}) as Pick<Reply, 'choices' | 'links'>;
      return {
        messageId: r.id,
        channel: r.channel as ChannelId,
        botId: r.botId,
        externalUserId: r.externalId,
        reply: { text: r.text ?? '', choices: payload.choices, links: payload.links },
        locale: r.locale,
        ...(r.author === 'counsellor' ? { from: 'counsellor' as const } : {}),
      };
    });
  await enqueueOutboundJobs(queue, jobs);
  return jobs.length;
}
