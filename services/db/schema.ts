/**
 * The PostgreSQL schema (drizzle-orm). PostgreSQL holds the truth: contacts, conversations,
 * transcripts, dialogue state, the inbox of received platform messages, feedback, consent and
 * the knowledge base's versions. Migrations in migrations/ are generated from this file with
 * `npm run db:generate` and committed.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A person on one bot: Telegram chat id, WhatsApp number or web-chat session id. */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    botId: text('bot_id').notNull(),
    externalId: text('external_id').notNull(),
    locale: text('locale'),
    region: text('region'),
    /** Social-media campaign the person came from (Telegram deep link), for reporting. */
    campaign: text('campaign'),
    /** The platform refuses delivery (blocked bot): stop sending. */
    unreachable: boolean('unreachable').notNull().default(false),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('contacts_address_uq').on(t.channel, t.botId, t.externalId)],
);

/** The conversation of a contact; `owner` says who may answer: bot, queue or counsellor. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    owner: text('owner', { enum: ['bot', 'queue', 'counsellor'] }).notNull().default('bot'),
    counsellorId: uuid('counsellor_id'),
    locale: text('locale'),
    /** The engine's ConversationState, plain JSON. */
    state: jsonb('state'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /** Last message from the person (WhatsApp's 24-hour window, retention). */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('conversations_contact_uq').on(t.contactId), index('conversations_owner_idx').on(t.owner)],
);

/**
 * Every platform message as received, stored before the platform gets its 2xx. A row is
 * processed exactly once (processed_at); its payload is cleared afterwards (the transcript in
 * `messages` is what is kept). The unique key makes a redelivered update a no-op.
 */
export const inbox = pgTable(
  'inbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    botId: text('bot_id').notNull(),
    externalUserId: text('external_user_id').notNull(),
    platformMessageId: text('platform_message_id').notNull(),
    payload: jsonb('payload'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    uniqueIndex('inbox_platform_uq').on(t.channel, t.botId, t.platformMessageId),
    index('inbox_pending_idx').on(t.channel, t.botId, t.externalUserId, t.id).where(sql`processed_at is null`),
  ],
);

/** The transcript: what the person wrote and what the bot or a counsellor answered. */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    author: text('author', { enum: ['user', 'bot', 'counsellor', 'system'] }).notNull(),
    kind: text('kind').notNull(),
    /** Null when the person declined the privacy notice (nothing kept beyond the turn). */
    text: text('text'),
    /** Outbound: choices and links of the Reply; inbound: choice value, command, media kind. */
    payload: jsonb('payload'),
    channel: text('channel').notNull(),
    platformMessageId: text('platform_message_id'),
    inboxId: bigint('inbox_id', { mode: 'number' }),
    /**
     * in: received; out: pending → sent | failed; delivery receipts: delivered, read;
     * held: WhatsApp's 24-hour window was closed (a template went out instead; sent when the person writes).
     */
    status: text('status').notNull(),
    locale: text('locale'),
    /** Topic the bot answered with, for the counsellor's view and reporting. */
    topic: text('topic'),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    error: text('error'),
    /** The counsellor who wrote an outbound message (author 'counsellor'). */
    staffId: uuid('staff_id').references(() => staffUsers.id, { onDelete: 'set null' }),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.id),
    index('messages_pending_idx').on(t.id).where(sql`direction = 'out' and status = 'pending'`),
    /** WhatsApp delivery and read receipts find the row by the wamid the send call returned. */
    index('messages_platform_out_idx').on(t.platformMessageId).where(sql`direction = 'out' and platform_message_id is not null`),
    /** Replies held for WhatsApp's 24-hour window (status 'held'), released when the person writes. */
    index('messages_held_idx').on(t.conversationId).where(sql`status = 'held'`),
  ],
);

/** "Did this help?" answers. */
export const feedback = pgTable('feedback', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  conversationId: uuid('conversation_id')
    .notNull()
    .references(() => conversations.id, { onDelete: 'cascade' }),
  topic: text('topic').notNull(),
  helpful: boolean('helpful').notNull(),
  locale: text('locale'),
  createdAt: createdAt(),
});

/** Acceptance or refusal of the privacy notice, with the notice's version. */
export const consents = pgTable('consents', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  contactId: uuid('contact_id')
    .notNull()
    .references(() => contacts.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ['accepted', 'declined'] }).notNull(),
  policyVersion: text('policy_version').notNull(),
  createdAt: createdAt(),
});

