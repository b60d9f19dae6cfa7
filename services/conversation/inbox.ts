/**
 * Receiving: a platform message is stored in PostgreSQL (inbox) and queued BEFORE the platform
 * gets its 2xx. A redelivered message hits the unique key and is not processed again.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { ChannelId } from '../../bots/engine/types';
import type { Db } from '../db/client';
import { inbox } from '../db/schema';
import { inboundJobId, INBOUND_DEDUPE_WINDOW_S, type InboundJob } from '../delivery/queues';

export interface RawInbound {
  channel: ChannelId;
  botId: string;
  externalUserId: string;
  platformMessageId: string;
  payload: unknown;
}

export interface AcceptResult {
  inboxId: number;
  duplicate: boolean;
}

export const INBOUND_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 500 },
  removeOnComplete: { age: INBOUND_DEDUPE_WINDOW_S, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Stores and queues one platform message; idempotent per (channel, bot, platform message id). */
export async function acceptInbound(deps: { db: Db; inboundQueue: Queue }, raw: RawInbound, now = new Date()): Promise<AcceptResult> {
  const inserted = await deps.db
    .insert(inbox)
    .values({
      channel: raw.channel,
      botId: raw.botId,
      externalUserId: raw.externalUserId,
      platformMessageId: raw.platformMessageId,
      payload: raw.payload as object,
      receivedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: inbox.id, receivedAt: inbox.receivedAt });
  if (inserted.length > 0) {
    await enqueueInbound(deps.inboundQueue, { ...raw, inboxId: inserted[0].id, receivedAtMs: now.getTime() });
    return { inboxId: inserted[0].id, duplicate: false };
  }
  const [existing] = await deps.db
    .select({ id: inbox.id, processedAt: inbox.processedAt, receivedAt: inbox.receivedAt })
    .from(inbox)
    .where(and(eq(inbox.channel, raw.channel), eq(inbox.botId, raw.botId), eq(inbox.platformMessageId, raw.platformMessageId)));
  // Not processed yet (e.g. Redis was down when it first came): queue it again; the job id dedupes.
  if (existing && !existing.processedAt) {
    await enqueueInbound(deps.inboundQueue, { ...raw, inboxId: existing.id, receivedAtMs: existing.receivedAt.getTime() });
  }
  return { inboxId: existing?.id ?? -1, duplicate: true };
}

export async function enqueueInbound(queue: Queue, job: InboundJob & { platformMessageId: string }): Promise<void> {
  const data: InboundJob = {
    inboxId: job.inboxId,
    channel: job.channel,
    botId: job.botId,
    externalUserId: job.externalUserId,
    receivedAtMs: job.receivedAtMs,
  };
  await queue.add('turn', data, { ...INBOUND_JOB_OPTIONS, jobId: inboundJobId(job.channel, job.botId, job.platformMessageId) });
}

/** Queues again inbox rows left unprocessed for longer than `olderThanMs` (lost jobs). */
export async function requeueStaleInbox(deps: { db: Db; inboundQueue: Queue }, olderThanMs: number, limit = 500): Promise<number> {
  const rows = await deps.db
    .select()
    .from(inbox)
    .where(and(isNull(inbox.processedAt), lt(inbox.receivedAt, sql`now() - (${olderThanMs} * interval '1 millisecond')`)))
    .orderBy(inbox.id)
    .limit(limit);
  for (const row of rows) {
    await enqueueInbound(deps.inboundQueue, {
      inboxId: row.id,
      channel: row.channel as ChannelId,
      botId: row.botId,
      externalUserId: row.externalUserId,
      platformMessageId: row.platformMessageId,
      receivedAtMs: row.receivedAt.getTime(),
    });
  }
  return rows.length;
}
