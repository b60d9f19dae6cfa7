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
import {
  batchOutboundJobs,
  INBOUND_QUEUE,
  inboundItemsOf,
  OUTBOUND_QUEUE,
  outboundJobId,
  outboundJobsOf,
  type InboundItem,
  type InboundJob,
  type OutboundBatch,
  type OutboundJob,
} from './delivery/queues';
import { deliverOutbound, stillToSend, type OutboundDeps, type OutboundOutcome } from './delivery/outbound';
import { PersonBusyError, type TurnDeps } from './conversation/turn';
import { createTurnBatcher } from './conversation/turn-batch';
import { microBatch, onePer } from './db/micro-batch';

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

/** Queues replies, one job per person (with the first reply's id, so a copy is not queued twice). */
export async function enqueueOutboundJobs(queue: Queue, jobs: OutboundJob[], opts: { fresh?: boolean } = {}): Promise<void> {
  if (jobs.length === 0) return;
  await queue.addBulk(
    batchOutboundJobs(jobs).map((data) => ({
      name: 'send',
      data: { jobs: [data], ...(opts.fresh ? { fresh: true } : {}) } satisfies OutboundBatch,
      opts: { ...OUTBOUND_JOB_OPTIONS, ...(data.messageId !== undefined ? { jobId: outboundJobId(data.messageId) } : {}) },
    })),
  );
}

/**
 * Queues the replies of turns committed together as one job (one queue round trip and one job
 * to run for all of them); the worker sends to the people at the same time, each in order.
 * The turn batches finishing within a couple of milliseconds of each other share the job.
 */
export async function enqueueOutboundTogether(queue: Queue, jobs: OutboundJob[]): Promise<void> {
  if (jobs.length > 0) await addTogether(queue)(jobs);
}

const addTogether = onePer((queue: Queue) =>
  microBatch(
    async (groups: OutboundJob[][]) => {
      const deliveries = batchOutboundJobs(groups.flat());
      if (deliveries.length <= 1) await enqueueOutboundJobs(queue, groups.flat(), { fresh: true });
      else await queue.add('send', { jobs: deliveries, fresh: true } satisfies OutboundBatch, OUTBOUND_JOB_OPTIONS);
      return groups.map(() => undefined);
    },
    { windowMs: 2, idleWindowMs: 1 },
  ),
);

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
  const turnDeps: TurnDeps = { ...setup.turn, enqueueOutbound: (jobs) => enqueueOutboundTogether(setup.outboundQueue, jobs) };
  // The jobs running at the same time share transactions (services/conversation/turn-batch.ts).
  const turns = createTurnBatcher(turnDeps);

  const inbound = new Worker<InboundJob | InboundItem>(
    INBOUND_QUEUE,
    async (job: Job<InboundJob | InboundItem>, token?: string) => {
      // One entry per person, in the order received (the turn takes the person's whole backlog).
      const people = new Map<string, InboundItem>();
      for (const item of inboundItemsOf(job.data)) {
        const id = `${item.channel}|${item.botId}|${item.externalUserId}`;
        if (!people.has(id)) people.set(id, item);
      }
      const items = [...people.values()];
      const outcomes = await Promise.allSettled(
        items.map((item) => turns.submit({ channel: item.channel, botId: item.botId, externalUserId: item.externalUserId }, item.receivedAtMs)),
      );
      const busy = items.filter((_, i) => {
        const o = outcomes[i];
        return o.status === 'rejected' && o.reason instanceof PersonBusyError;
      });
      const failed = items.filter((_, i) => {
        const o = outcomes[i];
        return o.status === 'rejected' && !(o.reason instanceof PersonBusyError);
      });
      if (failed.length > 0) {
        // Retried with backoff (an attempt); the people already answered are not in it again.
        await job.updateData({ items: [...failed, ...busy] });
        const first = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof PersonBusyError));
        throw first?.reason instanceof Error ? first.reason : new Error(String(first?.reason));
      }
      if (busy.length > 0) {
        // Another worker holds these people: look again shortly (not an attempt).
        await job.updateData({ items: busy });
        await job.moveToDelayed(Date.now() + PERSON_BUSY_RETRY_MS, token);
        throw new DelayedError();
      }
      return outcomes.reduce((n, o) => n + (o.status === 'fulfilled' ? o.value : 0), 0);
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

  const outbound = new Worker<OutboundBatch | OutboundJob>(
    OUTBOUND_QUEUE,
    async (job: Job<OutboundBatch | OutboundJob>, token?: string) => {
      const isLast = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      // Replies already handed to the channel (by an earlier attempt, or by a copy of this job
      // queued by the recovery sweep) are not sent again; a fresh job's replies cannot have been.
      const fresh =
        'fresh' in job.data &&
        job.data.fresh === true &&
        job.attemptsMade === 0 &&
        (job.stalledCounter ?? 0) === 0 &&
        Date.now() - job.timestamp < setup.recoveryAfterMs / 2;
      const deliveries = fresh ? outboundJobsOf(job.data) : await stillToSend(setup.db, outboundJobsOf(job.data));
      // Different people at the same time; each person's replies in order.
      const outcomes = await Promise.all(deliveries.map((d) => deliverOutbound(setup.outbound, d, isLast)));
      const retries = outcomes.filter((o): o is Extract<OutboundOutcome, { status: 'retry' }> => o.status === 'retry');
      if (retries.length > 0) {
        // The job keeps only what is left.
        await job.updateData({ jobs: retries.map((r) => r.remaining) });
        const now = retries.find((r) => r.delayMs === undefined);
        if (now) throw now.error; // retried with backoff (an attempt)
        await job.moveToDelayed(Date.now() + Math.max(...retries.map((r) => r.delayMs ?? 0)), token);
        throw new DelayedError();
      }
      return outcomes.every((o) => o.status === 'sent') ? 'sent' : 'failed';
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
