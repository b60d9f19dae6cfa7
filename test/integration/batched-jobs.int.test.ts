/**
 * Real PostgreSQL + Redis: messages received at the same moment share inbound jobs, and the
 * replies of turns committed together share outbound jobs. What must still hold: every person
 * is answered exactly once, a person held by another worker is retried without answering the
 * others twice, and a reply refused by the channel is retried alone.
 */
import { randomBytes } from 'node:crypto';
import { Client, type PoolClient } from 'pg';
import { sql } from 'drizzle-orm';
import { ChannelError, type ChannelSender } from '../../bots/channels/channel';
import { messages } from '../../services/db/schema';
import { idArray, textArray } from '../../services/db/sql-arrays';
import { executeSql, GENERIC_PLANS, prepareOn, runScript, statement, type Param } from '../../services/db/statements';
import { ROUND_STATEMENTS } from '../../services/conversation/turn-batch';
import { INBOX_INSERT } from '../../services/conversation/inbox';
import { MARK_SENT, stillToSend } from '../../services/delivery/outbound';
import { createTestDb } from '../helpers/db';
import { transcriptOf } from '../helpers/transcript';
import { loadConversations, type Tx } from '../../services/conversation/turn';
import { inboundItemsOf } from '../../services/delivery/queues';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { enqueueOutboundJobs } from '../../services/workers';

interface Sent {
  person: string;
  messageId?: number;
}
const sent: Sent[] = [];
/** People whose next send is refused once (as a channel's 429 would be). */
const refuseOnce = new Set<string>();
const sender: ChannelSender = {
  channel: 'webchat',
  async send(target, _reply, meta) {
    if (refuseOnce.delete(target.externalUserId)) {
      throw new ChannelError('slow down', 'rate-limited', true, { retryAfterMs: 100 });
    }
    sent.push({ person: target.externalUserId, messageId: meta.messageId });
    return { platformMessageId: `p${meta.messageId ?? 'x'}` };
  },
};

let t: TestService;
beforeAll(async () => {
  t = await startTestService('batched', { overrides: { senders: [sender] } });
});
afterAll(async () => {
  await t?.close();
});

const person = () => randomBytes(12).toString('hex');
let seq = 0;
async function post(sessionId: string, body: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${t.baseUrl}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, clientMessageId: `batch-${++seq}`, locale: 'de', ...body }),
  });
  return res.status;
}

/** The outbound transcript rows of a person. */
const outRows = (sessionId: string) => transcriptOf(t.service.db, sessionId, 'out');

const sendsTo = (p: string) => sent.filter((s) => s.person === p);
const allSent = async (p: string) => {
  const rows = await outRows(p);
  return rows.length > 0 && rows.every((r) => r.status === 'sent');
};

it('answers 40 people writing at once, each exactly once, with fewer jobs than messages', async () => {
  const added: number[] = [];
  const add = jest.spyOn(t.service.inboundQueue, 'add');
  try {
    const people = Array.from({ length: 40 }, person);
    const statuses = await Promise.all(people.map((p) => post(p, { command: 'start' })));
    expect(statuses.every((s) => s === 202)).toBe(true);
    for (const call of add.mock.calls) added.push(inboundItemsOf(call[1]).length);
    await waitFor(async () => ((await Promise.all(people.map(allSent))).every(Boolean) ? true : null), 20_000);
    for (const p of people) {
      const rows = await outRows(p);
      // Every stored reply handed to the channel once, nothing else.
      expect(sendsTo(p).map((s) => s.messageId).sort()).toEqual(rows.map((r) => r.id).sort());
    }
    expect(added.reduce((a, b) => a + b, 0)).toBe(40);
    expect(added.length).toBeLessThan(40);
  } finally {
    add.mockRestore();
  }
});

it('rolls a failed round back and answers its people one by one, each exactly once', async () => {
  // The next round fails on the server after its persist statement wrote the transcripts:
  // nothing of it may stay, and every person is then answered by the one-person path.
  let failures = 0;
  const patched = new WeakSet<PoolClient>();
  const onAcquire = (client: PoolClient) => {
    if (patched.has(client)) return;
    patched.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, ...rest: unknown[]) => {
      if (failures === 0 && typeof text === 'string' && text.includes('execute turn_persist_s') && text.endsWith(';\ncommit')) {
        failures++;
        return query(`${text.slice(0, -';\ncommit'.length)};\nselect 1 / 0;\ncommit`, ...rest);
      }
      return query(text, ...rest);
    };
  };
  t.service.pool.on('acquire', onAcquire);
  try {
    const people = Array.from({ length: 6 }, person);
    expect((await Promise.all(people.map((p) => post(p, { command: 'start' })))).every((s) => s === 202)).toBe(true);
    await waitFor(async () => ((await Promise.all(people.map(allSent))).every(Boolean) ? true : null), 20_000);
    expect(failures).toBe(1);
    for (const p of people) {
      const rows = await outRows(p);
      expect(rows.length).toBeGreaterThan(0);
      expect(sendsTo(p).map((s) => s.messageId).sort()).toEqual(rows.map((r) => r.id).sort());
      // One inbound row per message: the rolled-back round left no transcript behind.
      expect(await transcriptOf(t.service.db, p, 'in')).toHaveLength(1);
    }
  } finally {
    t.service.pool.off('acquire', onAcquire);
  }
});

