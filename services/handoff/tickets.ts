/**
 * Handoff tickets in PostgreSQL, the truth of who owns a conversation. Every change is one
 * transaction: a conditional UPDATE of the ticket (so two counsellors clicking at once cannot
 * both win), then the conversation's owner, then what the person is told (a transcript row).
 * What must reach the person is returned as OutboundJobs, enqueued by the caller after commit
 * (the outbound recovery sweep re-sends a row whose job was lost).
 */
import { and, asc, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Translator } from '../../bots/engine/ports';
import { isLocale, type ChannelId, type Locale } from '../../bots/engine/types';
import type { Db } from '../db/client';
import { contacts, conversations, handoffNotes, handoffTickets, messages, staffUsers } from '../db/schema';
import type { OutboundJob } from '../delivery/queues';
import { isOutcome } from './outcomes';
import { joinedText, leftText, returnedText, transferredText } from './person-messages';
import type { OfficeHours } from './office-hours';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Executor = Db | Tx;

export type Ticket = typeof handoffTickets.$inferSelect;
export type TicketStatus = Ticket['status'];
export type StaffRole = 'counsellor' | 'editor' | 'admin';

/** Who acts in the console. */
export interface Actor {
  id: string;
  name: string;
  role: StaffRole;
}

/** An expected refusal (the console answers 404/409/403/400), not a failure. */
export class HandoffError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'conflict' | 'forbidden' | 'invalid',
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The result of a change: the ticket after it, and replies to enqueue once committed. */
export interface TicketChange {
  ticket: Ticket;
  jobs: OutboundJob[];
}

/** Longest note or counsellor reply, in characters. */
export const MAX_TEXT_CHARS = 4000;

export interface OpenTicketInput {
  conversationId: string;
  language: Locale;
  reason: string;
  topic?: string | null;
  now: Date;
  notifyDueAt: Date;
  slaDueAt: Date;
  returnDueAt: Date;
}

/**
 * Inside the turn's transaction: the queue takes the conversation and a waiting ticket is
 * opened (or the open one is kept). Returns the ticket and the person's place in the queue.
 */
export async function openTicket(tx: Tx, input: OpenTicketInput): Promise<{ ticket: Ticket; position: number; created: boolean }> {
  const [created] = await tx
    .insert(handoffTickets)
    .values({
      conversationId: input.conversationId,
      language: input.language,
      reason: input.reason,
      topic: input.topic ?? null,
      createdAt: input.now,
      notifyDueAt: input.notifyDueAt,
      slaDueAt: input.slaDueAt,
      returnDueAt: input.returnDueAt,
    })
    .onConflictDoNothing()
    .returning();
  const ticket =
    created ??
    (await tx
      .select()
      .from(handoffTickets)
      .where(and(eq(handoffTickets.conversationId, input.conversationId), inArray(handoffTickets.status, ['waiting', 'claimed']))))[0];
  if (!ticket) throw new HandoffError('no open ticket could be created', 'conflict');
  const claimed = ticket.status === 'claimed';
  await tx
    .update(conversations)
    .set({ owner: claimed ? 'counsellor' : 'queue', counsellorId: claimed ? ticket.claimedBy : null, updatedAt: input.now })
    .where(eq(conversations.id, input.conversationId));
  const [{ ahead }] = await tx
    .select({ ahead: count() })
    .from(handoffTickets)
    .where(and(eq(handoffTickets.status, 'waiting'), eq(handoffTickets.language, ticket.language), lt(handoffTickets.createdAt, ticket.createdAt)));
  return { ticket, position: Number(ahead) + 1, created: !!created };
}

/** The person behind a conversation: where replies go and in which language. */
interface Person {
  conversationId: string;
  channel: ChannelId;
  botId: string;
  externalId: string;
  locale: Locale;
  /** The person declined the privacy notice: texts are sent but not stored. */
  declined: boolean;
}

