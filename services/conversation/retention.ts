/**
 * Data retention: what the privacy notice promises. People inactive for longer than the
 * retention period are deleted with everything of theirs (contacts cascade to conversations,
 * messages, feedback, consent, unanswered questions). A conversation that the counsellor queue
 * or a counsellor owns is kept until it is handed back. Processed inbox rows (they still name the
 * person's platform address) are kept only as long as platforms redeliver.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

/** Redeliveries come within a day; two days of processed inbox rows are enough for deduplication. */
export const INBOX_KEEP_DAYS = 2;

export async function applyRetention(db: Db, opts: { retentionDays: number; inboxKeepDays?: number }): Promise<{ contacts: number; inbox: number }> {
  const removed = await db.execute(sql`
    delete from contacts c
    where c.last_seen_at < now() - (${opts.retentionDays} * interval '1 day')
      and not exists (select 1 from conversations v where v.contact_id = c.id and v.owner <> 'bot')`);
  const inbox = await db.execute(sql`
    delete from inbox where processed_at is not null and processed_at < now() - (${opts.inboxKeepDays ?? INBOX_KEEP_DAYS} * interval '1 day')`);
  return { contacts: removed.rowCount ?? 0, inbox: inbox.rowCount ?? 0 };
}
