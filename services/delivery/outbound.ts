/**
 * Sending: one outbound job = one Reply to one person, through the channel's sender. The
 * transcript row is marked sent (or failed) afterwards. Platform refusals are wrapped by the
 * channel as ChannelError: retryable ones are retried (after retry_after when given), others
 * fail the message; an unreachable person (blocked the bot) is marked so nothing more is tried.
 */
import { and, eq } from 'drizzle-orm';
import { ChannelError, type ChannelSender } from '../../bots/channels/channel';
import type { ChannelId } from '../../bots/engine/types';
import type { BotInstance } from '../../bots/instances';
import type { Db } from '../db/client';
import { contacts, messages } from '../db/schema';
import type { OutboundJob } from './queues';

export interface OutboundDeps {
  db: Db;
  senders: Map<ChannelId, ChannelSender>;
  bots: Map<string, BotInstance>;
  metrics?: { outbound(channel: string, locale: string, receivedAtMs?: number): void };
  log?: { warn(obj: object, msg: string): void };
}

export type OutboundOutcome = { status: 'sent' } | { status: 'failed'; reason: string } | { status: 'retry'; delayMs?: number; error: Error };

/** Delivers one job. Never throws for platform errors: returns what the queue should do. */
export async function deliverOutbound(deps: OutboundDeps, job: OutboundJob, isLastAttempt: boolean): Promise<OutboundOutcome> {
  const bot = deps.bots.get(job.botId);
  const sender = deps.senders.get(job.channel);
  if (!bot || !sender) {
    await markFailed(deps.db, job.messageId, `no sender for ${job.channel}/${job.botId}`);
    return { status: 'failed', reason: 'no-sender' };
  }
  try {
    const { platformMessageId } = await sender.send({ bot, externalUserId: job.externalUserId }, job.reply, {
      messageId: job.messageId,
      locale: job.locale ?? undefined,
      ...(job.from ? { from: job.from } : {}),
    });
    if (job.messageId !== undefined) {
      await deps.db
        .update(messages)
        .set({ status: 'sent', sentAt: new Date(), platformMessageId: platformMessageId ?? null })
        .where(and(eq(messages.id, job.messageId), eq(messages.status, 'pending')));
    }
    deps.metrics?.outbound(job.channel, job.locale ?? 'unknown', job.receivedAtMs);
    return { status: 'sent' };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const channelError = err instanceof ChannelError ? err : null;
    if (channelError?.opts.unreachable) {
      await deps.db
        .update(contacts)
        .set({ unreachable: true })
        .where(and(eq(contacts.channel, job.channel), eq(contacts.botId, job.botId), eq(contacts.externalId, job.externalUserId)));
    }
    const retryable = channelError ? channelError.retryable : true;
    if (!retryable || isLastAttempt) {
      await markFailed(deps.db, job.messageId, channelError?.code ?? 'send-error');
      deps.log?.warn({ channel: job.channel, botId: job.botId, code: channelError?.code, messageId: job.messageId }, 'reply not delivered');
      return { status: 'failed', reason: channelError?.code ?? 'send-error' };
    }
    return { status: 'retry', delayMs: channelError?.opts.retryAfterMs, error };
  }
}

async function markFailed(db: Db, messageId: number | undefined, reason: string): Promise<void> {
  if (messageId === undefined) return;
  await db.update(messages).set({ status: 'failed', error: reason.slice(0, 200) }).where(eq(messages.id, messageId));
}
