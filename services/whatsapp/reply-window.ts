/**
 * The 24-hour customer-service window in PostgreSQL: `conversations.last_inbound_at` is the
 * person's last message, and a reply the window did not allow waits as a transcript row with
 * status `held` (the template was sent instead) until the person writes again.
 *
 * - {@link readReplyWindow}: what the sender needs to choose free form or template (one query);
 * - {@link markHeld}: the reply was held (its row leaves `pending`, so the outbound worker does
 *   not mark it sent);
 * - {@link touchServiceWindow}: a message from the person renews the window at once (before
 *   the turn runs), and says whether replies are held;
 * - {@link releaseHeldReplies}: the held rows become pending again and are queued, in order.
 */
import { sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { ChannelId, Reply } from '../../bots/engine/types';
import type { Db } from '../db/client';
import type { OutboundJob } from '../delivery/queues';
import { enqueueOutboundJobs } from '../workers';

/** The `error` of a reply Meta refused as outside the window: it goes out as a template next time. */
export const REENGAGEMENT_ERROR = 'whatsapp-131047';

export interface ReplyWindowState {
  /** The person's last message; null forces the template; undefined: unknown (no conversation). */
  lastInboundAt: Date | null | undefined;
  /** A template already waits for the person's answer. */
  awaitingReply: boolean;
  conversationId: string | null;
}

/** One query: the conversation's last inbound time, whether replies are held, and whether this reply was refused as outside the window. */
export async function readReplyWindow(db: Db, botId: string, person: string, messageId?: number): Promise<ReplyWindowState> {
  const result = await db.execute(sql`
    select c.id as conversation_id, c.last_inbound_at,
      exists (select 1 from messages h where h.conversation_id = c.id and h.status = 'held') as awaiting,
      ${messageId !== undefined ? sql`(select m.error from messages m where m.id = ${messageId})` : sql`null`} as error
    from contacts k join conversations c on c.contact_id = k.id
    where k.channel = 'whatsapp' and k.bot_id = ${botId} and k.external_id = ${person}`);
  const row = result.rows[0] as { conversation_id: string; last_inbound_at: Date | string | null; awaiting: boolean; error: string | null } | undefined;
  if (!row) return { lastInboundAt: undefined, awaitingReply: false, conversationId: null };
  const last = row.error === REENGAGEMENT_ERROR || row.last_inbound_at === null ? null : new Date(row.last_inbound_at);
  return { lastInboundAt: last, awaitingReply: row.awaiting, conversationId: row.conversation_id };
}

/** The reply was held: kept with the template's wamid, out of `pending` (the outbound worker leaves it). */
export async function markHeld(db: Db, messageId: number, templateMessageId: string | null): Promise<void> {
  await db.execute(sql`
    update messages set status = 'held', sent_at = null, platform_message_id = coalesce(${templateMessageId}, platform_message_id)
    where id = ${messageId} and status = 'pending'`);
}

/**
 * A message from the person: `last_inbound_at` moves to its time at once (the turn sets it
 * again later). Returns who owns the conversation and how many replies are held; null when
 * the person has no conversation yet.
 */
export async function touchServiceWindow(db: Db, botId: string, person: string, at: Date): Promise<{ conversationId: string; owner: string; held: number } | null> {
  const when = new Date(Math.min(at.getTime(), Date.now())).toISOString();
  const result = await db.execute(sql`
    update conversations c
    set last_inbound_at = greatest(coalesce(c.last_inbound_at, ${when}::timestamptz), ${when}::timestamptz)
    from contacts k
    where k.id = c.contact_id and k.channel = 'whatsapp' and k.bot_id = ${botId} and k.external_id = ${person}
    returning c.id as conversation_id, c.owner,
      (select count(*) from messages h where h.conversation_id = c.id and h.status = 'held')::int as held`);
  const row = result.rows[0] as { conversation_id: string; owner: string; held: number } | undefined;
  return row ? { conversationId: row.conversation_id, owner: row.owner, held: Number(row.held) } : null;
}

/** A stored outbound row (author, text, payload, locale) as the job that sends it. */
export interface StoredReply {
  id: number | string;
  author: string;
  text: string | null;
  payload: unknown;
  locale: string | null;
}

export function outboundJobOf(r: StoredReply, botId: string, person: string): OutboundJob {
  const payload = (r.payload ?? {}) as Pick<Reply, 'choices' | 'links'>;
  return {
    messageId: Number(r.id),
    channel: 'whatsapp' as ChannelId,
    botId,
    externalUserId: person,
    reply: { text: r.text ?? '', ...(payload.choices?.length ? { choices: payload.choices } : {}), ...(payload.links?.length ? { links: payload.links } : {}) },
    locale: r.locale,
    ...(r.author === 'counsellor' ? { from: 'counsellor' as const } : {}),
  };
}

/**
 * Sends the held replies of a person: pending again (in their original order) and queued.
 * A held reply whose text was not stored (the person declined the privacy notice) cannot be
 * sent any more and is marked failed.
 * @returns how many were queued
 */
export async function releaseHeldReplies(db: Db, outboundQueue: Queue, botId: string, person: string): Promise<number> {
  const result = await db.execute(sql`
    update messages m
    set status = case when m.text is null then 'failed' else 'pending' end,
        error = case when m.text is null then 'held-text-not-stored' else null end,
        platform_message_id = null
    from conversations c join contacts k on k.id = c.contact_id
    where m.conversation_id = c.id and m.status = 'held'
      and k.channel = 'whatsapp' and k.bot_id = ${botId} and k.external_id = ${person}
    returning m.id, m.author, m.text, m.payload, m.locale`);
  const rows = (result.rows as unknown as StoredReply[])
    .filter((r) => r.text !== null)
    .sort((a, b) => Number(a.id) - Number(b.id));
  const jobs = rows.map((r) => outboundJobOf(r, botId, person));
  await enqueueOutboundJobs(outboundQueue, jobs);
  return jobs.length;
}