it('retries only the person another worker holds; the others of the same job are answered once', async () => {
  const held = person();
  const free = person();
  // Another worker holding `held` (the same advisory lock the turn takes).
  const other = new Client({ connectionString: t.testDb.url });
  await other.connect();
  try {
    await other.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [`webchat|webchat|${held}`]);
    await Promise.all([post(held, { command: 'start' }), post(free, { command: 'start' })]);
    await waitFor(async () => ((await allSent(free)) ? true : null), 15_000);
    await new Promise((r) => setTimeout(r, 300)); // several busy retries of `held`
    expect(sendsTo(held)).toHaveLength(0);
    await other.query(`select pg_advisory_unlock_all()`);
    await waitFor(async () => ((await allSent(held)) ? true : null), 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(sendsTo(free).length).toBe((await outRows(free)).length);
    expect(sendsTo(held).length).toBe((await outRows(held)).length);
  } finally {
    await other.end();
  }
});

it('retries a reply the channel refused, alone, and sends the others of the job once', async () => {
  const people = Array.from({ length: 6 }, person);
  refuseOnce.add(people[2]);
  await Promise.all(people.map((p) => post(p, { command: 'start' })));
  await waitFor(async () => ((await Promise.all(people.map(allSent))).every(Boolean) ? true : null), 15_000);
  expect(refuseOnce.has(people[2])).toBe(false); // it was refused once
  for (const p of people) expect(sendsTo(p).length).toBe((await outRows(p)).length);
});

it('does not send a reply again that is no longer pending', async () => {
  const p = person();
  await post(p, { command: 'start' });
  await waitFor(async () => ((await allSent(p)) ? true : null), 15_000);
  const [row] = await outRows(p);
  const job = { channel: 'webchat' as const, botId: 'webchat', externalUserId: p, reply: { text: 'x' }, locale: 'de', messageId: row.id };
  expect(await stillToSend(t.service.db, [job])).toEqual([]);
  await t.service.db.execute(sql`update messages set status = 'pending' where id = ${row.id}`);
  expect(await stillToSend(t.service.db, [job])).toHaveLength(1);
  // A reply without a transcript row (confirmation of deletion) is always kept.
  expect(await stillToSend(t.service.db, [{ ...job, messageId: undefined }])).toHaveLength(1);
});

it('answers messages a person sends while their earlier one is being processed, in order, each once', async () => {
  const p = person();
  await post(p, { command: 'start' });
  await post(p, { choice: 'consent:yes' });
  // Sent back to back: the later ones arrive while the earlier turns are running.
  const texts = ['Blaue Karte Gehalt?', 'Wo lerne ich Deutsch?', 'Anerkennung Diplom Ingenieur'];
  for (const text of texts) expect(await post(p, { text })).toBe(202);
  const rows = await waitFor(async () => {
    const r = await transcriptOf(t.service.db, p);
    return r.filter((m) => m.direction === 'in').length === 5 && r.filter((m) => m.direction === 'out').every((m) => m.status === 'sent') ? r : null;
  }, 15_000);
  const inbound = rows.filter((m) => m.direction === 'in').map((m) => m.text);
  expect(inbound.slice(2)).toEqual(texts);
  // After each question its answer, before the next question.
  const order = rows.map((m) => (m.direction === 'in' ? `in:${m.text}` : 'out'));
  for (const text of texts) expect(order[order.indexOf(`in:${text}`) + 1]).toBe('out');
  await new Promise((r) => setTimeout(r, 300));
  expect(sendsTo(p).length).toBe(rows.filter((m) => m.direction === 'out').length);
});

it('passes texts and ids to PostgreSQL as array literals unchanged', async () => {
  const texts = ['plain', 'with "quotes"', 'back\\slash', '{braces}', 'comma, space', 'кириллица', ''];
  const r = await t.service.db.execute(sql`select unnest(${textArray(texts)}::text[]) as v`);
  expect((r.rows as { v: string }[]).map((x) => x.v)).toEqual(texts);
  const ids = await t.service.db.execute(sql`select unnest(${idArray([1, 42, '9007199254740993'])}::bigint[])::text as v`);
  expect((ids.rows as { v: string }[]).map((x) => x.v)).toEqual(['1', '42', '9007199254740993']);
});