async function personOf(tx: Executor, conversationId: string, fallbackLocale: string): Promise<Person> {
  const [row] = await tx
    .select({
      channel: contacts.channel,
      botId: contacts.botId,
      externalId: contacts.externalId,
      locale: conversations.locale,
      consent: sql<string | null>`${conversations.state}->>'consent'`,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  if (!row) throw new HandoffError('conversation not found', 'not-found');
  const locale = isLocale(row.locale) ? row.locale : isLocale(fallbackLocale) ? fallbackLocale : 'en';
  return { conversationId, channel: row.channel as ChannelId, botId: row.botId, externalId: row.externalId, locale, declined: row.consent === 'declined' };
}

/** Stores one outbound message (pending) and returns its job; the outbound worker sends it. */
async function sendToPerson(tx: Executor, person: Person, text: string, author: 'counsellor' | 'system', staffId?: string): Promise<OutboundJob> {
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: person.conversationId,
      direction: 'out',
      author,
      kind: 'reply',
      text: person.declined ? null : text,
      payload: person.declined ? null : { choices: [], links: [] },
      channel: person.channel,
      status: 'pending',
      locale: person.locale,
      staffId: staffId ?? null,
    })
    .returning({ id: messages.id });
  return {
    messageId: row.id,
    channel: person.channel,
    botId: person.botId,
    externalUserId: person.externalId,
    reply: { text },
    locale: person.locale,
    from: author === 'counsellor' ? 'counsellor' : 'bot',
  };
}

async function explainRefusal(tx: Executor, ticketId: string, wanted: string): Promise<never> {
  const [row] = await tx
    .select({ status: handoffTickets.status, claimedBy: handoffTickets.claimedBy, claimedByName: staffUsers.name })
    .from(handoffTickets)
    .leftJoin(staffUsers, eq(staffUsers.id, handoffTickets.claimedBy))
    .where(eq(handoffTickets.id, ticketId));
  if (!row) throw new HandoffError('ticket not found', 'not-found');
  throw new HandoffError(`cannot ${wanted}: the ticket is ${row.status}${row.claimedByName ? ` (${row.claimedByName})` : ''}`, 'conflict', {
    status: row.status,
    claimedBy: row.claimedBy,
    claimedByName: row.claimedByName,
  });
}

/** The counsellor who claimed the ticket, or an admin. */
function handledBy(actor: Actor) {
  return actor.role === 'admin' ? sql`true` : eq(handoffTickets.claimedBy, actor.id);
}

function checkId(ticketId: string): void {
  if (!/^[0-9a-f-]{36}$/i.test(ticketId)) throw new HandoffError('ticket not found', 'not-found');
}

function checkText(text: unknown, what: string): string {
  if (typeof text !== 'string' || text.trim() === '') throw new HandoffError(`${what} is empty`, 'invalid');
  if (text.length > MAX_TEXT_CHARS) throw new HandoffError(`${what} is longer than ${MAX_TEXT_CHARS} characters`, 'invalid');
  return text.trim();
}

export interface PersonTexts {
  t: Translator;
  hours: OfficeHours;
}

/**
 * Claims a waiting ticket: one conditional UPDATE … WHERE status = 'waiting' RETURNING, so of
 * any number of simultaneous claims exactly one succeeds; the others get a `conflict`.
 */
export async function claimTicket(db: Db, texts: PersonTexts, ticketId: string, actor: Actor, now = new Date()): Promise<TicketChange> {
  checkId(ticketId);
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .update(handoffTickets)
      .set({ status: 'claimed', claimedBy: actor.id, claimedAt: now })
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'waiting')))
      .returning();
    if (!ticket) return explainRefusal(tx, ticketId, 'claim');
    await tx.update(conversations).set({ owner: 'counsellor', counsellorId: actor.id, updatedAt: now }).where(eq(conversations.id, ticket.conversationId));
    const person = await personOf(tx, ticket.conversationId, ticket.language);
    return { ticket, jobs: [await sendToPerson(tx, person, joinedText(texts.t, person.locale, actor.name), 'system')] };
  });
}

/** A counsellor's reply: stored, then sent through the person's own channel. */
export async function replyToTicket(db: Db, ticketId: string, actor: Actor, text: unknown): Promise<TicketChange> {
  checkId(ticketId);
  const body = checkText(text, 'the reply');
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .select()
      .from(handoffTickets)
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'claimed'), handledBy(actor)))
      .for('share');
    if (!ticket) return explainRefusal(tx, ticketId, 'reply');
    const person = await personOf(tx, ticket.conversationId, ticket.language);
    return { ticket, jobs: [await sendToPerson(tx, person, body, 'counsellor', actor.id)] };
  });
}

/** An internal note; never sent to the person. Any counsellor may note on any ticket. */
export async function addNote(db: Db, ticketId: string, actor: Actor, text: unknown): Promise<{ ticket: Ticket; noteId: number }> {
  checkId(ticketId);
  const body = checkText(text, 'the note');
  const [ticket] = await db.select().from(handoffTickets).where(eq(handoffTickets.id, ticketId));
  if (!ticket) throw new HandoffError('ticket not found', 'not-found');
  const [note] = await db.insert(handoffNotes).values({ ticketId, authorId: actor.id, text: body }).returning({ id: handoffNotes.id });
  return { ticket, noteId: note.id };
}

