/**
 * Turns of several people in one transaction. Every PostgreSQL round trip costs real CPU, and
 * a turn on its own makes six (begin, lock, select, load, persist, commit); the inbound jobs
 * that run at the same time hand their person to a collector instead, which every couple of
 * milliseconds processes the whole group the way processPerson processes one person:
 *
 *   one round trip: begin → try-lock every person → their oldest unprocessed inbox rows (a
 *   statement of its own, so its snapshot is taken after the locks) → their contacts and
 *   conversations; [first contacts: one statement creates them]; engine per message →
 *   effects on the same transaction; one round trip: transcripts, states, contacts, records
 *   and inbox rows (one statement) → commit; every reply queued with one job.
 *
 * The two round trips are scripts of statements prepared on the connection
 * (services/db/statements.ts): node-postgres would otherwise wait for each statement's
 * answer before sending the next.
 *
 * Only plain bot turns are batched. A person whose conversation is handed off, whose message
 * is answered with the apology, or whose turn asks for a handoff is processed alone after the
 * commit by processPerson (the handoff hooks never run in a shared transaction). A person with
 * further rows waiting goes into the next round, one row per round, in id order. Whenever a
 * batch fails, its people are processed one by one by processPerson, so one bad message never
 * holds the others back and the attempt counting and apology stay exactly as they are.
 */
import type { ChannelId, InboundMessage } from '../../bots/engine/types';
import type { BotInstance } from '../../bots/instances';
import type { OutboundJob } from '../delivery/queues';
import { textArray } from '../db/sql-arrays';
import {
  defaultLocaleOf,
  errorSummary,
  loadedConversationsOf,
  loadParams,
  TURN_LOAD,
  persistParams,
  replyIdsOf,
  TURN_PERSIST,
  type Tx,
  personLockKey,
  PersonBusyError,
  processPerson,
  recordCampaign,
  replyJobs,
  safeToInbound,
  settleBotTurn,
  type PersistedTurn,
  type PersonKey,
  type SettledTurn,
  type TurnDeps,
} from './turn';
import { DEFAULT_PLANS, executeSql, GENERIC_PLANS, runScript, statement, withPrepared, type Param } from '../db/statements';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';
import * as schema from '../db/schema';

export interface TurnBatcherOptions {
  /** A batch starts at once when this many people are waiting (default 64). */
  maxBatch?: number;
  /**
   * Otherwise this long after the first one arrived (default 5 ms) while batches are running;
   * when none is, 1 ms (an idle service answers at once, a busy one fills its batches).
   */
  windowMs?: number;
  /**
   * At most this many batches run at the same time (default 4: while some wait for
   * PostgreSQL, the others use the CPU); people arriving meanwhile wait for one to finish, so
   * under load the batches grow instead of the number of transactions.
   */
  maxInFlight?: number;
}

/** Collects the people of concurrently running inbound jobs and processes them in batches. */
export interface TurnBatcher {
  /**
   * Processes every unprocessed inbox row of the person, oldest first, like processPerson:
   * resolves with how many, rejects with PersonBusyError when another worker holds the person.
   */
  submit(key: PersonKey, receivedAtMs?: number): Promise<number>;
}

interface Waiting {
  key: PersonKey;
  receivedAtMs?: number;
  waiters: { resolve(n: number): void; reject(err: unknown): void }[];
  processed: number;
  /** A message of the person was submitted after their rows were last read: look once more. */
  recheck?: boolean;
}

type Outcome = { n: number } | { err: unknown };
type Settle = (w: Waiting, outcome: Outcome) => void;

/** The window while no batch is running. */
const IDLE_WINDOW_MS = 1;

