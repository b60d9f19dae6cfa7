/**
 * Receiving: a platform message is stored in PostgreSQL (inbox) and queued BEFORE the platform
 * gets its 2xx. A redelivered message hits the unique key and is not processed again.
 */
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { ChannelId } from '../../bots/engine/types';
import type { Db } from '../db/client';
import { inbox } from '../db/schema';
import { inboundJobId, INBOUND_DEDUPE_WINDOW_S, type InboundItem, type InboundJob } from '../delivery/queues';
import { microBatch, onePer } from '../db/micro-batch';
import { executeGeneric, statement } from '../db/statements';

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
 * Messages arriving at the same moment share one INSERT and one inbound job (microBatch);
 * each caller returns only once its own row is stored and its job queued.
 */
export async function acceptInbound(deps: { db: Db; inboundQueue: Queue }, raw: RawInbound, now = new Date()): Promise<AcceptResult> {
  const inserted = await acceptIn(deps.db)(deps.inboundQueue)({ raw, now });
  if (inserted !== null) return { inboxId: inserted, duplicate: false };
  const [existing] = await deps.db
    .select({ id: inbox.id, processedAt: inbox.processedAt, receivedAt: inbox.receivedAt })
    .from(inbox)
    .where(and(eq(inbox.channel, raw.channel), eq(inbox.botId, raw.botId), eq(inbox.platformMessageId, raw.platformMessageId)));
  // Not processed yet (e.g. Redis was down when it first came): queue it again; the job id dedupes.
  if (existing && !existing.processedAt) {
    await enqueueInbound(deps.inboundQueue, [{ ...raw, inboxId: existing.id, receivedAtMs: existing.receivedAt.getTime() }]);
  }
  return { inboxId: existing?.id ?? -1, duplicate: true };
}

/**
 * Messages arriving within a few milliseconds share one INSERT and one inbound job: 8 ms while
 * an earlier batch is still being stored, 1 ms when none is (an idle service does not wait).
 * A longer window than the other micro-batches: every job costs BullMQ several Redis scripts
 * in the worker, so at hundreds of messages per second fewer, fuller jobs answer sooner
 * overall (npm run bench: p99 at 500/s lower than with 4 ms).
 */
const ACCEPT_BATCH = { windowMs: 8, idleWindowMs: 1, maxInFlight: 2, maxItems: 128 };

/** The messages stored by one receipt batch share one job, removed once done (nothing dedupes by its id). */
const FRESH_JOB_OPTIONS = { ...INBOUND_JOB_OPTIONS, removeOnComplete: true };

/** Stores a burst of messages ($1: JSON rows); returns the rows stored (not those already there). */
export const INBOX_INSERT = statement(
  'inbox_insert',
  ['jsonb'],
  `
    insert into inbox (channel, bot_id, external_user_id, platform_message_id, payload, received_at)
    select r.channel, r.bot_id, r.external_user_id, r.platform_message_id, r.payload, r.received_at
    from jsonb_to_recordset($1::jsonb)
      as r(channel text, bot_id text, external_user_id text, platform_message_id text, payload jsonb, received_at timestamptz)
    on conflict do nothing
    returning id, channel, bot_id, platform_message_id`,
);

/**
 * One multi-row INSERT … ON CONFLICT DO NOTHING per burst, and one inbound job for the rows it
 * stored; resolves with the row id, or null for a message already stored. One per database and
 * queue.
 */
const acceptIn = onePer((db: Db) =>
  onePer((inboundQueue: Queue) =>
    microBatch(async (rows: { raw: RawInbound; now: Date }[]) => {
      const values = rows.map(({ raw, now }) => ({
        channel: raw.channel,
        bot_id: raw.botId,
        external_user_id: raw.externalUserId,
        platform_message_id: raw.platformMessageId,
        payload: raw.payload ?? null,
        received_at: now.toISOString(),
      }));
      const result = await executeGeneric(db, INBOX_INSERT, [JSON.stringify(values)]);
      const ids = new Map<string, number>();
      for (const r of result.rows as { id: number | string; channel: string; bot_id: string; platform_message_id: string }[]) {
        ids.set(`${r.channel}|${r.bot_id}|${r.platform_message_id}`, Number(r.id));
      }
      // The same message twice in one burst: the first caller stored it, the other is a duplicate.
      const items: InboundItem[] = [];
      const stored = rows.map(({ raw, now }) => {
        const key = `${raw.channel}|${raw.botId}|${raw.platformMessageId}`;
        const inboxId = ids.get(key);
        ids.delete(key);
        if (inboxId === undefined) return null;
        items.push({ inboxId, channel: raw.channel, botId: raw.botId, externalUserId: raw.externalUserId, receivedAtMs: now.getTime() });
        return inboxId;
      });
      // If this fails the callers get the error (no 2xx); the rows stay and are answered after
      // the platform's redelivery or the recovery sweep.
      if (items.length > 0) await inboundQueue.add('turns', { items } satisfies InboundJob, FRESH_JOB_OPTIONS);
      return stored;
    }, ACCEPT_BATCH),
  ),
);

/**
 * Queues messages again, each under its own job id (a duplicate delivery of a message not yet
 * answered, or the recovery sweep): BullMQ keeps the id a day, so none is queued twice.
 */
export async function enqueueInbound(queue: Queue, messages: (InboundItem & { platformMessageId: string })[]): Promise<void> {
  await queue.addBulk(
    messages.map((m) => ({
      name: 'turn',
      // Only what the worker needs: never the payload (message text stays in PostgreSQL).
      data: { items: [{ inboxId: m.inboxId, channel: m.channel, botId: m.botId, externalUserId: m.externalUserId, receivedAtMs: m.receivedAtMs }] } satisfies InboundJob,
      opts: { ...INBOUND_JOB_OPTIONS, jobId: inboundJobId(m.channel, m.botId, m.platformMessageId) },
    })),
  );
}

/** Queues again inbox rows left unprocessed for longer than `olderThanMs` (lost jobs). */
export async function requeueStaleInbox(deps: { db: Db; inboundQueue: Queue }, olderThanMs: number, limit = 500): Promise<number> {
  const rows = await deps.db
    .select()
    .from(inbox)
    .where(and(isNull(inbox.processedAt), lt(inbox.receivedAt, sql`now() - (${olderThanMs} * interval '1 millisecond')`)))
    .orderBy(inbox.id)
    .limit(limit);
  await enqueueInbound(
    deps.inboundQueue,
    rows.map((row) => ({
      inboxId: row.id,
      channel: row.channel as ChannelId,
      botId: row.botId,
      externalUserId: row.externalUserId,
      platformMessageId: row.platformMessageId,
      receivedAtMs: row.receivedAt.getTime(),
    })),
  );
  return rows.length;
}
