/**
 * Real PostgreSQL + Redis: a web-chat message travels to a stored transcript and a reply; a
 * duplicate delivery yields one reply; bad input gets a clear 400.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { consents, contacts, conversations, inbox, messages } from '../../services/db/schema';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { openSse, type SseClient } from '../helpers/sse';

let t: TestService;
beforeAll(async () => {
  t = await startTestService('webchat');
});
afterAll(async () => {
  await t?.close();
});

const session = () => randomBytes(12).toString('hex');
let seq = 0;
async function post(sessionId: string, body: Record<string, unknown>, clientMessageId = `m${++seq}-${randomBytes(3).toString('hex')}`) {
  const res = await fetch(`${t.baseUrl}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, clientMessageId, locale: 'ru', ...body }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, clientMessageId };
}

async function transcript(sessionId: string) {
  const rows = await t.service.db
    .select({ id: messages.id, direction: messages.direction, text: messages.text, status: messages.status, payload: messages.payload })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(contacts.channel, 'webchat'), eq(contacts.externalId, sessionId)))
    .orderBy(asc(messages.id));
  return rows;
}

/** Every received message of the session processed and every reply handed to the channel. */
async function settled(sessionId: string): Promise<boolean> {
  const rows = await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, sessionId));
  if (rows.length === 0 || rows.some((r) => r.processedAt === null)) return false;
  return (await transcript(sessionId)).every((m) => m.direction === 'in' || m.status === 'sent');
}

describe('web chat through the real pipeline', () => {
  let sse: SseClient | undefined;
  afterEach(() => sse?.close());

  it('stores the message, answers it through the outbound queue and keeps the transcript', async () => {
    const sessionId = session();
    sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
    expect((await post(sessionId, { command: 'start' })).status).toBe(202);
    // First contact: greeting + privacy notice with choices.
    const greeting = await sse.waitFor((e) => e.from === 'bot' && e.choices.some((c: { value: string }) => c.value === 'consent:yes'));
    expect(greeting.text.length).toBeGreaterThan(20);
    await post(sessionId, { choice: 'consent:yes' });
    await post(sessionId, { text: 'Какая минимальная зарплата нужна для голубой карты ЕС?' });
    const answer = await sse.waitFor((e) => e.from === 'bot' && e.links.length > 0, 15_000);
    expect(answer.links.some((l: { url: string }) => /^https:\/\//.test(l.url))).toBe(true);
    expect(answer.text).toMatch(/[А-Яа-я]/); // answered in Russian

    const rows = await waitFor(async () => {
      const r = await transcript(sessionId);
      return r.filter((m) => m.direction === 'out').every((m) => m.status === 'sent') && r.length >= 6 ? r : null;
    });
    expect(rows.filter((m) => m.direction === 'in').map((m) => m.text)).toContain('Какая минимальная зарплата нужна для голубой карты ЕС?');
    // The acceptance of the privacy notice is recorded with the notice's version.
    const accepted = await t.service.db
      .select({ status: consents.status, policyVersion: consents.policyVersion })
      .from(consents)
      .innerJoin(contacts, eq(contacts.id, consents.contactId))
      .where(eq(contacts.externalId, sessionId));
    expect(accepted).toEqual([{ status: 'accepted', policyVersion: expect.any(String) }]);
    // The inbox keeps no copy of processed payloads.
    const pending = await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, sessionId));
    expect(pending.every((r) => r.processedAt !== null && r.payload === null)).toBe(true);

    // A reload gets the whole conversation back.
    const history = (await (await fetch(`${t.baseUrl}/webchat/history?sessionId=${sessionId}`)).json()) as { events: { from: string }[] };
    expect(history.events.filter((e) => e.from === 'user')).toHaveLength(1);
    expect(history.events.filter((e) => e.from === 'bot').length).toBeGreaterThanOrEqual(3);
  });

  it('answers a message delivered twice only once', async () => {
    const sessionId = session();
    await post(sessionId, { command: 'start' });
    await post(sessionId, { choice: 'consent:yes' });
    await waitFor(async () => settled(sessionId));
    const before = (await transcript(sessionId)).length;
    const [a, b, c] = await Promise.all([
      post(sessionId, { text: 'Wie viel kostet ein nationales Visum?' }, 'dup-one-1'),
      post(sessionId, { text: 'Wie viel kostet ein nationales Visum?' }, 'dup-one-1'),
      post(sessionId, { text: 'Wie viel kostet ein nationales Visum?' }, 'dup-one-1'),
    ]);
    expect([a.status, b.status, c.status]).toEqual([202, 202, 202]);
    expect([a.body.duplicate, b.body.duplicate, c.body.duplicate].filter((d) => d === false)).toHaveLength(1);
    await waitFor(async () => {
      const r = await transcript(sessionId);
      return r.length > before && r.filter((m) => m.direction === 'out').every((m) => m.status === 'sent') ? r : null;
    });
    await new Promise((r) => setTimeout(r, 500)); // give a second (wrong) answer time to appear
    const rows = (await transcript(sessionId)).slice(before);
    expect(rows.filter((m) => m.direction === 'in')).toHaveLength(1);
    const firstIn = rows.findIndex((m) => m.direction === 'in');
    const outs = rows.slice(firstIn + 1);
    expect(outs.length).toBeGreaterThan(0);
    expect(outs.every((m) => m.direction === 'out')).toBe(true);
  });

  it('deletes the person\'s data after a confirmation, and still confirms it to them', async () => {
    const sessionId = session();
    sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
    await post(sessionId, { command: 'start' });
    await post(sessionId, { choice: 'consent:yes' });
    await post(sessionId, { text: 'Wie viel kostet ein nationales Visum?' });
    await waitFor(async () => settled(sessionId));
    expect((await transcript(sessionId)).length).toBeGreaterThan(3);
    await post(sessionId, { command: 'delete' });
    await sse.waitFor((e) => e.choices.some((c: { value: string }) => c.value === 'delete:yes'));
    const seen = sse.events.length;
    await post(sessionId, { choice: 'delete:yes' });
    await waitFor(async () => (sse!.events.length > seen ? true : null));
    const gone = await t.service.db.select().from(contacts).where(and(eq(contacts.channel, 'webchat'), eq(contacts.externalId, sessionId)));
    expect(gone).toHaveLength(0);
    expect(await transcript(sessionId)).toHaveLength(0);
  });

  it('refuses malformed messages with a clear 400 and stores nothing', async () => {
    const sessionId = session();
    const cases = [
      { sessionId, clientMessageId: 'x' },
      { sessionId: 'short', clientMessageId: 'abcdef', text: 'hi' },
      { sessionId, clientMessageId: 'abcdefg', text: 'a', choice: 'menu' },
      { sessionId, clientMessageId: 'abcdefgh', text: 'x'.repeat(5000) },
    ];
    for (const body of cases) {
      const res = await fetch(`${t.baseUrl}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_message');
    }
    const res = await fetch(`${t.baseUrl}/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, sessionId))).toHaveLength(0);
  });

  it('reports health, readiness and metrics', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toEqual({ postgres: 'ok', redis: 'ok' });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/eastside_messages_in_total\{channel="webchat",language="ru"\} \d+/);
    expect(metrics).toMatch(/eastside_messages_out_total\{channel="webchat",language="ru"\} \d+/);
    expect(metrics).toMatch(/eastside_queue_depth\{queue="inbound",state="waiting"\} \d+/);
    expect(metrics).toMatch(/eastside_time_to_answer_seconds_count\{channel="webchat"\} \d+/);
  });
});
