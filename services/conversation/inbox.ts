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
import { microBatch } from '../db/micro-batch';

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

/**
 * Stores and queues one platform message; idempotent per (channel, bot, platform message id).
 * Messages arriving at the same moment share one INSERT and one queue round trip (microBatch);
 * each caller returns only once its own row is stored and its job queued.
 */
export async function acceptInbound(deps: { db: Db; inboundQueue: Queue }, raw: RawInbound, now = new Date()): Promise<AcceptResult> {
  const inserted = await batchedInboxInsert(deps.db)({ raw, now });
  if (inserted !== null) {
    await enqueueInbound(deps.inboundQueue, { ...raw, inboxId: inserted, receivedAtMs: now.getTime() });
    return { inboxId: inserted, duplicate: false };
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

const inboxInserters = new WeakMap<Db, (row: { raw: RawInbound; now: Date }) => Promise<number | null>>();

/** One multi-row INSERT … ON CONFLICT DO NOTHING per burst; null for a row already stored. */
function batchedInboxInsert(db: Db): (row: { raw: RawInbound; now: Date }) => Promise<number | null> {
  let insert = inboxInserters.get(db);
  if (!insert) {
    insert = microBatch(async (rows: { raw: RawInbound; now: Date }[]) => {
      const values = rows.map(({ raw, now }) => ({
        channel: raw.channel,
        bot_id: raw.botId,
        external_user_id: raw.externalUserId,
        platform_message_id: raw.platformMessageId,
        payload: raw.payload ?? null,
        received_at: now.toISOString(),
      }));
      const result = await db.execute(sql`
        insert into inbox (channel, bot_id, external_user_id, platform_message_id, payload, received_at)
        select r.channel, r.bot_id, r.external_user_id, r.platform_message_id, r.payload, r.received_at
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as r(channel text, bot_id text, external_user_id text, platform_message_id text, payload jsonb, received_at timestamptz)
        on conflict do nothing
        returning id, channel, bot_id, platform_message_id`);
      const ids = new Map<string, number>();
      for (const r of result.rows as { id: number | string; channel: string; bot_id: string; platform_message_id: string }[]) {
        ids.set(`${r.channel}|${r.bot_id}|${r.platform_message_id}`, Number(r.id));
      }
      // The same message twice in one burst: the first caller stored it, the other is a duplicate.
      return rows.map(({ raw }) => {
        const key = `${raw.channel}|${raw.botId}|${raw.platformMessageId}`;
        const id = ids.get(key);
        ids.delete(key);
        return id ?? null;
      });
    });
    inboxInserters.set(db, insert);
  }
  return insert;
}

const inboundAdders = new WeakMap<Queue, (job: { data: InboundJob; jobId: string }) => Promise<void>>();

/** Queues one inbound job (jobs queued at the same moment share one addBulk round trip). */
export async function enqueueInbound(queue: Queue, job: InboundJob & { platformMessageId: string }): Promise<void> {
  const data: InboundJob = {
    inboxId: job.inboxId,
    channel: job.channel,
    botId: job.botId,
    externalUserId: job.externalUserId,
    receivedAtMs: job.receivedAtMs,
  };
  let add = inboundAdders.get(queue);
  if (!add) {
    add = microBatch(async (jobs: { data: InboundJob; jobId: string }[]) => {
      await queue.addBulk(jobs.map((j) => ({ name: 'turn', data: j.data, opts: { ...INBOUND_JOB_OPTIONS, jobId: j.jobId } })));
      return jobs.map(() => undefined);
    });
    inboundAdders.set(queue, add);
  }
  await add({ data, jobId: inboundJobId(job.channel, job.botId, job.platformMessageId) });
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
