/**
 * The real service (HTTP, PostgreSQL, Redis, BullMQ workers, engine, console) with two
 * WhatsApp Cloud API numbers (Spanish and Russian bots of one Meta app) against a local fake
 * Graph API that speaks Meta's HTTP protocol, signs its webhooks with the app secret and
 * enforces the 24-hour customer-service window.
 */
import { Writable } from 'node:stream';
import { and, asc, eq } from 'drizzle-orm';
import pino from 'pino';
import type { BotInstance } from '../../bots/instances';
import { createStaffUser } from '../../services/console/users';
import { contacts, conversations, handoffTickets, inbox, messages } from '../../services/db/schema';
import { startFakeGraphApi, type FakeGraphApi, type FakeSent } from '../helpers/fake-graph-api';
import { startTestService, waitFor, type TestService } from '../helpers/service';

const APP_SECRET = 'e2e-app-secret';
const VERIFY_TOKEN = 'e2e-verify-token';
const ES_NUMBER = '106540352242922';
const RU_NUMBER = '106540352242933';
const TEMPLATE = 'eastside_reply_waiting';
const secrets = (token: string) => ({ accessToken: token, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN });
const ES: BotInstance = { id: 'whatsapp-es', channel: 'whatsapp', defaultLocale: 'es', secrets: secrets('EAAG-es'), options: { phoneNumberId: ES_NUMBER, template: { name: TEMPLATE, language: 'es' } } };
const RU: BotInstance = { id: 'whatsapp-ru', channel: 'whatsapp', defaultLocale: 'ru', secrets: secrets('EAAG-ru'), options: { phoneNumberId: RU_NUMBER, template: { name: TEMPLATE, language: 'ru' } } };
const PASSWORD = 'a long enough test passphrase';

let fake: FakeGraphApi;
let t: TestService;
const logLines: string[] = [];
let nextPerson = 4915100000100;
const newPerson = () => String(++nextPerson);

beforeAll(async () => {
  fake = await startFakeGraphApi({
    numbers: [
      { phoneNumberId: ES_NUMBER, accessToken: 'EAAG-es' },
      { phoneNumberId: RU_NUMBER, accessToken: 'EAAG-ru' },
    ],
    templates: [{ name: TEMPLATE, languages: ['es', 'ru'] }],
  });
  // Everything the service logs, at debug level, to check that no phone number is ever logged.
  const sink = new Writable({ write: (chunk, _enc, done) => void (logLines.push(String(chunk)), done()) });
  t = await startTestService('e2e-whatsapp', {
    overrides: { bots: [ES, RU], logger: pino({ level: 'debug' }, sink) },
    env: { WHATSAPP_API_ROOT: fake.url, WHATSAPP_API_VERSION: 'v23.0', HANDOFF_OFFICE_HOURS: 'Mon-Sun 00:00-24:00', HANDOFF_RETURN_AFTER_MINUTES: 600 },
  });
  fake.setWebhook(`${t.baseUrl}/whatsapp/webhook`, APP_SECRET);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const interactive = (m: FakeSent) => (m.type === 'interactive' ? m.body.interactive : null);
const buttonIds = (m: FakeSent): string[] => interactive(m)?.action?.buttons?.map((b: any) => b.reply.id) ?? [];
const rowIds = (m: FakeSent): string[] => (interactive(m)?.action?.sections ?? []).flatMap((s: any) => s.rows.map((r: any) => r.id));
const choicesOf = (m: FakeSent) => [...buttonIds(m), ...rowIds(m)];
const textOf = (m: FakeSent): string => (m.type === 'text' ? m.body.text.body : m.type === 'interactive' ? m.body.interactive.body.text : '');

async function conversationOf(bot: BotInstance, person: string) {
  const [row] = await t.service.db
    .select({ id: conversations.id, owner: conversations.owner, lastInboundAt: conversations.lastInboundAt })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(contacts.channel, 'whatsapp'), eq(contacts.botId, bot.id), eq(contacts.externalId, person)));
  return row ?? null;
}

async function outRows(conversationId: string) {
  return t.service.db.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'out'))).orderBy(asc(messages.id));
}

/** Greets the bot and accepts the privacy notice; returns the messages so far. */
async function startAndAccept(person: string): Promise<FakeSent[]> {
  expect(await fake.deliver(fake.text(ES_NUMBER, person, 'Hola'))).toBe(200);
  const privacy = await fake.waitForSent(person, (m) => buttonIds(m).includes('consent:yes'));
  expect(await fake.deliver(fake.buttonReply(ES_NUMBER, person, 'consent:yes', 'Acepto'))).toBe(200);
  await fake.waitForSent(person, (m) => m.at > privacy.at && choicesOf(m).includes('menu') && !choicesOf(m).includes('consent:yes'), 15_000);
  return fake.sentTo(person);
}

