/**
 * Keeps a conversation's replies in order. The outbound worker runs several jobs at once, and a
 * delayed job (send limit, 429) would otherwise be overtaken by the next reply of the same turn
 * — on Telegram the privacy notice could arrive after the question it asks about. Wrapped
 * around a sender, a reply is held back (a retryable ChannelError with a short `retryAfterMs`,
 * so its job is delayed without using up an attempt) while an earlier reply of the same
 * conversation is still pending. A reply pending for longer than `maxWaitForEarlierMs` no
 * longer holds others back (its job may be lost; the recovery sweep re-creates it).
 */
import { sql } from 'drizzle-orm';
import { ChannelError, type ChannelSender } from '../../bots/channels/channel';
import type { Db } from '../db/client';

/** How long a held-back reply waits before it looks again. */
export const ORDER_RECHECK_MS = 150;
/** Earlier replies pending longer than this do not hold later ones back. */
export const ORDER_MAX_WAIT_MS = 60_000;

/** True when an earlier reply of the same conversation as `messageId` is still pending. */
export async function hasEarlierPendingReply(db: Db, messageId: number, maxWaitMs = ORDER_MAX_WAIT_MS): Promise<boolean> {
  const result = await db.execute(sql`
    select 1 from messages earlier
    where earlier.conversation_id = (select conversation_id from messages where id = ${messageId})
      and earlier.id < ${messageId}
      and earlier.direction = 'out' and earlier.status = 'pending'
      and earlier.created_at > now() - (${maxWaitMs} * interval '1 millisecond')
    limit 1`);
  return result.rows.length > 0;
}

/**
 * @example senders.set('telegram', inConversationOrder(createTelegramSender(…), db))
 */
export function inConversationOrder(inner: ChannelSender, db: Db, opts: { recheckMs?: number; maxWaitMs?: number } = {}): ChannelSender {
  return {
    channel: inner.channel,
    async send(target, reply, meta) {
      // Within one job the earlier replies were just sent by this job: only the first one checks.
      if (meta.messageId !== undefined && !meta.continuesBatch && (await hasEarlierPendingReply(db, meta.messageId, opts.maxWaitMs))) {
        throw new ChannelError('an earlier reply is still pending', 'waiting-for-earlier-reply', true, { retryAfterMs: opts.recheckMs ?? ORDER_RECHECK_MS });
      }
      return inner.send(target, reply, meta);
    },
  };
}