async function giveBackToBot(
  tx: Tx,
  texts: PersonTexts,
  ticket: Ticket,
  now: Date,
  say: (locale: Locale) => string,
): Promise<TicketChange> {
  await tx.update(conversations).set({ owner: 'bot', counsellorId: null, updatedAt: now }).where(eq(conversations.id, ticket.conversationId));
  const person = await personOf(tx, ticket.conversationId, ticket.language);
  return { ticket, jobs: [await sendToPerson(tx, person, say(person.locale), 'system')] };
}

/** Resolves a claimed ticket with an outcome category; the bot answers the person again. */
export async function resolveTicket(db: Db, texts: PersonTexts, ticketId: string, actor: Actor, outcome: unknown, now = new Date()): Promise<TicketChange> {
  checkId(ticketId);
  if (!isOutcome(outcome)) throw new HandoffError('unknown outcome category', 'invalid');
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .update(handoffTickets)
      .set({ status: 'resolved', resolvedAt: now, outcome })
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'claimed'), handledBy(actor)))
      .returning();
    if (!ticket) return explainRefusal(tx, ticketId, 'resolve');
    return giveBackToBot(tx, texts, ticket, now, (locale) => leftText(texts.t, locale));
  });
}

/** Hands a claimed ticket back to the bot without resolving it (status `returned`). */
export async function handBackToBot(db: Db, texts: PersonTexts, ticketId: string, actor: Actor, now = new Date()): Promise<TicketChange> {
  checkId(ticketId);
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .update(handoffTickets)
      .set({ status: 'returned', resolvedAt: now, outcome: 'handed-back' })
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'claimed'), handledBy(actor)))
      .returning();
    if (!ticket) return explainRefusal(tx, ticketId, 'hand back');
    return giveBackToBot(tx, texts, ticket, now, (locale) => leftText(texts.t, locale));
  });
}

/** Nobody claimed the ticket in time: back to the bot, and the person is told honestly. Null if already claimed/closed. */
export async function returnIfUnclaimed(db: Db, texts: PersonTexts, ticketId: string, now = new Date()): Promise<TicketChange | null> {
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .update(handoffTickets)
      .set({ status: 'returned', resolvedAt: now, outcome: 'timeout' })
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'waiting')))
      .returning();
    if (!ticket) return null;
    return giveBackToBot(tx, texts, ticket, now, (locale) => returnedText(texts.t, locale, texts.hours));
  });
}

/** Passes a claimed ticket to a colleague (an active counsellor or admin); a note records it. */
export async function transferTicket(db: Db, texts: PersonTexts, ticketId: string, actor: Actor, toUserId: unknown, now = new Date()): Promise<TicketChange> {
  checkId(ticketId);
  if (typeof toUserId !== 'string' || !/^[0-9a-f-]{36}$/i.test(toUserId)) throw new HandoffError('choose a colleague', 'invalid');
  if (toUserId === actor.id) throw new HandoffError('the ticket is already yours', 'invalid');
  return db.transaction(async (tx) => {
    const [to] = await tx
      .select({ id: staffUsers.id, name: staffUsers.name })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, toUserId), eq(staffUsers.active, true), inArray(staffUsers.role, ['counsellor', 'admin'])));
    if (!to) throw new HandoffError('that colleague cannot take tickets', 'invalid');
    const [ticket] = await tx
      .update(handoffTickets)
      .set({ claimedBy: to.id, claimedAt: now })
      .where(and(eq(handoffTickets.id, ticketId), eq(handoffTickets.status, 'claimed'), handledBy(actor)))
      .returning();
    if (!ticket) return explainRefusal(tx, ticketId, 'transfer');
    await tx.update(conversations).set({ counsellorId: to.id, updatedAt: now }).where(eq(conversations.id, ticket.conversationId));
    await tx.insert(handoffNotes).values({ ticketId, authorId: actor.id, text: `Transferred from ${actor.name} to ${to.name}.` });
    const person = await personOf(tx, ticket.conversationId, ticket.language);
    return { ticket, jobs: [await sendToPerson(tx, person, transferredText(texts.t, person.locale, to.name), 'system')] };
  });
}

/** A ticket by id. */
export async function getTicket(db: Executor, ticketId: string): Promise<Ticket | null> {
  if (!/^[0-9a-f-]{36}$/i.test(ticketId)) return null;
  const [ticket] = await db.select().from(handoffTickets).where(eq(handoffTickets.id, ticketId));
  return ticket ?? null;
}

/** How many people wait for a counsellor, all languages. */
export async function countWaiting(db: Executor): Promise<number> {
  const [{ n }] = await db.select({ n: count() }).from(handoffTickets).where(eq(handoffTickets.status, 'waiting'));
  return Number(n);
}