it('answers Meta’s verification handshake with the challenge only for the right token', async () => {
  const url = (token: string, path = '/whatsapp/webhook') => `${t.baseUrl}${path}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
  const ok = await fetch(url(VERIFY_TOKEN));
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('1158201444');
  expect((await fetch(url('wrong-token'))).status).toBe(403);
  const perBot = await fetch(url(VERIFY_TOKEN, '/whatsapp/whatsapp-ru/webhook'));
  expect([perBot.status, await perBot.text()]).toEqual([200, '1158201444']);
  expect((await fetch(url(VERIFY_TOKEN, '/whatsapp/no-such-bot/webhook'))).status).toBe(404);
});

it('a signed message → the greeting, the privacy notice with reply buttons and the languages as a list; read and "typing…"', async () => {
  const person = newPerson();
  const hello = fake.text(ES_NUMBER, person, 'Hola');
  expect(await fake.deliver(hello)).toBe(200);
  const sent = await fake.waitForCount(person, 3, 15_000);
  expect(sent[0]).toMatchObject({ type: 'text', phoneNumberId: ES_NUMBER });
  expect(textOf(sent[0])).toMatch(/¡Hola!|[áéíóúñ¿]/);
  expect(interactive(sent[1])?.type).toBe('button');
  expect(buttonIds(sent[1])).toEqual(['consent:yes', 'consent:no']);
  expect(interactive(sent[2])?.type).toBe('list');
  expect(rowIds(sent[2])).toEqual(['lang:ru', 'lang:vi', 'lang:es', 'lang:de', 'lang:en']);
  // The message was marked read with a typing indicator, by its wamid.
  const wamid = hello.entry[0].changes[0].value.messages[0].id;
  expect(fake.requests.some((r) => r.body.status === 'read' && r.body.message_id === wamid && r.body.typing_indicator?.type === 'text')).toBe(true);
  // Stored once by its wamid; the transcript keeps Meta's ids of what was sent.
  const conversation = (await conversationOf(ES, person))!;
  await waitFor(async () => (await outRows(conversation.id)).every((r) => r.status === 'sent'));
  expect((await outRows(conversation.id)).map((r) => r.platformMessageId)).toEqual(sent.map((m) => m.wamid));
  // Delivered twice (Meta retries): answered once.
  expect(await fake.deliver(hello)).toBe(200);
  await new Promise((r) => setTimeout(r, 500));
  expect(fake.sentTo(person)).toHaveLength(3);
}, 30_000);

it('a wrong or missing signature gets 401 and nothing is stored or answered', async () => {
  const person = newPerson();
  const body = fake.text(ES_NUMBER, person, 'Hola');
  expect(await fake.deliver(body, { signature: 'sha256=' + '0'.repeat(64) })).toBe(401);
  expect(await fake.deliver(body, { signature: null })).toBe(401);
  expect(await fake.deliver(body, { url: `${t.baseUrl}/whatsapp/whatsapp-es/webhook`, signature: 'sha256=deadbeef' })).toBe(401);
  await new Promise((r) => setTimeout(r, 500));
  expect(await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, person))).toHaveLength(0);
  expect(fake.sentTo(person)).toHaveLength(0);
});

it('a button reply leads to the next step; a list reply to the chosen category; a number answers a numbered list', async () => {
  const person = newPerson();
  const sent = await startAndAccept(person);
  const thanks = sent[sent.length - 1];
  expect(buttonIds(thanks)).toEqual(['menu']);
  expect(textOf(thanks)).toMatch(/Gracias/i);
  expect(await fake.deliver(fake.buttonReply(ES_NUMBER, person, 'menu', 'Menú'))).toBe(200);
  const menu = await fake.waitForSent(person, (m) => rowIds(m).includes('cat:visa'), 15_000);
  expect(interactive(menu)?.type).toBe('list');
  // A category has more topics than a list holds: they come as a numbered list.
  expect(await fake.deliver(fake.listReply(ES_NUMBER, person, 'cat:visa', 'Visas y residencia'))).toBe(200);
  const topics = await fake.waitForSent(person, (m) => m.type === 'text' && /^1\. /m.test(textOf(m)), 15_000);
  expect(textOf(topics)).toMatch(/Responda con el número de su elección\.$/);
  const firstTopic = /^1\. (.+)$/m.exec(textOf(topics))![1];
  expect(await fake.deliver(fake.text(ES_NUMBER, person, '1'))).toBe(200);
  await fake.waitForSent(person, (m) => m.at >= topics.at && choicesOf(m).includes('fb:yes'), 15_000);
  const answer = fake.sentTo(person).find((m) => m.at >= topics.at && m !== topics && textOf(m).includes(firstTopic.split(':')[0]));
  expect(answer).toBeDefined();
}, 40_000);

it('a photo or a voice note gets a polite reply with the offer of a counsellor', async () => {
  const person = newPerson();
  expect(await fake.deliver(fake.media(ES_NUMBER, person, 'image', { caption: 'mi pasaporte' }))).toBe(200);
  const reply = await fake.waitForSent(person, (m) => choicesOf(m).includes('human:media'), 15_000);
  expect(textOf(reply)).toMatch(/[áéíóúñ¿]|texto/);
  expect(await fake.deliver(fake.media(ES_NUMBER, person, 'audio', { voice: true }))).toBe(200);
  await fake.waitForSent(person, (m, all) => all.filter((x) => choicesOf(x).includes('human:media')).length >= 2, 15_000);
}, 30_000);

it('delivery and read receipts are stored on the sent message and never answered', async () => {
  const person = newPerson();
  await fake.deliver(fake.text(ES_NUMBER, person, 'Hola'));
  const [first] = await fake.waitForCount(person, 3, 15_000);
  const conversation = (await conversationOf(ES, person))!;
  const row = () => t.service.db.select().from(messages).where(eq(messages.platformMessageId, first.wamid)).then((r) => r[0]);
  await waitFor(async () => (await row())?.status === 'sent');
  const inboxBefore = (await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, person))).length;
  expect(await fake.deliver(fake.status(ES_NUMBER, first.wamid, 'delivered'))).toBe(200);
  await waitFor(async () => (await row())?.status === 'delivered');
  expect(await fake.deliver(fake.status(ES_NUMBER, first.wamid, 'read'))).toBe(200);
  await waitFor(async () => (await row())?.status === 'read');
  // A late "delivered" does not move it back.
  expect(await fake.deliver(fake.status(ES_NUMBER, first.wamid, 'delivered'))).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  expect((await row())?.status).toBe('read');
  expect((await t.service.db.select().from(inbox).where(eq(inbox.externalUserId, person))).length).toBe(inboxBefore);
  expect(fake.sentTo(person)).toHaveLength(3);
  expect((await outRows(conversation.id)).length).toBe(3);
}, 30_000);

it('each number is its own language bot: the Russian number answers in Russian', async () => {
  const person = newPerson();
  fake.setWebhook(`${t.baseUrl}/whatsapp/webhook`, APP_SECRET);
  expect(await fake.deliver(fake.text(RU_NUMBER, person, 'Привет'))).toBe(200);
  const [greeting] = await fake.waitForCount(person, 3, 15_000);
  expect(greeting.phoneNumberId).toBe(RU_NUMBER);
  expect(textOf(greeting)).toMatch(/[А-Яа-яЁё]{4,}/);
  expect(await conversationOf(RU, person)).not.toBeNull();
  expect(await conversationOf(ES, person)).toBeNull();
}, 30_000);

describe('the 24-hour customer-service window', () => {
  async function login(): Promise<{ cookie: string; csrf: string }> {
    const email = `counsellor-${Date.now()}@example.org`;
    await createStaffUser(t.service.db, { email, name: 'Ana', role: 'counsellor', languages: ['es'], password: PASSWORD });
    const res = await fetch(`${t.baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const body = (await res.json()) as { csrfToken: string };
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: body.csrfToken };
  }
  const consoleApi = async (agent: { cookie: string; csrf: string }, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${t.baseUrl}/console/api${path}`, {
      method,
      headers: { cookie: agent.cookie, 'x-csrf-token': agent.csrf, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: (await res.json()) as any };
  };

  it('a counsellor’s reply after 24 hours goes out as the template; the text follows when the person answers it', async () => {
    const person = newPerson();
    await startAndAccept(person);
    expect(await fake.deliver(fake.buttonReply(ES_NUMBER, person, 'human', 'Hablar con una persona'))).toBe(200);
    const conversation = await waitFor(async () => {
      const c = await conversationOf(ES, person);
      return c?.owner === 'queue' ? c : null;
    }, 15_000);
    const [ticket] = await t.service.db.select().from(handoffTickets).where(eq(handoffTickets.conversationId, conversation.id));
    const agent = await login();
    expect((await consoleApi(agent, 'POST', `/tickets/${ticket.id}/claim`, {})).status).toBe(200);
    const open = await consoleApi(agent, 'GET', `/tickets/${ticket.id}`);
    expect(open.json.replyWindow).toEqual({ open: true, closesAt: expect.any(String) });

    // A day and an hour pass without a word from the person.
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    await t.service.db.update(conversations).set({ lastInboundAt: dayAgo }).where(eq(conversations.id, conversation.id));
    fake.setLastInbound(ES_NUMBER, person, dayAgo);
    const closed = await consoleApi(agent, 'GET', `/tickets/${ticket.id}`);
    expect(closed.json.replyWindow).toEqual({ open: false, closesAt: expect.any(String) });

    const before = fake.sentTo(person).length;
    expect((await consoleApi(agent, 'POST', `/tickets/${ticket.id}/reply`, { text: 'Hola, soy Ana. Su título se reconoce en Schwerin.' })).status).toBe(200);
    const template = await fake.waitForSent(person, (m, all) => all.indexOf(m) >= before && m.type === 'template', 15_000);
    expect(template.body.template).toEqual({ name: TEMPLATE, language: { code: 'es' } });
    expect(template.refused).toBe(false);
    const held = await waitFor(async () => (await outRows(conversation.id)).find((r) => r.author === 'counsellor' && r.status === 'held') ?? null);
    expect(fake.sentTo(person).filter((m) => m.type === 'text' && textOf(m).includes('soy Ana'))).toHaveLength(0);
    // A second reply while the template waits: held too, no second template.
    await consoleApi(agent, 'POST', `/tickets/${ticket.id}/reply`, { text: 'Y otra cosa más.' });
    await waitFor(async () => (await outRows(conversation.id)).filter((r) => r.status === 'held').length === 2);
    expect(fake.sentTo(person).filter((m) => m.type === 'template')).toHaveLength(1);
    expect((await consoleApi(agent, 'GET', `/tickets/${ticket.id}`)).json.transcript.some((m: any) => m.status === 'held')).toBe(true);

    // The person taps the template's quick reply: the window opens and both replies go out, in order.
    expect(await fake.deliver(fake.templateQuickReply(ES_NUMBER, person, 'Ver respuesta'))).toBe(200);
    const first = await fake.waitForSent(person, (m) => m.type === 'text' && textOf(m).includes('soy Ana'), 15_000);
    expect(textOf(first)).toBe('*Asesoría:*\nHola, soy Ana. Su título se reconoce en Schwerin.');
    expect(first.refused).toBe(false);
    const second = await fake.waitForSent(person, (m) => textOf(m).includes('otra cosa'), 15_000);
    expect(second.at).toBeGreaterThanOrEqual(first.at);
    await waitFor(async () => (await outRows(conversation.id)).find((r) => r.id === held.id)?.status === 'sent');
    expect((await consoleApi(agent, 'GET', `/tickets/${ticket.id}`)).json.replyWindow.open).toBe(true);
  }, 60_000);

  it('a reply Meta reports as outside the window (131047) is sent again as the template', async () => {
    const person = newPerson();
    await startAndAccept(person);
    // The service believes the window is open; Meta knows better.
    fake.setLastInbound(ES_NUMBER, person, new Date(Date.now() - 30 * 3_600_000));
    expect(await fake.deliver(fake.status(ES_NUMBER, 'wamid.unknown', 'read'))).toBe(200); // a receipt for nothing: ignored
    const conversation = (await conversationOf(ES, person))!;
    const [ticketless] = await t.service.db
      .insert(messages)
      .values({ conversationId: conversation.id, direction: 'out', author: 'system', kind: 'reply', text: 'Aviso del servicio', payload: { choices: [], links: [] }, channel: 'whatsapp', status: 'pending', locale: 'es' })
      .returning({ id: messages.id });
    await t.service.outboundQueue.add('send', { messageId: ticketless.id, channel: 'whatsapp', botId: ES.id, externalUserId: person, reply: { text: 'Aviso del servicio' }, locale: 'es' });
    const refused = await fake.waitForSent(person, (m) => m.refused && textOf(m) === 'Aviso del servicio', 15_000);
    expect(refused).toBeDefined();
    await fake.waitForSent(person, (m) => m.type === 'template', 15_000);
    await waitFor(async () => (await outRows(conversation.id)).find((r) => r.id === ticketless.id)?.status === 'held', 15_000);
  }, 40_000);
});

it('never logs a phone number', () => {
  expect(logLines.length).toBeGreaterThan(0);
  const numbers = Array.from({ length: nextPerson - 4915100000100 }, (_, i) => String(4915100000101 + i));
  const leaked = logLines.filter((line) => numbers.some((n) => line.includes(n)));
  expect(leaked).toEqual([]);
});
