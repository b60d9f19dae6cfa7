/**
 * Sending: one outbound job = the replies of one turn to one person, in order, through the
 * channel's sender. The transcript rows are marked sent (or failed) afterwards, in one statement. Platform refusals are wrapped by the
 * channel as ChannelError: retryable ones are retried (after retry_after when given), others
 * fail the message; an unreachable person (blocked the bot) is marked so nothing more is tried.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { ChannelError, type ChannelSender } from '../../bots/channels/channel';
import type { ChannelId } from '../../bots/engine/types';
import type { BotInstance } from '../../bots/instances';
import type { Db } from '../db/client';
import { contacts, messages } from '../db/schema';
import { microBatch, onePer } from '../db/micro-batch';
import { idArray } from '../db/sql-arrays';
import { outboundItems, type OutboundJob } from './queues';
import { executeGeneric, runStatement, statement } from '../db/statements';

export interface OutboundDeps {
  db: Db;
  senders: Map<ChannelId, ChannelSender>;
  bots: Map<string, BotInstance>;
  metrics?: { outbound(channel: string, locale: string, receivedAtMs?: number): void };
  log?: { warn(obj: object, msg: string): void };
}

export type OutboundOutcome =
  | { status: 'sent' }
  | { status: 'failed'; reason: string }
  | { status: 'retry'; delayMs?: number; error: Error; remaining: OutboundJob };

/**
 * Delivers a job's replies in order. Never throws for platform errors: returns what the queue
 * should do; on 'retry', `remaining` is the job without the replies already sent.
 */
export async function deliverOutbound(deps: OutboundDeps, job: OutboundJob, isLastAttempt: boolean): Promise<OutboundOutcome> {
  const bot = deps.bots.get(job.botId);
  const sender = deps.senders.get(job.channel);
  const items = outboundItems(job);
  if (!bot || !sender) {
    await markFailed(deps.db, items.map((i) => i.messageId), `no sender for ${job.channel}/${job.botId}`);
    return { status: 'failed', reason: 'no-sender' };
  }
  const sent: { id: number; platformMessageId: string | null }[] = [];
  const failedIds: (number | undefined)[] = [];
  let outcome: OutboundOutcome = { status: 'sent' };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    try {
      const { platformMessageId } = await sender.send({ bot, externalUserId: job.externalUserId }, item.reply, {
        messageId: item.messageId,
        locale: job.locale ?? undefined,
        ...(job.from ? { from: job.from } : {}),
        ...(i > 0 ? { continuesBatch: true } : {}),
      });
      if (item.messageId !== undefined) sent.push({ id: item.messageId, platformMessageId: platformMessageId ?? null });
      deps.metrics?.outbound(job.channel, job.locale ?? 'unknown', job.receivedAtMs);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const channelError = err instanceof ChannelError ? err : null;
      if (channelError?.opts.unreachable) {
        await deps.db
          .update(contacts)
          .set({ unreachable: true })
          .where(and(eq(contacts.channel, job.channel), eq(contacts.botId, job.botId), eq(contacts.externalId, job.externalUserId)));
        // Nothing more can reach this person.
        failedIds.push(...items.slice(i).map((x) => x.messageId));
        outcome = { status: 'failed', reason: channelError.code };
        deps.log?.warn({ channel: job.channel, botId: job.botId, code: channelError.code }, 'person unreachable: replies not delivered');
        break;
      }
      const retryable = channelError ? channelError.retryable : true;
      if (!retryable || isLastAttempt) {
        failedIds.push(item.messageId);
        outcome = { status: 'failed', reason: channelError?.code ?? 'send-error' };
        deps.log?.warn({ channel: job.channel, botId: job.botId, code: channelError?.code, messageId: item.messageId }, 'reply not delivered');
        continue;
      }
      const [first, ...rest] = items.slice(i);
      outcome = {
        status: 'retry',
        delayMs: channelError?.opts.retryAfterMs,
        error,
        remaining: i === 0 ? job : { ...job, messageId: first.messageId, reply: first.reply, rest },
      };
      break;
    }
  }
  await markSent(deps.db, sent);
  await markFailed(deps.db, failedIds, outcome.status === 'failed' ? outcome.reason : 'send-error');
  return outcome;
}

/** The replies among $1 still pending. */
const PENDING_AMONG = statement('outbound_pending', ['bigint[]'], `select id from messages where id = any($1::bigint[]) and status = 'pending'`);

/** The transcript rows among `ids` still pending; one statement for the jobs starting together. */
const pendingAmong = onePer((db: Db) =>
  microBatch(async (batches: number[][]) => {
    const result = await runStatement(db, PENDING_AMONG, [idArray(batches.flat())]);
    const pending = new Set((result.rows as { id: number | string }[]).map((r) => Number(r.id)));
    return batches.map(() => pending);
  }),
);

/**
 * The deliveries without the replies that are no longer pending (sent, failed or held), read
 * in one statement shared by the jobs starting at the same moment. Replies without a
 * transcript row are always kept.
 */
export async function stillToSend(db: Db, deliveries: OutboundJob[]): Promise<OutboundJob[]> {
  const ids = deliveries.flatMap((d) => outboundItems(d).flatMap((i) => (i.messageId === undefined ? [] : [i.messageId])));
  if (ids.length === 0) return deliveries;
  const pending = await pendingAmong(db)(ids);
  const out: OutboundJob[] = [];
  for (const d of deliveries) {
    const items = outboundItems(d).filter((i) => i.messageId === undefined || pending.has(i.messageId));
    if (items.length === 0) continue;
    const [first, ...rest] = items;
    out.push({ ...d, messageId: first.messageId, reply: first.reply, rest: rest.length > 0 ? rest : undefined });
  }
  return out;
}

type Sent = { id: number; platformMessageId: string | null };

/** Marks replies sent ($1: JSON of id and platform message id; $2: their ids). */
export const MARK_SENT = statement(
  'outbound_mark_sent',
  ['jsonb', 'bigint[]'],
  `
    update messages m set status = 'sent', sent_at = now(), platform_message_id = v.pid
    from jsonb_to_recordset($1::jsonb) as v(id bigint, pid text)
    where m.id = any($2::bigint[]) and m.id = v.id and m.status = 'pending'`,
);

/** One statement for the replies that went out, shared by the jobs finishing at the same moment. */
const markSentIn = onePer((db: Db) =>
  microBatch(async (batches: Sent[][]) => {
    const all = batches.flat();
    await executeGeneric(db, MARK_SENT, [JSON.stringify(all.map((s) => ({ id: s.id, pid: s.platformMessageId }))), idArray(all.map((s) => s.id))]);
    return batches.map(() => undefined);
  }),
);

async function markSent(db: Db, sent: Sent[]): Promise<void> {
  if (sent.length > 0) await markSentIn(db)(sent);
}

async function markFailed(db: Db, messageIds: (number | undefined)[], reason: string): Promise<void> {
  const ids = messageIds.filter((id): id is number => id !== undefined);
  if (ids.length === 0) return;
  await db.update(messages).set({ status: 'failed', error: reason.slice(0, 200) }).where(inArray(messages.id, ids));
}