it('passes parameters of a script unchanged (SQL PREPARE … EXECUTE with literals)', async () => {
  const texts = ['x$p', 'has $p$ inside', '$p', 'ends in $', "it's", 'back\\slash \\n', '{"json":"with \\"quotes\\""}', "'); drop table messages; --", 'Tiếng Việt 👋', ''];
  const st = statement('literal_echo', ['text', 'jsonb', 'bigint'], 'select $1::text as t, $2::jsonb as j, $3::bigint::text as n');
  const client = await t.service.db.$client.connect();
  try {
    await prepareOn(client, [st]);
    await prepareOn(client, [st]); // once per connection
    const results = await runScript(client, texts.map((x) => executeSql(st, [x, JSON.stringify({ x }), 9007199254740991])));
    expect(results.map((r) => r.rows[0])).toEqual(texts.map((x) => ({ t: x, j: { x }, n: '9007199254740991' })));
  } finally {
    client.release();
  }
  expect(await t.service.db.$count(messages)).toBeGreaterThanOrEqual(0); // the table is still there
});

it("plans the statements of every message once, by index, whatever the tables' size", async () => {
  // A database of its own with small tables: the generic plans are built while a whole-table
  // scan looks cheap, the case in which PostgreSQL would pick sequential scans and keep them
  // as the tables grow.
  const empty = await createTestDb('round_plans');
  const client = await empty.pool.connect();
  try {
    const few = Array.from({ length: 400 }, (_, i) => ({ channel: 'webchat' as const, botId: 'b', externalUserId: `p${i}` }));
    await loadConversations(empty.db as unknown as Tx, few);
    await empty.pool.query(`insert into inbox (channel, bot_id, external_user_id, platform_message_id, payload)
      select 'webchat', 'b', 'p' || i, 'm' || i, '{}'::jsonb from generate_series(1, 400) i`);
    await empty.pool.query(`insert into messages (conversation_id, direction, author, kind, text, channel, status)
      select id, 'out', 'bot', 'reply', 'x', 'webchat', 'pending' from conversations`);
    const statements = [...ROUND_STATEMENTS, INBOX_INSERT, MARK_SENT];
    await prepareOn(client, statements);
    const people = [JSON.stringify([{ channel: 'webchat', bot_id: 'b', external_user_id: 'u' }]), '{webchat}', '{b}', '{u}'];
    const id = '00000000-0000-4000-8000-000000000000';
    const params: Record<string, Param[]> = {
      round_lock: [JSON.stringify(['webchat|b|u'])],
      round_rows: people,
      round_peek: people,
      turn_load: [JSON.stringify([{ ord: 0, channel: 'webchat', bot_id: 'b', external_id: 'p1' }])],
      turn_persist: ['[]', '[]', `{${id}}`, '[]', `{${id}}`, '{1}', '[]', '[]', '[]'],
      inbox_insert: ['[]'],
      outbound_mark_sent: ['[{"id":1,"pid":"x"}]', '{1}'],
    };
    for (const st of statements) {
      const results = await runScript(client, ['begin', ...GENERIC_PLANS, `explain ${executeSql(st, params[st.name])}`, 'rollback']);
      const plan = (results[1 + GENERIC_PLANS.length].rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
      expect({ statement: st.name, seqScan: /Seq Scan/.test(plan) }).toEqual({ statement: st.name, seqScan: false });
    }
    // Built once: a second EXPLAIN of the same statement shows no planning of its own.
    const again = await runScript(client, ['begin', ...GENERIC_PLANS, `explain (analyze, summary) ${executeSql(ROUND_STATEMENTS[2], people)}`, 'rollback']);
    const planning = (again[1 + GENERIC_PLANS.length].rows as { 'QUERY PLAN': string }[]).find((r) => r['QUERY PLAN'].startsWith('Planning Time'));
    expect(Number(/([\d.]+) ms/.exec(planning?.['QUERY PLAN'] ?? '')?.[1])).toBeLessThan(0.5);
  } finally {
    client.release();
    await empty.close();
  }
});

it('a queued copy of replies already sent is not sent again', async () => {
  const p = person();
  await post(p, { command: 'start' });
  await waitFor(async () => ((await allSent(p)) ? true : null), 15_000);
  const before = sendsTo(p).length;
  const [row] = await outRows(p);
  // As the recovery sweep would queue it (not fresh: the worker reads the status first).
  await enqueueOutboundJobs(t.service.outboundQueue, [
    { channel: 'webchat', botId: 'webchat', externalUserId: p, reply: { text: 'again' }, locale: 'de', messageId: row.id },
  ]);
  await new Promise((r) => setTimeout(r, 800));
  expect(sendsTo(p).length).toBe(before);
});
