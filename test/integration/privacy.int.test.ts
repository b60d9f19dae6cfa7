/**
 * Real PostgreSQL: the retention sweep deletes people inactive for longer than the retention
 * period with everything of theirs, keeps active people and people waiting for a counsellor,
 * and drops old processed inbox rows (they name the person's address).
 */
import { eq, sql } from 'drizzle-orm';
import { contacts, conversations, feedback, inbox, messages } from '../../services/db/schema';
import { applyRetention } from '../../services/conversation/retention';
import { createTestDb, type TestDb } from '../helpers/db';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb('privacy');
});
afterAll(async () => {
  await t?.close();
});

async function person(externalId: string, lastSeenDaysAgo: number, owner: 'bot' | 'queue' = 'bot') {
  const [c] = await t.db
    .insert(contacts)
    .values({ channel: 'webchat', botId: 'webchat', externalId, lastSeenAt: sql`now() - (${lastSeenDaysAgo} * interval '1 day')` })
    .returning();
  const [v] = await t.db.insert(conversations).values({ contactId: c.id, owner }).returning();
  await t.db.insert(messages).values({ conversationId: v.id, direction: 'in', author: 'user', kind: 'text', text: 'hello', channel: 'webchat', status: 'received' });
  await t.db.insert(feedback).values({ conversationId: v.id, topic: 'eu-blue-card', helpful: true });
  return { contactId: c.id, conversationId: v.id };
}

it('deletes inactive people with everything of theirs, and keeps the active and the waiting', async () => {
  const old = await person('old-person-0000001', 200);
  const recent = await person('recent-person-00001', 3);
  const waiting = await person('waiting-person-0001', 200, 'queue');
  await t.db.insert(inbox).values([
    { channel: 'webchat', botId: 'webchat', externalUserId: 'x1', platformMessageId: 'p-old', processedAt: sql`now() - interval '3 days'` as unknown as Date },
    { channel: 'webchat', botId: 'webchat', externalUserId: 'x2', platformMessageId: 'p-new', processedAt: new Date() },
    { channel: 'webchat', botId: 'webchat', externalUserId: 'x3', platformMessageId: 'p-open', payload: { text: 'waiting' } },
  ]);

  const removed = await applyRetention(t.db, { retentionDays: 180 });
  expect(removed).toEqual({ contacts: 1, inbox: 1 });

  expect(await t.db.select().from(contacts).where(eq(contacts.id, old.contactId))).toHaveLength(0);
  expect(await t.db.select().from(messages).where(eq(messages.conversationId, old.conversationId))).toHaveLength(0);
  expect(await t.db.select().from(feedback).where(eq(feedback.conversationId, old.conversationId))).toHaveLength(0);
  expect(await t.db.select().from(contacts).where(eq(contacts.id, recent.contactId))).toHaveLength(1);
  expect(await t.db.select().from(contacts).where(eq(contacts.id, waiting.contactId))).toHaveLength(1);
  const left = (await t.db.select({ id: inbox.platformMessageId }).from(inbox)).map((r) => r.id).sort();
  expect(left).toEqual(['p-new', 'p-open']);
});