/** A batcher over the turn dependencies; see the module comment. */
export function createTurnBatcher(deps: TurnDeps, opts: TurnBatcherOptions = {}): TurnBatcher {
  const maxBatch = opts.maxBatch ?? 64;
  const windowMs = opts.windowMs ?? 5;
  const maxInFlight = opts.maxInFlight ?? 4;
  const pending = new Map<string, Waiting>();
  // People in a running batch: a message of theirs arriving meanwhile joins them (one more
  // look at their rows when they are done) instead of finding their lock taken.
  const running = new Map<string, Waiting>();
  let timer: NodeJS.Timeout | null = null;
  let inFlight = 0;
  const settle: Settle = (w, outcome) => {
    const id = personLockKey(w.key);
    running.delete(id);
    if ('n' in outcome && w.recheck) {
      w.recheck = false;
      pending.set(id, w);
      timer ??= setTimeout(flush, inFlight === 0 ? IDLE_WINDOW_MS : windowMs);
      return;
    }
    settleWaiters(w, outcome);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0 || inFlight >= maxInFlight) return; // a finishing batch flushes again
    const batch = [...pending.values()].slice(0, maxBatch);
    for (const w of batch) {
      pending.delete(personLockKey(w.key));
      running.set(personLockKey(w.key), w);
    }
    inFlight += 1;
    void runBatch(deps, batch, settle).finally(() => {
      inFlight -= 1;
      // People still inside their window wait for it (the timer), so batches fill up.
      if (timer === null || pending.size >= maxBatch) flush();
    });
  };
  return {
    submit(key, receivedAtMs) {
      return new Promise<number>((resolve, reject) => {
        const id = personLockKey(key);
        const busy = running.get(id);
        if (busy) {
          busy.waiters.push({ resolve, reject });
          busy.recheck = true;
          return;
        }
        let entry = pending.get(id);
        if (!entry) {
          entry = { key, receivedAtMs, waiters: [], processed: 0 };
          pending.set(id, entry);
        }
        entry.waiters.push({ resolve, reject });
        if (pending.size >= maxBatch) flush();
        else timer ??= setTimeout(flush, inFlight === 0 ? IDLE_WINDOW_MS : windowMs);
      });
    },
  };
}

const settleWaiters = (w: Waiting, outcome: Outcome) => {
  for (const waiter of w.waiters) {
    if ('n' in outcome) waiter.resolve(outcome.n);
    else waiter.reject(outcome.err);
  }
};

/** The person alone, by the one-person code (after the batch's commit). */
async function alone(deps: TurnDeps, w: Waiting, settle: Settle): Promise<void> {
  w.recheck = false; // processPerson reads the rows until none are left
  try {
    settle(w, { n: w.processed + (await processPerson(deps, w.key, w.receivedAtMs)) });
  } catch (err) {
    settle(w, { err });
  }
}

/** Runs rounds until nobody of the batch has rows left; never rejects (each waiter is settled). */
async function runBatch(deps: TurnDeps, batch: Waiting[], settle: Settle): Promise<void> {
  let round = batch;
  while (round.length > 0) {
    // The round reads their rows after this: what was submitted before is seen.
    for (const w of round) w.recheck = false;
    let outcome: RoundOutcome;
    try {
      outcome = await runRound(deps, round);
    } catch (err) {
      deps.log?.warn({ err: errorSummary(err), people: round.length }, 'batched turns failed: processing the people one by one');
      await Promise.all(round.map((w) => alone(deps, w, settle)));
      return;
    }
    for (const w of outcome.busy) settle(w, { err: new PersonBusyError() });
    for (const w of outcome.finished) settle(w, outcome.enqueueError !== undefined ? { err: outcome.enqueueError } : { n: w.processed });
    await Promise.all(outcome.alone.map((w) => alone(deps, w, settle)));
    if (outcome.enqueueError !== undefined) {
      for (const w of outcome.more) settle(w, { err: outcome.enqueueError });
      return;
    }
    round = outcome.more;
  }
}

interface RoundOutcome {
  /** Locked by another worker. */
  busy: Waiting[];
  /** Nothing (more) to do. */
  finished: Waiting[];
  /** To be processed one by one after the commit. */
  alone: Waiting[];
  /** One row processed, further rows waiting. */
  more: Waiting[];
  /** The replies could not be queued (they stay pending; the recovery sweep sends them). */
  enqueueError?: unknown;
}

interface Candidate {
  w: Waiting;
  row: { id: number; receivedMs: number };
  bot: BotInstance;
  message: InboundMessage;
  more: boolean;
}

/** Try-locks the people of a round (advisory locks held until the transaction ends). */
const ROUND_LOCK = statement(
  'round_lock',
  ['jsonb'],
  'select k, pg_try_advisory_xact_lock(hashtextextended(k, 0)) as locked from jsonb_array_elements_text($1::jsonb) as k',
);

/**
 * The people's two oldest unprocessed inbox rows ($1: people; $2–$4: their channels, bots and
 * user ids, so the index of unprocessed rows is used for exactly these people — see
 * services/db/sql-arrays.ts). Run after ROUND_LOCK as a statement of its own: its snapshot
 * is taken after the locks, so it sees every row a previous holder committed.
 */