/** Marks a staff notice as sent, once (conditional), so retries and recovery do not repeat it. */
export async function markStaffNotified(db: Executor, ticketId: string, column: 'staffNotifiedAt' | 'slaAlertedAt', now = new Date()): Promise<boolean> {
  const target = column === 'staffNotifiedAt' ? handoffTickets.staffNotifiedAt : handoffTickets.slaAlertedAt;
  const rows = await db
    .update(handoffTickets)
    .set({ [column]: now })
    .where(and(eq(handoffTickets.id, ticketId), sql`${target} is null`))
    .returning({ id: handoffTickets.id });
  return rows.length > 0;
}

/** Open tickets (waiting and claimed) for the queue view, with who holds them. */
export async function listOpenTickets(db: Executor, limit = 500) {
  return db
    .select({
      id: handoffTickets.id,
      conversationId: handoffTickets.conversationId,
      status: handoffTickets.status,
      language: handoffTickets.language,
      reason: handoffTickets.reason,
      topic: handoffTickets.topic,
      createdAt: handoffTickets.createdAt,
      claimedBy: handoffTickets.claimedBy,
      claimedByName: staffUsers.name,
      claimedAt: handoffTickets.claimedAt,
      returnDueAt: handoffTickets.returnDueAt,
      channel: contacts.channel,
      lastInboundAt: conversations.lastInboundAt,
    })
    .from(handoffTickets)
    .innerJoin(conversations, eq(conversations.id, handoffTickets.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(staffUsers, eq(staffUsers.id, handoffTickets.claimedBy))
    .where(inArray(handoffTickets.status, ['waiting', 'claimed']))
    .orderBy(asc(handoffTickets.createdAt))
    .limit(limit);
}

/** Waiting tickets whose timers may need to be (re)scheduled. */
export async function listWaitingTickets(db: Executor, limit = 1000): Promise<Ticket[]> {
  return db.select().from(handoffTickets).where(eq(handoffTickets.status, 'waiting')).orderBy(asc(handoffTickets.createdAt)).limit(limit);
}

/** How much of a conversation the console shows. */
export const TRANSCRIPT_LIMIT = 300;

/** Everything the conversation view shows: ticket, person, transcript (oldest first), notes, earlier tickets. */
export async function ticketView(db: Executor, ticketId: string) {
  const ticket = await getTicket(db, ticketId);
  if (!ticket) return null;
  const [claimer] = ticket.claimedBy ? await db.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, ticket.claimedBy)) : [];
  const [person] = await db
    .select({
      channel: contacts.channel,
      botId: contacts.botId,
      locale: conversations.locale,
      region: contacts.region,
      owner: conversations.owner,
      consent: sql<string | null>`${conversations.state}->>'consent'`,
      firstSeenAt: contacts.createdAt,
      /** The person's last message (WhatsApp's 24-hour window). */
      lastInboundAt: conversations.lastInboundAt,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, ticket.conversationId));
  const transcript = (
    await db
      .select({
        id: messages.id,
        direction: messages.direction,
        author: messages.author,
        kind: messages.kind,
        text: messages.text,
        payload: messages.payload,
        topic: messages.topic,
        status: messages.status,
        createdAt: messages.createdAt,
        staffName: staffUsers.name,
      })
      .from(messages)
      .leftJoin(staffUsers, eq(staffUsers.id, messages.staffId))
      .where(eq(messages.conversationId, ticket.conversationId))
      .orderBy(desc(messages.id))
      .limit(TRANSCRIPT_LIMIT)
  ).reverse();
  const notes = await db
    .select({ id: handoffNotes.id, text: handoffNotes.text, createdAt: handoffNotes.createdAt, authorName: staffUsers.name })
    .from(handoffNotes)
    .leftJoin(staffUsers, eq(staffUsers.id, handoffNotes.authorId))
    .where(eq(handoffNotes.ticketId, ticketId))
    .orderBy(asc(handoffNotes.id));
  const earlier = await db
    .select({ id: handoffTickets.id, status: handoffTickets.status, outcome: handoffTickets.outcome, createdAt: handoffTickets.createdAt })
    .from(handoffTickets)
    .where(and(eq(handoffTickets.conversationId, ticket.conversationId), lt(handoffTickets.createdAt, ticket.createdAt)))
    .orderBy(desc(handoffTickets.createdAt))
    .limit(20);
  return { ticket: { ...ticket, claimedByName: claimer?.name ?? null }, person: person ?? null, transcript, notes, earlier };
}
