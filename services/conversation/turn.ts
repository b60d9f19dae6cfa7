/**
 * One turn: lock the person's conversation → load state → store the inbound message →
 * engine (when the bot owns the conversation) → persist state, transcript and effects in one
 * transaction → queue the replies. The worker processes a person's backlog strictly in the
 * order the messages arrived, under a PostgreSQL advisory lock, so any number of workers may run.
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { ChannelAdapter } from '../../bots/channels/channel';
import type { ChannelId, ConversationState, Effect, InboundMessage, Locale, Reply, TurnResult } from '../../bots/engine/types';
import { isLocale } from '../../bots/engine/types';
import type { BotInstance } from '../../bots/instances';
import type { Db } from '../db/client';
import { contacts, conversations, inbox, messages, unansweredQuestions } from '../db/schema';
import type { OutboundJob } from '../delivery/queues';
import { maskPersonalData } from './mask';
import { idArray } from '../db/sql-arrays';
import { runStatement, statement, type Param } from '../db/statements';

/** The engine as the host sees it (bots/engine/engine.ts). */
export interface TurnEngine {
  handle(message: InboundMessage, state: ConversationState | null, ctx: { defaultLocale: Locale; channel: ChannelId }): TurnResult;
}

/** The turn's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface ConversationRef {
  id: string;
  contactId: string;
  owner: 'bot' | 'queue' | 'counsellor';
  locale: string | null;
}

/** Hooks for the handoff service (counsellor queue); the foundation has none. */
export interface TurnHooks {
  /** A `handoff` effect: move the conversation to the queue. Returns extra replies (queue position …). */
  onHandoff?(tx: Tx, conversation: ConversationRef, effect: Extract<Effect, { type: 'handoff' }>, locale: Locale): Promise<Reply[]>;
  /** A message arrived while the queue or a counsellor owns the conversation. */
  onMessageWhileHandedOff?(tx: Tx, conversation: ConversationRef, messageId: number): Promise<void>;
  /** After commit (live updates). */
  afterCommit?(conversationId: string): void;
}

export interface TurnDeps {
  db: Db;
  engine: TurnEngine;
  adapters: Map<ChannelId, ChannelAdapter>;
  bots: Map<string, BotInstance>;
  hooks?: TurnHooks;
  /** Called with the replies to send once the turn is committed. */
  enqueueOutbound(jobs: OutboundJob[]): Promise<void>;
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  metrics?: { inbound(channel: string, locale: string): void };
  /** After this many failed attempts a message is answered with an apology and closed. */
  maxAttempts?: number;
}

export interface PersonKey {
  channel: ChannelId;
  botId: string;
  externalUserId: string;
}

/** Text of the apology sent when a message could not be processed (never leaves a person unanswered). */
const APOLOGY: Record<Locale, string> = {
  ru: 'Извините, при обработке Вашего сообщения произошла ошибка. Пожалуйста, попробуйте ещё раз или напишите «оператор».',
  vi: 'Xin lỗi, đã có lỗi khi xử lý tin nhắn của Anh/Chị. Xin Anh/Chị vui lòng thử lại hoặc nhắn «tư vấn viên».',
  es: 'Disculpe, ocurrió un error al procesar su mensaje. Por favor, inténtelo de nuevo o escriba «asesor».',
  de: 'Entschuldigung, bei Ihrer Nachricht ist ein Fehler aufgetreten. Bitte versuchen Sie es noch einmal oder schreiben Sie „Berater“.',
  en: 'Sorry, something went wrong with your message. Please try again, or write "human" to reach a counsellor.',
};

/**
 * Another worker holds the person's lock. The caller retries shortly: the holder may be just
 * finishing and not see the new message, so the retry makes sure it is processed.
 */
export class PersonBusyError extends Error {
  readonly code = 'PERSON_BUSY';
  constructor() {
    super('another worker is processing this person');
  }
}

/** Try-locks one person ($1: personLockKey) until the transaction ends. */
const TURN_LOCK_ONE = statement('turn_lock_one', ['text'], 'select pg_try_advisory_xact_lock(hashtextextended($1::text, 0)) as locked');