/** Questions the bot abstained on or that got "not helpful": the editors' inbox. */
export const unansweredQuestions = pgTable('unanswered_questions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
  /** Masked: phone numbers, e-mail addresses and passport-like numbers removed. */
  text: text('text').notNull(),
  locale: text('locale'),
  reason: text('reason').notNull(),
  topic: text('topic'),
  /** open → attached (to a topic as a question variant) | new-topic (a draft topic started) | dismissed. */
  status: text('status').notNull().default('open'),
  createdAt: createdAt(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  resolvedBy: uuid('resolved_by').references(() => staffUsers.id, { onDelete: 'set null' }),
});

/** Versions of the knowledge base; exactly one is active (what the service answers from). */
export const kbVersions = pgTable('kb_versions', {
  id: serial('id').primaryKey(),
  version: text('version').notNull().unique(),
  content: jsonb('content').notNull(),
  contentHash: text('content_hash').notNull(),
  source: text('source').notNull(),
  createdAt: createdAt(),
  createdBy: text('created_by'),
  isActive: boolean('is_active').notNull().default(false),
});

/**
 * People who work in the console: counsellors (answer handed-off conversations), editors
 * (keep the knowledge base current) and admins. Only an argon2id hash of the password is kept.
 * `languages`: the interface languages the person speaks; the queue shows those tickets first.
 */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-case. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['counsellor', 'editor', 'admin'] }).notNull(),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('staff_users_email_uq').on(t.email)],
);

/**
 * Console sessions. `id` is the SHA-256 of the cookie's token (a stolen database row does not
 * log anyone in); `csrfToken` is checked on every state-changing request.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId), index('staff_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * A request for a human counsellor: PostgreSQL is the truth, BullMQ only carries the timers.
 * waiting → claimed (one counsellor, atomically) → resolved (with an outcome) | returned (to the
 * bot: handed back, or nobody answered in time). At most one open ticket per conversation.
 */
export const handoffTickets = pgTable(
  'handoff_tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['waiting', 'claimed', 'resolved', 'returned'] }).notNull().default('waiting'),
    /** The person's language: tickets are routed to counsellors who speak it. */
    language: text('language').notNull(),
    /** Why the bot handed over: requested, no-answer, not-helpful, topic-mode, media. */
    reason: text('reason').notNull(),
    topic: text('topic'),
    createdAt: createdAt(),
    claimedBy: uuid('claimed_by').references(() => staffUsers.id, { onDelete: 'set null' }),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    /** When the ticket was resolved or returned to the bot. */
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    /** resolved: the outcome category; returned: 'handed-back' or 'timeout'. */
    outcome: text('outcome'),
    /** When the team is reminded that nobody has claimed it (office time counted). */
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }).notNull(),
    /** When it goes back to the bot if still unclaimed. */
    returnDueAt: timestamp('return_due_at', { withTimezone: true }).notNull(),
    /** When the team was first told about it (the staff notification channel). */
    notifyDueAt: timestamp('notify_due_at', { withTimezone: true }).notNull(),
    staffNotifiedAt: timestamp('staff_notified_at', { withTimezone: true }),
    slaAlertedAt: timestamp('sla_alerted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('handoff_tickets_open_uq').on(t.conversationId).where(sql`status in ('waiting', 'claimed')`),
    index('handoff_tickets_status_idx').on(t.status, t.language, t.createdAt),
  ],
);

/** Internal notes of counsellors on a ticket; never sent to the person. */
export const handoffNotes = pgTable(
  'handoff_notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => handoffTickets.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('handoff_notes_ticket_idx').on(t.ticketId, t.id)],
);

/**
 * The editors' shared working copy of the knowledge base (one row, id 'main'): the whole draft
 * snapshot as jsonb, started from the active version `base_version`. Changes stay here until an
 * editor publishes (→ a new kb_versions row) or discards them. One shared draft suits a small
 * team: everyone sees and publishes the same pending changes (the audit log says whose).
 */
export const kbDrafts = pgTable('kb_drafts', {
  id: text('id').primaryKey(),
  baseVersion: text('base_version'),
  content: jsonb('content').notNull(),
  updatedBy: text('updated_by'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who changed what in the knowledge base, and when: draft edits, publishing, restores, inbox actions. */
export const kbAuditLog = pgTable(
  'kb_audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    actorName: text('actor_name').notNull(),
    /** e.g. topic.update, fact.update, institution.update, publish, restore, draft.discard, inbox.attach … */
    action: text('action').notNull(),
    /** e.g. topic:eu-blue-card/ru, fact:blue-card-salary-general, institution:lobbi-mv, version:… */
    entity: text('entity').notNull(),
    summary: text('summary').notNull(),
    /** The knowledge-base version published or restored, if any. */
    version: text('version'),
    createdAt: createdAt(),
  },
  (t) => [index('kb_audit_log_entity_idx').on(t.entity, t.id), index('kb_audit_log_created_idx').on(t.createdAt)],
);
