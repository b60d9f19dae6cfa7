/**
 * A person's transcript as the tests read it: their messages (found by their address on the
 * platform), oldest first, in one direction only when `direction` is given.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../services/db/client';
import { contacts, conversations, messages } from '../../services/db/schema';

export async function transcriptOf(db: Db, externalId: string, direction?: 'in' | 'out') {
  return db
    .select({ id: messages.id, direction: messages.direction, text: messages.text, status: messages.status, payload: messages.payload })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(contacts.externalId, externalId), direction ? eq(messages.direction, direction) : undefined))
    .orderBy(asc(messages.id));
}
