/**
 * The real service (HTTP, PostgreSQL, Redis, BullMQ workers, engine) with three Telegram bots
 * — Russian and Vietnamese in webhook mode, Spanish in long-polling mode — against a local fake
 * Bot API server that speaks Telegram's HTTP protocol and delivers webhooks with the secret.
 */
import { and, eq } from 'drizzle-orm';
import type { BotInstance } from '../../bots/instances';
import { contacts, conversations, feedback, inbox, messages } from '../../services/db/schema';
import { pollerKeys } from '../../services/telegram/poller';
import { freePort } from '../helpers/free-port';
import { deliverUpdate, startFakeTelegram, type FakeMessage, type FakeTelegram } from '../helpers/fake-telegram';
import { startTestService, waitFor, type TestService } from '../helpers/service';

function telegramBot(id: string, defaultLocale: BotInstance['defaultLocale'], token: string, mode: 'webhook' | 'polling', webhookSecret?: string): BotInstance {
  return { id, channel: 'telegram', defaultLocale, name: id, secrets: { token, ...(webhookSecret ? { webhookSecret } : {}) }, options: { mode } };
}

const RU = telegramBot('telegram-ru', 'ru', '1001:ru-token', 'webhook', 'ru-secret_1');
const VI = telegramBot('telegram-vi', 'vi', '1002:vi-token', 'webhook', 'vi-secret_2');
const ES = telegramBot('telegram-es-dev', 'es', '1003:es-token', 'polling');
const tokenOf = (bot: BotInstance) => bot.secrets.token;

let fake: FakeTelegram;
let t: TestService;
let base: string;
let nextChat = 5000;
const newChat = () => ++nextChat;