/** Processes every unprocessed inbox row of one person, oldest first. Returns how many. */
export async function processPerson(deps: TurnDeps, key: PersonKey, receivedAtMs?: number): Promise<number> {
  let processed = 0;
  for (;;) {
    const outcome = await processNext(deps, key, receivedAtMs);
    if (outcome === 'none') return processed;
    processed += 1;
    if (outcome === 'last') return processed;
  }
}

/**
 * Processes the person's oldest unprocessed row. 'more': further rows were waiting when it
 * committed; 'last': none were (a row arriving later has its own job); 'none': nothing to do.
 */
async function processNext(deps: TurnDeps, key: PersonKey, receivedAtMs?: number): Promise<'more' | 'last' | 'none'> {
  const bot = deps.bots.get(key.botId);
  const maxAttempts = deps.maxAttempts ?? 5;
  let jobs: OutboundJob[] = [];
  let conversationId: string | null = null;
  const found = await deps.db.transaction(async (tx) => {
    // One worker at a time per person. A worker that finds the lock taken leaves: the holder
    // processes the whole backlog in order (see PersonBusyError).
    const lock = await runStatement(tx, TURN_LOCK_ONE, [personLockKey(key)]);
    if (!(lock.rows[0] as { locked: boolean }).locked) throw new PersonBusyError();
    const rows = await tx
      .select()
      .from(inbox)
      .where(
        and(
          eq(inbox.channel, key.channel),
          eq(inbox.botId, key.botId),
          eq(inbox.externalUserId, key.externalUserId),
          isNull(inbox.processedAt),
        ),
      )
      .orderBy(asc(inbox.id))
      .limit(2);
    const row = rows[0];
    if (!row) return 'none' as const;
    const next: 'more' | 'last' = rows.length > 1 ? 'more' : 'last';
    const adapter = deps.adapters.get(key.channel);
    const message = bot && adapter ? safeToInbound(adapter, row.payload, bot) : null;
    if (!bot || !message) {
      // Unknown bot, or nothing to answer (edited message, status …): close the row.
      await tx.update(inbox).set({ processedAt: new Date(), payload: null }).where(eq(inbox.id, row.id));
      return next;
    }
    const result = await runTurn(tx, deps, bot, message, row.id, row.attempts >= maxAttempts - 1 ? 'apology' : 'normal').catch(
      async (err: unknown) => {
        throw Object.assign(err instanceof Error ? err : new Error(String(err)), { inboxId: row.id });
      },
    );
    jobs = result.jobs.map((j) => ({ ...j, receivedAtMs: receivedAtMs ?? row.receivedAt.getTime() }));
    conversationId = result.conversationId;
    if (!result.inboxClosed) await tx.update(inbox).set({ processedAt: new Date(), payload: null }).where(eq(inbox.id, row.id));
    return next;
  }).catch(async (err: unknown) => {
    if (err instanceof PersonBusyError) throw err;
    const inboxId = (err as { inboxId?: number }).inboxId;
    if (inboxId !== undefined) {
      await deps.db.update(inbox).set({ attempts: sql`${inbox.attempts} + 1` }).where(eq(inbox.id, inboxId));
      deps.log?.error({ err: errorSummary(err), inboxId, channel: key.channel, botId: key.botId }, 'turn failed');
    }
    throw err;
  });
  if (jobs.length > 0) await deps.enqueueOutbound(jobs);
  if (conversationId) deps.hooks?.afterCommit?.(conversationId);
  return found;
}

/** The adapter's reading of a stored payload; null when there is nothing to answer. */
export function safeToInbound(adapter: ChannelAdapter, payload: unknown, bot: BotInstance): InboundMessage | null {
  try {
    return adapter.toInbound(payload, bot);
  } catch {
    return null;
  }
}

/** A loggable summary of an error (no message text). */
export function errorSummary(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) return { message: err.message, code: (err as { code?: string }).code };
  return { message: String(err) };
}