const ROUND_ROWS = statement(
  'round_rows',
  ['jsonb', 'text[]', 'text[]', 'text[]'],
  `
    select id, channel, bot_id, external_user_id, payload, attempts, (extract(epoch from received_at) * 1000)::float8 as received_ms
    from (
      select i.*, row_number() over (partition by i.channel, i.bot_id, i.external_user_id order by i.id) as rn
      from inbox i
      join jsonb_to_recordset($1::jsonb) as p(channel text, bot_id text, external_user_id text)
        on i.channel = p.channel and i.bot_id = p.bot_id and i.external_user_id = p.external_user_id
      where i.processed_at is null
        and i.channel = any($2::text[]) and i.bot_id = any($3::text[]) and i.external_user_id = any($4::text[])) x
    where rn <= 2
    order by id`,
);

/**
 * The people's contacts and conversations as they are (no writes; a person without both is
 * created by loadConversations). Last seen and reachability are stored with the turn.
 */
const ROUND_PEEK = statement(
  'round_peek',
  ['jsonb', 'text[]', 'text[]', 'text[]'],
  `
    select c.channel, c.bot_id, c.external_id, c.id as contact_id, c.locale as contact_locale, c.region as contact_region, c.campaign,
           v.id as conversation_id, v.owner, v.locale, v.state
    from jsonb_to_recordset($1::jsonb) as p(channel text, bot_id text, external_user_id text)
    join contacts c on c.channel = p.channel and c.bot_id = p.bot_id and c.external_id = p.external_user_id
    join lateral (select id, owner, locale, state from conversations where contact_id = c.id limit 1) v on true
    where c.channel = any($2::text[]) and c.bot_id = any($3::text[]) and c.external_id = any($4::text[])`,
);

/** The statements of a round (exported for the test of their plans). */
export const ROUND_STATEMENTS = [ROUND_LOCK, ROUND_ROWS, ROUND_PEEK, TURN_LOAD, TURN_PERSIST];


/** A drizzle database over one checked-out connection (the round's own transaction). */
const overClient = new WeakMap<PoolClient, Tx>();
function txOver(client: PoolClient): Tx {
  let tx = overClient.get(client);
  if (!tx) {
    // Every query on it runs on this connection, inside the round's begin … commit: it is the
    // transaction (the round never calls transaction() or rollback() on it).
    tx = drizzle(client, { schema }) as unknown as Tx;
    overClient.set(client, tx);
  }
  return tx;
}

/**
 * One transaction over the people of the round: at most one inbox row each. Usually two round
 * trips: "begin; lock; inbox rows; contacts and conversations" as one script, then "persist;
 * commit" (services/db/statements.ts); a first contact adds the statement that creates the
 * person, effects their own statements.
 */