beforeAll(async () => {
  fake = await startFakeTelegram();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  t = await startTestService('e2e-telegram', {
    overrides: { bots: [RU, VI, ES] },
    env: { PORT: port, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_BASE_URL: base, TELEGRAM_POLL_TIMEOUT_S: 2 },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const buttons = (m: FakeMessage) => (m.keyboard ?? []).flat().map((b) => b.callback_data);
const hasButton = (value: string) => (m: FakeMessage) => buttons(m).includes(value);
const cyrillic = /[А-Яа-яЁё]{4,}/;
const vietnamese = /[ạảấầẩậắằẳặẹẻẽếềểệỉịọỏốồổộớờởợụủứừửựỳỵỷỹđ]/i;

async function contactOf(bot: BotInstance, chatId: number) {
  const [row] = await t.service.db
    .select()
    .from(contacts)
    .where(and(eq(contacts.channel, 'telegram'), eq(contacts.botId, bot.id), eq(contacts.externalId, String(chatId))));
  return row;
}

/** Waits until no new message has reached the chat for `quietMs`. */
async function settled(bot: BotInstance, chatId: number, quietMs = 800): Promise<FakeMessage[]> {
  let count = -1;
  for (;;) {
    const now = fake.messages(tokenOf(bot), chatId).length;
    if (now === count) return fake.messages(tokenOf(bot), chatId);
    count = now;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

it('registers each webhook with its secret and the command menu in every language at start', () => {
  expect(fake.webhookOf(tokenOf(RU))).toEqual({ url: `${base}/telegram/telegram-ru/webhook`, secret: 'ru-secret_1', allowedUpdates: ['message', 'callback_query'] });
  expect(fake.webhookOf(tokenOf(VI))?.secret).toBe('vi-secret_2');
  const webhookCalls = fake.callsOf('setWebhook', tokenOf(RU));
  expect(webhookCalls[0].payload.drop_pending_updates).toBe(false);
  // The polling bot has no webhook: its poller removed any.
  expect(fake.webhookOf(tokenOf(ES))).toBeNull();
  for (const bot of [RU, VI, ES]) {
    const menus = fake.commandsOf(tokenOf(bot));
    expect([...menus.keys()].sort()).toEqual(['', 'de', 'en', 'es', 'ru', 'vi']);
    expect(menus.get('ru')!.map((c) => c.command)).toEqual(['start', 'help', 'language', 'human', 'privacy', 'delete']);
  }
  expect(fake.commandsOf(tokenOf(RU)).get('ru')![0].description).toMatch(cyrillic);
  expect(fake.commandsOf(tokenOf(VI)).get('')![0].description).toMatch(vietnamese); // no language: the bot's own
  expect(fake.callsOf('setMyCommands', tokenOf(RU)).every((c) => c.payload.scope?.type === 'all_private_chats')).toBe(true);
});

it('/start with a campaign → language → question → answer with keyboard → feedback button', async () => {
  const token = tokenOf(RU);
  const chat = newChat();
  expect(await fake.deliver(token, fake.textUpdate(token, chat, '/start vk-2026-spring', { languageCode: 'ru' }))).toBe(200);

  // Greeting, privacy notice (consent buttons) and language chooser, in this order.
  const first = await fake.waitForMessages(token, chat, 3);
  expect(first[0].text).toMatch(cyrillic);
  expect(buttons(first[1])).toEqual(expect.arrayContaining(['consent:yes', 'consent:no']));
  expect(buttons(first[2])).toEqual(expect.arrayContaining(['lang:ru', 'lang:vi', 'lang:es', 'lang:de', 'lang:en']));
  expect(first.every((m) => m.parseMode === 'HTML')).toBe(true);
  // "typing…" while the answer was prepared.
  expect(fake.callsOf('sendChatAction', token).some((c) => c.payload.chat_id === chat && c.payload.action === 'typing')).toBe(true);
  // The deep link's campaign is kept for reporting.
  expect((await contactOf(RU, chat))?.campaign).toBe('vk-2026-spring');

  // Language button: answered at once, and the pressed message shows the choice without buttons.
  const press = fake.pressButton(token, chat, 'lang:ru');
  expect(await fake.deliver(token, press)).toBe(200);
  await waitFor(async () => fake.callsOf('answerCallbackQuery', token).some((c) => c.payload.callback_query_id === press.callback_query.id));
  await waitFor(async () => {
    const chooser = fake.messages(token, chat).find((m) => m.message_id === first[2].message_id)!;
    return chooser.edited && chooser.keyboard === null && chooser.text.endsWith('✓ Русский');
  });

  await fake.deliver(token, fake.pressButton(token, chat, 'consent:yes', first[1]));
  const thanks = await fake.waitForMessage(token, chat, (m) => m.message_id > first[2].message_id && hasButton('menu')(m) && !hasButton('consent:yes')(m));
  expect(thanks.text).toMatch(cyrillic);

  await fake.deliver(token, fake.textUpdate(token, chat, 'Какая зарплата нужна для голубой карты ЕС?'));
  const question = await fake.waitForMessage(token, chat, hasButton('fb:yes'), 15_000);
  expect(question.keyboard!.flat().map((b) => b.callback_data)).toEqual(expect.arrayContaining(['fb:yes', 'fb:no']));
  expect(Buffer.byteLength(buttons(question).join(''))).toBeLessThan(64 * buttons(question).length);
  // The answer before it: Russian text, its sources as HTML links.
  const answer = fake.messages(token, chat).filter((m) => m.message_id < question.message_id).pop()!;
  expect(answer.text).toMatch(/голуб/i);
  expect(answer.entities.some((e) => e.type === 'text_link' && /^https:\/\//.test(e.url ?? ''))).toBe(true);
  expect(answer.raw).toMatch(/<a href="https:\/\/[^"]+">/);

  await fake.deliver(token, fake.pressButton(token, chat, 'fb:yes', question));
  await fake.waitForMessage(token, chat, (m) => m.message_id > question.message_id);
  const contact = await contactOf(RU, chat);
  const [conversation] = await t.service.db.select().from(conversations).where(eq(conversations.contactId, contact!.id));
  const rows = await waitFor(async () => {
    const r = await t.service.db.select().from(feedback).where(eq(feedback.conversationId, conversation.id));
    return r.length > 0 ? r : null;
  });
  expect(rows[0]).toMatchObject({ topic: expect.any(String), helpful: true, locale: 'ru' });
}, 40_000);

it('answers an update delivered several times only once', async () => {
  const token = tokenOf(RU);
  const chat = newChat();
  const update = fake.textUpdate(token, chat, '/start');
  const statuses = await Promise.all([fake.deliver(token, update), fake.deliver(token, update), fake.deliver(token, update)]);
  expect(statuses).toEqual([200, 200, 200]);
  await fake.waitForMessages(token, chat, 3);
  expect(await fake.deliver(token, update)).toBe(200); // and once more, later
  const all = await settled(RU, chat);
  expect(all).toHaveLength(3);
  expect(all.filter((m) => buttons(m).includes('consent:yes'))).toHaveLength(1);
}, 20_000);

it('waits retry_after when Telegram answers 429, then delivers', async () => {
  const token = tokenOf(VI);
  const chat = newChat();
  fake.failNextSendMessages(1, 1);
  await fake.deliver(token, fake.textUpdate(token, chat, '/start'));
  const delivered = await fake.waitForMessages(token, chat, 3, 15_000);
  const refused = fake.callsOf('sendMessage', token).find((c) => c.status === 429 && c.payload.chat_id === chat);
  expect(refused).toBeDefined();
  // The refused message came after the wait, and the order of the three was kept.
  expect(delivered[0].sentAt - refused!.at).toBeGreaterThanOrEqual(950);
  expect(buttons(delivered[1])).toContain('consent:yes');
  expect(buttons(delivered[2])).toContain('lang:vi');
}, 20_000);

it('refuses a wrong or missing secret with 401 and stores nothing', async () => {
  const token = tokenOf(RU);
  const chat = newChat();
  const update = fake.textUpdate(token, chat, '/start');
  const url = `${base}/telegram/telegram-ru/webhook`;
  expect(await deliverUpdate(url, 'wrong-secret', update)).toBe(401);
  expect(await deliverUpdate(url, undefined, update)).toBe(401);
  expect(await deliverUpdate(url, 'vi-secret_2', update)).toBe(401); // another bot's secret
  expect(await deliverUpdate(`${base}/telegram/no-such-bot/webhook`, 'ru-secret_1', update)).toBe(404);
  expect(await deliverUpdate(`${base}/telegram/telegram-es-dev/webhook`, '', update)).toBe(404); // a polling bot has no webhook
  await new Promise((r) => setTimeout(r, 500));
  const stored = await t.service.db.select().from(inbox).where(and(eq(inbox.botId, RU.id), eq(inbox.externalUserId, String(chat))));
  expect(stored).toHaveLength(0);
  expect(fake.messages(token, chat)).toHaveLength(0);
});

it('a Russian and a Vietnamese bot in one process each answer in their own language', async () => {
  const chat = newChat(); // the same person writes to both bots
  await Promise.all([
    fake.deliver(tokenOf(RU), fake.textUpdate(tokenOf(RU), chat, '/start')),
    fake.deliver(tokenOf(VI), fake.textUpdate(tokenOf(VI), chat, '/start')),
  ]);
  const [ru, vi] = await Promise.all([fake.waitForMessages(tokenOf(RU), chat, 3), fake.waitForMessages(tokenOf(VI), chat, 3)]);
  expect(ru[0].text).toMatch(cyrillic);
  expect(vi[0].text).toMatch(vietnamese);
  expect(vi[0].text).not.toMatch(cyrillic);
  // Two conversations, one per bot.
  expect((await contactOf(RU, chat))?.id).not.toBe((await contactOf(VI, chat))?.id);
}, 20_000);

it('does not answer edited messages, group chats or channel posts', async () => {
  const token = tokenOf(RU);
  const chat = newChat();
  const group = -100_000 - chat;
  const updates = [
    fake.messageUpdate(token, chat, { text: 'Привет', edit_date: 1 }, { kind: 'edited_message' }),
    fake.messageUpdate(token, group, { text: 'Какая зарплата нужна для голубой карты?' }, { chatType: 'supergroup' }),
    fake.messageUpdate(token, group, { text: '/start' }, { chatType: 'group' }),
    fake.messageUpdate(token, group, { text: 'Новости' }, { kind: 'channel_post', chatType: 'channel' }),
    fake.messageUpdate(token, chat, { pinned_message: { message_id: 1, date: 0, chat: { id: chat, type: 'private' } } }),
  ];
  for (const u of updates) expect(await fake.deliver(token, u)).toBe(200);
  await new Promise((r) => setTimeout(r, 800));
  expect(fake.messages(token, chat)).toHaveLength(0);
  expect(fake.messages(token, group)).toHaveLength(0);
  const stored = await t.service.db.select().from(inbox).where(eq(inbox.botId, RU.id));
  expect(stored.filter((r) => [String(chat), String(group)].includes(r.externalUserId))).toHaveLength(0);
});

it.each([
  ['photo', { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }], caption: 'мой паспорт' }],
  ['voice note', { voice: { file_id: 'v', file_unique_id: 'v', duration: 3 } }],
  ['document', { document: { file_id: 'd', file_unique_id: 'd', file_name: 'Zeugnis.pdf' } }],
  ['sticker', { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } }],
  ['location', { location: { latitude: 53.6, longitude: 11.4 } }],
])('a %s gets a polite reply in the person’s language with the offer of a counsellor', async (_kind, fields) => {
  const token = tokenOf(RU);
  const chat = newChat();
  await fake.deliver(token, fake.messageUpdate(token, chat, fields));
  const reply = await fake.waitForMessage(token, chat, hasButton('human:media'), 15_000);
  expect(reply.text).toMatch(cyrillic);
}, 20_000);

it('a person who blocked the bot is marked unreachable and not retried', async () => {
  const token = tokenOf(RU);
  const chat = newChat();
  fake.blockChat(chat);
  await fake.deliver(token, fake.textUpdate(token, chat, '/start'));
  await waitFor(async () => (await contactOf(RU, chat))?.unreachable === true, 10_000);
  const contact = await contactOf(RU, chat);
  const [conversation] = await t.service.db.select().from(conversations).where(eq(conversations.contactId, contact!.id));
  const outRows = await waitFor(async () => {
    const r = await t.service.db.select().from(messages).where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'out')));
    return r.length > 0 && r.every((m) => m.status === 'failed') ? r : null;
  });
  await new Promise((r) => setTimeout(r, 1500)); // a retry (backoff 1 s) would come within this time
  // Each reply was tried once: a 403 is not retried.
  const attempts = fake.callsOf('sendMessage', token).filter((c) => c.payload.chat_id === chat);
  expect(attempts.every((c) => c.status === 403)).toBe(true);
  expect(attempts.length).toBeLessThanOrEqual(outRows.length);
}, 20_000);

it('a bot in long-polling mode answers updates it fetched itself, and keeps its offset', async () => {
  const token = tokenOf(ES);
  const chat = newChat();
  const update = fake.textUpdate(token, chat, '/start ig-reel-7');
  fake.queueUpdate(token, update);
  const replies = await fake.waitForMessages(token, chat, 3, 15_000);
  expect(replies[0].text).toMatch(/¡Hola!|[áéíóúñ¿]/);
  expect((await contactOf(ES, chat))?.campaign).toBe('ig-reel-7');
  const offset = await waitFor(async () => Number(await t.service.redis.get(pollerKeys(t.config.REDIS_PREFIX, ES.id).offset)) || null);
  expect(offset).toBe(update.update_id + 1);
}, 20_000);