async function runTurn(
  tx: Tx,
  deps: TurnDeps,
  bot: BotInstance,
  message: InboundMessage,
  inboxId: number,
  mode: 'normal' | 'apology',
): Promise<{ jobs: OutboundJob[]; conversationId: string; inboxClosed: boolean }> {
  const now = new Date();
  // The hot path keeps round trips down: contact upsert and conversation load (or creation) in
  // one statement, transcript + state + inbox in one statement (see persistTurns).
  const [loaded] = (await loadConversations(tx, [{ channel: message.channel, botId: bot.id, externalUserId: message.externalUserId }])).values();
  const { contact, conversation } = loaded;
  const state = conversation.state ?? null;
  const defaultLocale = defaultLocaleOf(bot, message);
  deps.metrics?.inbound(message.channel, conversation.locale ?? defaultLocale);
  await recordCampaign(tx, message, contact);

  const ref: ConversationRef = { id: conversation.id, contactId: contact.id, owner: conversation.owner, locale: conversation.locale };
  if (conversation.owner !== 'bot') {
    const [inRow] = await tx
      .insert(messages)
      .values({
        conversationId: conversation.id,
        direction: 'in',
        author: 'user',
        kind: message.kind,
        text: state?.consent !== 'declined' ? inboundText(message) : null,
        payload: inboundPayload(message),
        channel: message.channel,
        platformMessageId: message.platformMessageId,
        inboxId,
        status: 'received',
        locale: conversation.locale,
        createdAt: now,
      })
      .returning({ id: messages.id });
    await tx.update(conversations).set({ lastInboundAt: now, updatedAt: now }).where(eq(conversations.id, conversation.id));
    await deps.hooks?.onMessageWhileHandedOff?.(tx, ref, inRow.id);
    // The bot stays silent while a counsellor or the queue owns the conversation — except for
    // "delete my data": that right holds at any time.
    const deletion = mode === 'normal' ? deletionTurn(deps.engine.handle(message, state, { defaultLocale, channel: message.channel }), state) : null;
    if (!deletion) return { jobs: [], conversationId: conversation.id, inboxClosed: false };
    const dLocale: Locale = deletion.state && isLocale(deletion.state.locale) ? deletion.state.locale : defaultLocale;
    const jobs: OutboundJob[] = deletion.replies.map((reply) => ({ channel: message.channel, botId: bot.id, externalUserId: message.externalUserId, reply, locale: dLocale }));
    if (deletion.effects.some((e) => e.type === 'delete-data')) {
      await tx.delete(contacts).where(eq(contacts.id, contact.id));
    } else {
      await tx.update(conversations).set({ state: deletion.state }).where(eq(conversations.id, conversation.id));
    }
    return { jobs, conversationId: conversation.id, inboxClosed: false };
  }

  let result: TurnResult;
  if (mode === 'apology') {
    const locale = (isLocale(conversation.locale) ? conversation.locale : defaultLocale) as Locale;
    result = { replies: [{ text: APOLOGY[locale] }], state: state ?? (null as unknown as ConversationState), effects: [] };
  } else {
    result = deps.engine.handle(message, state, { defaultLocale, channel: message.channel });
  }
  const settled = await settleBotTurn(tx, deps, bot, message, inboxId, loaded, result, defaultLocale);
  if (settled.deleted) return { jobs: settled.jobs, conversationId: conversation.id, inboxClosed: false };
  const [outIds] = await persistTurns(tx, [settled.persist]);
  return { jobs: replyJobs(bot, message, settled, outIds), conversationId: conversation.id, inboxClosed: true };
}

/** A person's contact and conversation as a turn starts. */
export interface LoadedConversation {
  contact: { id: string; locale: string | null; region: string | null; campaign: string | null };
  conversation: { id: string; owner: ConversationRef['owner']; locale: string | null; state: ConversationState | null };
}

/** The advisory-lock key of a person (also the key of the maps below). */
export function personLockKey(key: PersonKey): string {
  return `${key.channel}|${key.botId}|${key.externalUserId}`;
}

/**
 * One statement for any number of people ($1: loadParams): upserts their contacts (last seen,
 * reachable again), creates the conversations that do not exist yet and returns both
 * (loadedConversationsOf keys them by personLockKey).
 */