async function runRound(deps: TurnDeps, round: Waiting[]): Promise<RoundOutcome> {
  const maxAttempts = deps.maxAttempts ?? 5;
  const out: RoundOutcome = { busy: [], finished: [], alone: [], more: [] };
  const jobs: OutboundJob[] = [];
  const conversationIds: string[] = [];
  const counted: Waiting[] = [];
  // On a failure the transaction is rolled back (the connection is dropped if even that fails).
  await withPrepared(deps.db, ROUND_STATEMENTS, async (client) => {
    const ids = round.map((w) => personLockKey(w.key));
    const people = round.map((w) => ({ channel: w.key.channel, bot_id: w.key.botId, external_user_id: w.key.externalUserId }));
    const peopleParams: Param[] = [
      JSON.stringify(people),
      textArray([...new Set(people.map((p) => p.channel))]),
      textArray([...new Set(people.map((p) => p.bot_id))]),
      textArray(people.map((p) => p.external_user_id)),
    ];
    const [lock, found, peek] = (
      await runScript(client, [
        'begin',
        ...GENERIC_PLANS,
        executeSql(ROUND_LOCK, [JSON.stringify(ids)]),
        executeSql(ROUND_ROWS, peopleParams),
        executeSql(ROUND_PEEK, peopleParams),
        ...DEFAULT_PLANS,
      ])
    ).slice(1 + GENERIC_PLANS.length);
    const locked = new Set((lock.rows as { k: string; locked: boolean }[]).filter((r) => r.locked).map((r) => r.k));
    const mine = round.filter((w) => locked.has(personLockKey(w.key)));
    out.busy = round.filter((w) => !locked.has(personLockKey(w.key)));

    const rowsOf = new Map<string, { id: number; payload: unknown; attempts: number; receivedMs: number }[]>();
    for (const r of found.rows as { id: number | string; channel: ChannelId; bot_id: string; external_user_id: string; payload: unknown; attempts: number; received_ms: number }[]) {
      const k = personLockKey({ channel: r.channel, botId: r.bot_id, externalUserId: r.external_user_id });
      const list = rowsOf.get(k) ?? [];
      list.push({ id: Number(r.id), payload: r.payload, attempts: r.attempts, receivedMs: Number(r.received_ms) });
      rowsOf.set(k, list);
    }
    const loaded = loadedConversationsOf(peek.rows);

    const closes: number[] = [];
    const candidates: Candidate[] = [];
    const done = (w: Waiting, more: boolean) => {
      counted.push(w);
      (more ? out.more : out.finished).push(w);
    };
    for (const w of mine) {
      const rows = rowsOf.get(personLockKey(w.key)) ?? [];
      const row = rows[0];
      if (!row) {
        out.finished.push(w);
        continue;
      }
      const more = rows.length > 1;
      const bot = deps.bots.get(w.key.botId);
      const adapter = deps.adapters.get(w.key.channel);
      const message = bot && adapter ? safeToInbound(adapter, row.payload, bot) : null;
      if (!bot || !message) {
        // Unknown bot, or nothing to answer (edited message, status …): close the row.
        closes.push(row.id);
        done(w, more);
      } else if (row.attempts >= maxAttempts - 1) {
        out.alone.push(w); // answered with the apology
      } else {
        candidates.push({ w, row, bot, message, more });
      }
    }

    const tx = txOver(client);
    const keyOf = (c: Candidate) => personLockKey({ channel: c.message.channel, botId: c.bot.id, externalUserId: c.message.externalUserId });
    const firstContacts = candidates.filter((c) => !loaded.has(keyOf(c)));
    if (firstContacts.length > 0) {
      const people = firstContacts.map((c) => ({ channel: c.message.channel, botId: c.bot.id, externalUserId: c.message.externalUserId }));
      const [created] = (await runScript(client, [...GENERIC_PLANS, executeSql(TURN_LOAD, loadParams(people)), ...DEFAULT_PLANS])).slice(GENERIC_PLANS.length);
      for (const [k, v] of loadedConversationsOf(created.rows)) loaded.set(k, v);
    }
    const persisted: { c: Candidate; settled: Extract<SettledTurn, { deleted: false }> }[] = [];
    for (const c of candidates) {
      const { w, bot, message } = c;
      const conv = loaded.get(keyOf(c));
      if (!conv || conv.conversation.owner !== 'bot') {
        out.alone.push(w); // handed off: the hooks run in the person's own transaction
        continue;
      }
      const defaultLocale = defaultLocaleOf(bot, message);
      let result;
      try {
        result = deps.engine.handle(message, conv.conversation.state ?? null, { defaultLocale, channel: message.channel });
      } catch {
        out.alone.push(w); // failed: counted and logged by processPerson
        continue;
      }
      if (result.effects.some((e) => e.type === 'handoff')) {
        out.alone.push(w);
        continue;
      }
      deps.metrics?.inbound(message.channel, conv.conversation.locale ?? defaultLocale);
      await recordCampaign(tx, message, conv.contact);
      const settled = await settleBotTurn(tx, deps, bot, message, c.row.id, conv, result, defaultLocale);
      const receivedAtMs = w.receivedAtMs ?? c.row.receivedMs;
      if (settled.deleted) {
        jobs.push(...settled.jobs.map((j) => ({ ...j, receivedAtMs })));
        closes.push(c.row.id);
      } else {
        persisted.push({ c, settled });
      }
      conversationIds.push(conv.conversation.id);
      done(w, c.more);
    }

    const turns: PersistedTurn[] = persisted.map((p) => p.settled.persist);
    if (turns.length + closes.length > 0) {
      const [stored] = (await runScript(client, [...GENERIC_PLANS, executeSql(TURN_PERSIST, persistParams(turns, closes)), 'commit'])).slice(GENERIC_PLANS.length);
      const outIds = replyIdsOf(turns, stored.rows);
      persisted.forEach(({ c, settled }, i) => {
        const receivedAtMs = c.w.receivedAtMs ?? c.row.receivedMs;
        jobs.push(...replyJobs(c.bot, c.message, settled, outIds[i]).map((j) => ({ ...j, receivedAtMs })));
      });
    } else {
      await client.query('commit');
    }
  }, (client) => client.query('rollback'));
  for (const w of counted) w.processed += 1; // committed
  if (jobs.length > 0) {
    try {
      await deps.enqueueOutbound(jobs);
    } catch (err) {
      out.enqueueError = err;
    }
  }
  for (const id of conversationIds) deps.hooks?.afterCommit?.(id);
  return out;
}
