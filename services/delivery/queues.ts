/**
 * Queue names and job shapes. Queues live in Redis (BullMQ); what must survive lives in
 * PostgreSQL too (inbox rows, pending outbound messages), so a lost job is re-created by the
 * recovery sweep.
 */
import type { ChannelId, Reply } from '../../bots/engine/types';

export const INBOUND_QUEUE = 'inbound';
export const OUTBOUND_QUEUE = 'outbound';

/**
 * One received platform message as queued; the worker processes the person's whole backlog in
 * order, so an item only says "this person has something to answer".
 */
export interface InboundItem {
  inboxId: number;
  channel: ChannelId;
  botId: string;
  externalUserId: string;
  /** ms since epoch when the platform message was received (for time-to-answer). */
  receivedAtMs: number;
}

/**
 * An inbound job: the messages received at the same moment (one job per receipt batch, so a
 * queue round trip is shared by many messages), or one message queued again (duplicate
 * delivery of an unanswered message, recovery sweep) under its own id.
 */
export interface InboundJob {
  items: InboundItem[];
}

/** The job's items; also reads jobs queued by earlier versions (one InboundItem as data). */
export function inboundItemsOf(data: InboundJob | InboundItem): InboundItem[] {
  return 'items' in data && Array.isArray(data.items) ? data.items : [data as InboundItem];
}

/** A further reply sent by the same job, after the first (see OutboundJob.rest). */
export interface OutboundItem {
  messageId?: number;
  reply: Reply;
}

/**
 * Replies to one person, self-contained so the sender needs no database read. `reply` is the
 * first; `rest` carries the others of the same turn, sent in order by the same job (one job
 * and one status update per turn instead of one per reply).
 */
export interface OutboundJob {
  /** The transcript row; absent for replies that are not kept (confirmation of data deletion). */
  messageId?: number;
  channel: ChannelId;
  botId: string;
  externalUserId: string;
  reply: Reply;
  locale: string | null;
  receivedAtMs?: number;
  /** Who speaks: the bot (default) or a counsellor (channels may show it differently). */
  from?: 'bot' | 'counsellor';
  rest?: OutboundItem[];
}

/**
 * An outbound job: the replies of the turns committed together (one job per group of turns),
 * or of one person (counsellor replies, recovery sweep, held WhatsApp replies).
 */
export interface OutboundBatch {
  jobs: OutboundJob[];
  /**
   * Queued by the turn that just stored these replies as pending: on its first run (not
   * retried, not re-run after a crash, younger than half the recovery age, so the recovery
   * sweep cannot have queued a copy) the worker sends without reading their status first.
   */
  fresh?: boolean;
}

/** The job's per-person deliveries; also reads jobs queued by earlier versions (one OutboundJob as data). */
export function outboundJobsOf(data: OutboundBatch | OutboundJob): OutboundJob[] {
  return 'jobs' in data && Array.isArray(data.jobs) ? data.jobs : [data as OutboundJob];
}

/** The job's replies in sending order. */
export function outboundItems(job: OutboundJob): OutboundItem[] {
  return [{ messageId: job.messageId, reply: job.reply }, ...(job.rest ?? [])];
}

/** Groups consecutive jobs to the same person (same channel, bot, speaker) into one job each. */
export function batchOutboundJobs(jobs: OutboundJob[]): OutboundJob[] {
  const out: OutboundJob[] = [];
  for (const job of jobs) {
    const last = out[out.length - 1];
    if (
      last &&
      last.channel === job.channel &&
      last.botId === job.botId &&
      last.externalUserId === job.externalUserId &&
      (last.from ?? 'bot') === (job.from ?? 'bot') &&
      last.locale === job.locale &&
      (last.messageId === undefined) === (job.messageId === undefined)
    ) {
      last.rest = [...(last.rest ?? []), ...outboundItems(job)];
    } else {
      out.push({ ...job, rest: job.rest ? [...job.rest] : undefined });
    }
  }
  return out;
}

/** BullMQ deduplicates jobs by id while the job is kept: completed inbound jobs are kept a day. */
export function inboundJobId(channel: string, botId: string, platformMessageId: string): string {
  // BullMQ job ids must not contain ':' only as "custom id" convention; use '|' separators.
  return `in|${channel}|${botId}|${platformMessageId}`;
}

export function outboundJobId(messageId: number): string {
  return `out|${messageId}`;
}

/** How long completed inbound jobs are kept for deduplication (seconds). */
export const INBOUND_DEDUPE_WINDOW_S = 24 * 3600;