export const TURN_LOAD = statement('turn_load', ['jsonb'], `
    with c as (
      insert into contacts (channel, bot_id, external_id, last_seen_at)
      select p.channel, p.bot_id, p.external_id, now()
      from jsonb_to_recordset($1::jsonb) as p(ord int, channel text, bot_id text, external_id text)
      order by p.ord
      on conflict (channel, bot_id, external_id) do update set last_seen_at = excluded.last_seen_at, unreachable = false
      returning id, channel, bot_id, external_id, locale, region, campaign),
    cv as (
      -- One index lookup per contact (LIMIT keeps the planner from joining the whole table).
      select c.id as contact_id, v.id, v.owner, v.locale, v.state
      from c left join lateral (select id, owner, locale, state from conversations where contact_id = c.id limit 1) v on true),
    nv as (
      insert into conversations (contact_id)
      select cv.contact_id from cv where cv.id is null
      returning id, contact_id, owner, locale, state)
    select c.channel, c.bot_id, c.external_id, c.id as contact_id, c.locale as contact_locale, c.region as contact_region, c.campaign,
           coalesce(cv.id, nv.id) as conversation_id,
           coalesce(cv.owner, nv.owner) as owner,
           case when cv.id is not null then cv.locale else nv.locale end as locale,
           case when cv.id is not null then cv.state else nv.state end as state
    from c join cv on cv.contact_id = c.id left join nv on nv.contact_id = c.id`);

