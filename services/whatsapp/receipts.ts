/**
 * Delivery and read receipts of the Cloud API (`statuses` of the webhook), stored on the
 * outbound transcript row whose `platform_message_id` is the wamid the send call returned.
 * Receipts only move a row forward (sent → delivered → read; webhooks may arrive out of
 * order) and never start a turn. A `failed` receipt marks the row failed with Meta's code,
 * except 131047 (the reply went out after the window had closed): that row becomes pending
 * again and is sent as the template (services/whatsapp/reply-window.ts).
 */
import { sql } from 'drizzle-orm';
import type { WhatsAppStatusUpdate } from '../../bots/channels/whatsapp/webhook';
import type { Db } from '../db/client';
import { REENGAGEMENT_ERROR, type StoredReply } from './reply-window';

/** A reply refused as outside the window, to be queued again. */
export interface RefusedReply extends StoredReply {
  botId: string;
  person: string;
}

export interface ReceiptOutcome {
  /** Rows changed. */
  updated: number;
  /** Conversations whose transcript changed (the console is told). */
  conversationIds: string[];
  refused: RefusedReply[];
  /**
   * Receipts whose wamid no sent message has (yet): a receipt can arrive before the outbound
   * worker recorded the wamid, so the caller tries again a little later.
   */
  unmatched: WhatsAppStatusUpdate[];
}

const FROM: Record<'delivered' | 'read' | 'failed', string[]> = {
  delivered: ['sent'],
  read: ['sent', 'delivered'],
  failed: ['sent'],
};

/** True when a sent message has this wamid (the receipt was applied before, or came late). */
async function isKnown(db: Db, wamid: string): Promise<boolean> {
  const result = await db.execute(sql`select 1 from messages where direction = 'out' and platform_message_id = ${wamid} limit 1`);
  return result.rows.length > 0;
}

/** Applies receipts, each one conditional UPDATE by wamid (index messages_platform_out_idx). */
export async function applyReceipts(db: Db, updates: readonly WhatsAppStatusUpdate[]): Promise<ReceiptOutcome> {
  const outcome: ReceiptOutcome = { updated: 0, conversationIds: [], refused: [], unmatched: [] };
  for (const u of updates) {
    if (u.status !== 'delivered' && u.status !== 'read' && u.status !== 'failed') continue;
    const from = sql.join(FROM[u.status].map((s) => sql`${s}`), sql`, `);
    if (u.status === 'failed' && u.errorCode === 131047) {
      const result = await db.execute(sql`
        update messages m set status = 'pending', error = ${REENGAGEMENT_ERROR}, platform_message_id = null, sent_at = null
        from conversations c join contacts k on k.id = c.contact_id
        where m.direction = 'out' and m.platform_message_id = ${u.platformMessageId} and m.channel = 'whatsapp'
          and m.status in (${from}) and c.id = m.conversation_id
        returning m.id, m.author, m.text, m.payload, m.locale, m.conversation_id, k.bot_id, k.external_id`);
      for (const r of result.rows as unknown as Array<StoredReply & { conversation_id: string; bot_id: string; external_id: string }>) {
        outcome.updated += 1;
        outcome.conversationIds.push(r.conversation_id);
        outcome.refused.push({ id: r.id, author: r.author, text: r.text, payload: r.payload, locale: r.locale, botId: r.bot_id, person: r.external_id });
      }
      if (result.rows.length === 0 && !(await isKnown(db, u.platformMessageId))) outcome.unmatched.push(u);
      continue;
    }
    const error = u.status === 'failed' ? `whatsapp-${u.errorCode ?? 'failed'}` : null;
    const result = await db.execute(sql`
      update messages set status = ${u.status}, error = coalesce(${error}, error)
      where direction = 'out' and platform_message_id = ${u.platformMessageId} and channel = 'whatsapp' and status in (${from})
      returning conversation_id`);
    for (const r of result.rows as Array<{ conversation_id: string }>) {
      outcome.updated += 1;
      outcome.conversationIds.push(r.conversation_id);
    }
    if (result.rows.length === 0 && !(await isKnown(db, u.platformMessageId))) outcome.unmatched.push(u);
  }
  outcome.conversationIds = [...new Set(outcome.conversationIds)];
  return outcome;
}