/** The parameters of TURN_LOAD. */
export function loadParams(people: PersonKey[]): Param[] {
  // A stable order, so two transactions never lock the same contact rows in opposite orders.
  const rows = people
    .map((p) => ({ channel: p.channel, bot_id: p.botId, external_id: p.externalUserId, k: personLockKey(p) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
    .map((p, ord) => ({ ord, channel: p.channel, bot_id: p.bot_id, external_id: p.external_id }));
  return [JSON.stringify(rows)];
}

/** TURN_LOAD on a transaction: the people's contacts and conversations, keyed by personLockKey. */
export async function loadConversations(tx: Tx, people: PersonKey[]): Promise<Map<string, LoadedConversation>> {
  return loadedConversationsOf((await runStatement(tx, TURN_LOAD, loadParams(people))).rows);
}

/** Rows of contacts joined with their conversations (loadConversations' columns), keyed by personLockKey. */
export function loadedConversationsOf(rows: unknown[]): Map<string, LoadedConversation> {
  const out = new Map<string, LoadedConversation>();
  for (const r of rows as {
    channel: ChannelId;
    bot_id: string;
    external_id: string;
    contact_id: string;
    contact_locale: string | null;
    contact_region: string | null;
    campaign: string | null;
    conversation_id: string;
    owner: ConversationRef['owner'];
    locale: string | null;
    state: ConversationState | null;
  }[]) {
    out.set(personLockKey({ channel: r.channel, botId: r.bot_id, externalUserId: r.external_id }), {
      contact: { id: r.contact_id, locale: r.contact_locale, region: r.contact_region, campaign: r.campaign },
      conversation: { id: r.conversation_id, owner: r.owner, locale: r.locale, state: r.state },
    });
  }
  return out;
}

/** The locale the engine starts from when the conversation has none yet. */
export function defaultLocaleOf(bot: BotInstance, message: InboundMessage): Locale {
  return message.channel === 'webchat' && message.localeHint ? message.localeHint : bot.defaultLocale;
}

/** A Telegram deep link's campaign, kept on the contact the first time it is seen. */
export async function recordCampaign(tx: Tx, message: InboundMessage, contact: LoadedConversation['contact']): Promise<void> {
  if (message.kind === 'command' && message.command === 'start' && message.payload && !contact.campaign) {
    await tx.update(contacts).set({ campaign: message.payload.slice(0, 64) }).where(eq(contacts.id, contact.id));
  }
}

/** What is left of a bot turn once its effects ran: the statement to persist it, or (data deleted) the replies alone. */
export type SettledTurn =
  | { deleted: true; jobs: OutboundJob[] }
  | { deleted: false; persist: PersistedTurn; replies: Reply[]; locale: Locale };

/**
 * Runs the effects of an engine result on the turn's transaction (handoff through the hooks)
 * and prepares what persistTurns stores. Nothing is persisted for a person who deleted their data.
 */
export async function settleBotTurn(
  tx: Tx,
  deps: TurnDeps,
  bot: BotInstance,
  message: InboundMessage,
  inboxId: number,
  loaded: LoadedConversation,
  result: TurnResult,
  defaultLocale: Locale,
): Promise<SettledTurn> {
  const { contact, conversation } = loaded;
  const ref: ConversationRef = { id: conversation.id, contactId: contact.id, owner: conversation.owner, locale: conversation.locale };
  const state = conversation.state ?? null;
  const newState = result.state ?? state;
  const locale: Locale = newState && isLocale(newState.locale) ? newState.locale : defaultLocale;
  const replies = [...result.replies];
  let deleted = false;
  const records: TurnRecords = { feedback: [], consents: [], unanswered: [] };

  for (const effect of result.effects) {
    switch (effect.type) {
      // Records: written by persistTurns, in the same statement as the transcript.
      case 'feedback':
        records.feedback.push({ topic: effect.topic, helpful: effect.helpful, locale });
        break;
      case 'consent':
        records.consents.push({ status: effect.status, policyVersion: effect.policyVersion });
        break;
      case 'unanswered':
        if (newState?.consent !== 'declined' && effect.text) {
          records.unanswered.push({ text: maskPersonalData(effect.text).slice(0, 2000), locale, reason: effect.reason, topic: effect.topic ?? null });
        }
        break;
      case 'forget-transcript':
        await tx.update(messages).set({ text: null, payload: null }).where(eq(messages.conversationId, conversation.id));
        await tx.delete(unansweredQuestions).where(eq(unansweredQuestions.conversationId, conversation.id));
        break;
      case 'handoff':
        if (deps.hooks?.onHandoff) replies.push(...(await deps.hooks.onHandoff(tx, ref, effect, locale)));
        else deps.log?.warn({ conversationId: conversation.id, reason: effect.reason }, 'handoff requested but no handoff service is configured');
        break;
      case 'delete-data':
        await tx.delete(contacts).where(eq(contacts.id, contact.id));
        deleted = true;
        break;
    }
  }

  if (deleted) {
    // Nothing of the person is kept; the confirmation is sent without a transcript row.
    return { deleted: true, jobs: replies.map((reply) => ({ channel: message.channel, botId: bot.id, externalUserId: message.externalUserId, reply, locale })) };
  }

  // The contact's language and region follow the conversation's (stored by persistTurns).
  const contactUpdate =
    newState && ((newState.locale ?? null) !== contact.locale || (newState.region ?? null) !== contact.region)
      ? { locale: newState.locale ?? null, region: newState.region ?? null, keepRegion: newState.region === undefined }
      : undefined;
  // Declined privacy notice: nothing of the texts is kept beyond the turn.
  const keep = state?.consent !== 'declined' && newState?.consent !== 'declined';
  const persist: PersistedTurn = {
    conversationId: conversation.id,
    contactId: contact.id,
    contactUpdate,
    records,
    channel: message.channel,
    inboxId,
    state: newState,
    locale,
    inbound: {
      kind: message.kind,
      text: keep ? inboundText(message) : null,
      payload: inboundPayload(message),
      platformMessageId: message.platformMessageId,
      locale: conversation.locale,
    },
    replies: replies.map((reply) => ({
      text: keep ? reply.text : null,
      payload: keep ? { choices: reply.choices ?? [], links: reply.links ?? [] } : null,
      topic: newState?.lastTopic ?? null,
    })),
  };
  return { deleted: false, persist, replies, locale };
}

/** The outbound jobs of a persisted turn (`outIds`: its replies' transcript rows, in order). */
export function replyJobs(bot: BotInstance, message: InboundMessage, settled: { replies: Reply[]; locale: Locale }, outIds: number[]): OutboundJob[] {
  return outIds.map((id, i) => ({
    messageId: id,
    channel: message.channel,
    botId: bot.id,
    externalUserId: message.externalUserId,
    reply: settled.replies[i],
    locale: settled.locale,
  }));
}

/**
 * While the conversation is handed off, only a deletion request (its confirmation question, or the
 * confirmed deletion) is acted on; any other engine output is dropped.
 */
function deletionTurn(result: TurnResult, before: ConversationState | null): TurnResult | null {
  if (result.effects.some((e) => e.type === 'delete-data')) return { ...result, effects: result.effects.filter((e) => e.type === 'delete-data') };
  if (result.state?.step === 'confirm-delete' && before?.step !== 'confirm-delete') return { ...result, effects: [] };
  return null;
}

/** What a turn records besides its transcript (effects of the engine), written with it. */
export interface TurnRecords {
  feedback: { topic: string; helpful: boolean; locale: string }[];
  consents: { status: 'accepted' | 'declined'; policyVersion: string }[];
  unanswered: { text: string; locale: string; reason: string; topic: string | null }[];
}

/** One bot turn as persistTurns stores it. */
export interface PersistedTurn {
  conversationId: string;
  contactId: string;
  /** The contact's new language and region, when they changed (`keepRegion`: the state has none). */
  contactUpdate?: { locale: string | null; region: string | null; keepRegion: boolean };
  channel: ChannelId;
  inboxId: number;
  state: ConversationState | null;
  locale: Locale;
  inbound: { kind: string; text: string | null; payload: object | null; platformMessageId: string; locale: string | null };
  replies: { text: string | null; payload: object | null; topic: string | null }[];
  records: TurnRecords;
}

/**
 * One statement for any number of turns (at most one per conversation): each turn's inbound
 * message and replies (ids in that order), the new dialogue states, the contacts (last seen,
 * reachable again, changed language and region), the turns' records, and the turns' inbox
 * rows closed together with `alsoClose` (rows closed without a transcript).
 * Parameters: persistParams.
 */
export const TURN_PERSIST = statement(
  'turn_persist',
  ['jsonb', 'jsonb', 'uuid[]', 'jsonb', 'uuid[]', 'bigint[]', 'jsonb', 'jsonb', 'jsonb'],
  `
    with ins as (
      insert into messages (conversation_id, direction, author, kind, text, payload, channel, platform_message_id, inbox_id, status, locale, topic)
      select r.conversation_id, r.direction, r.author, r.kind, r.text, r.payload, r.channel, r.platform_message_id, r.inbox_id, r.status, r.locale, r.topic
      from jsonb_to_recordset($1::jsonb)
        as r(t int, ord int, conversation_id uuid, channel text, direction text, author text, kind text, text text, payload jsonb,
             platform_message_id text, inbox_id bigint, status text, locale text, topic text)
      order by r.t, r.ord
      returning id, conversation_id, direction),
    conv as (
      update conversations v set state = s.state, locale = s.locale, updated_at = now(), last_inbound_at = now()
      from jsonb_to_recordset($2::jsonb) as s(id uuid, state jsonb, locale text)
      where v.id = any($3::uuid[]) and v.id = s.id returning 1),
    ct as (
      update contacts c set last_seen_at = now(), unreachable = false,
        locale = case when u.changed then u.locale else c.locale end,
        region = case when u.changed and not u."keepRegion" then u.region else c.region end
      from jsonb_to_recordset($4::jsonb) as u(id uuid, changed boolean, locale text, region text, "keepRegion" boolean)
      where c.id = any($5::uuid[]) and c.id = u.id returning 1),
    ib as (
      update inbox set processed_at = now(), payload = null
      where id = any($6::bigint[]) returning 1),
    fb as (
      insert into feedback (conversation_id, topic, helpful, locale)
      select f.conversation_id, f.topic, f.helpful, f.locale
      from jsonb_to_recordset($7::jsonb) as f(conversation_id uuid, topic text, helpful boolean, locale text) returning 1),
    cs as (
      insert into consents (contact_id, status, policy_version)
      select c.contact_id, c.status, c.policy_version
      from jsonb_to_recordset($8::jsonb) as c(contact_id uuid, status text, policy_version text) returning 1),
    uq as (
      insert into unanswered_questions (conversation_id, text, locale, reason, topic)
      select u.conversation_id, u.text, u.locale, u.reason, u.topic
      from jsonb_to_recordset($9::jsonb) as u(conversation_id uuid, text text, locale text, reason text, topic text) returning 1)
    select id, conversation_id from ins where direction = 'out' order by id`,
);

/** The parameters of TURN_PERSIST. */
export function persistParams(turns: PersistedTurn[], alsoClose: number[] = []): Param[] {
  if (new Set(turns.map((t) => t.conversationId)).size !== turns.length) throw new Error('persistTurns: one turn per conversation');
  const rows = turns.flatMap((t, ti) => [
    {
      t: ti,
      ord: 0,
      conversation_id: t.conversationId,
      channel: t.channel,
      direction: 'in',
      author: 'user',
      kind: t.inbound.kind,
      text: t.inbound.text,
      payload: t.inbound.payload,
      platform_message_id: t.inbound.platformMessageId,
      inbox_id: t.inboxId,
      status: 'received',
      locale: t.inbound.locale,
      topic: null,
    },
    ...t.replies.map((r, i) => ({
      t: ti,
      ord: i + 1,
      conversation_id: t.conversationId,
      channel: t.channel,
      direction: 'out',
      author: 'bot',
      kind: 'reply',
      text: r.text,
      payload: r.payload,
      platform_message_id: null,
      inbox_id: null,
      status: 'pending',
      locale: t.locale,
      topic: r.topic,
    })),
  ]);
  const convs = turns.map((t) => ({ id: t.conversationId, state: t.state, locale: t.locale }));
  const contactRows = turns.map((t) => ({ id: t.contactId, changed: t.contactUpdate !== undefined, ...t.contactUpdate }));
  return [
    JSON.stringify(rows),
    JSON.stringify(convs),
    idArray(convs.map((c) => c.id)),
    JSON.stringify(contactRows),
    idArray(contactRows.map((c) => c.id)),
    idArray([...turns.map((t) => t.inboxId), ...alsoClose]),
    JSON.stringify(turns.flatMap((t) => t.records.feedback.map((f) => ({ conversation_id: t.conversationId, ...f })))),
    JSON.stringify(turns.flatMap((t) => t.records.consents.map((c) => ({ contact_id: t.contactId, status: c.status, policy_version: c.policyVersion })))),
    JSON.stringify(turns.flatMap((t) => t.records.unanswered.map((u) => ({ conversation_id: t.conversationId, ...u })))),
  ];
}

/** Each turn's reply message ids in order, from TURN_PERSIST's rows (the replies only). */
export function replyIdsOf(turns: PersistedTurn[], rows: unknown[]): number[][] {
  const outIds = new Map<string, number[]>(turns.map((t) => [t.conversationId, []]));
  for (const r of rows as { id: number | string; conversation_id: string }[]) outIds.get(r.conversation_id)?.push(Number(r.id));
  return turns.map((t) => outIds.get(t.conversationId) ?? []);
}

/** Stores turns (TURN_PERSIST) on a transaction. Returns each turn's reply message ids in order. */
export async function persistTurns(tx: Tx, turns: PersistedTurn[], alsoClose: number[] = []): Promise<number[][]> {
  const result = await runStatement(tx, TURN_PERSIST, persistParams(turns, alsoClose));
  return replyIdsOf(turns, result.rows);
}

function inboundText(message: InboundMessage): string | null {
  switch (message.kind) {
    case 'text':
      return message.text;
    case 'media':
      return message.caption ?? null;
    default:
      return null;
  }
}

function inboundPayload(message: InboundMessage): object | null {
  switch (message.kind) {
    case 'choice':
      return { value: message.value };
    case 'command':
      return { command: message.command };
    case 'media':
      return { media: message.media };
    default:
      return null;
  }
}
