/**
 * Every kind of Telegram update → InboundMessage (or null: acknowledged and not answered).
 */
import type { InboundMessage } from '../../engine/types';
import type { BotInstance } from '../../instances';
import { localeFromLanguageCode, parseCommand, telegramAdapter, toTelegramInbound } from './to-inbound';

const bot: BotInstance = { id: 'telegram-ru', channel: 'telegram', defaultLocale: 'ru', secrets: { token: '1:a' }, options: {} };
const DATE = 1_795_000_000;
const SENT_AT = new Date(DATE * 1000).toISOString();

const privateChat = { id: 4242, type: 'private', first_name: 'Aziz' };
const person = { id: 4242, is_bot: false, first_name: 'Aziz', language_code: 'ru' };
const message = (fields: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
  update_id: 900,
  message: { message_id: 17, date: DATE, chat: privateChat, from: person, ...fields },
  ...overrides,
});
const base = { channel: 'telegram', botId: 'telegram-ru', externalUserId: '4242', platformMessageId: '900', sentAt: SENT_AT, localeHint: 'ru' };

describe('toTelegramInbound: answered updates', () => {
  it.each<[string, unknown, Partial<InboundMessage> & Record<string, unknown>]>([
    ['text', message({ text: '  Как получить голубую карту?  ' }), { kind: 'text', text: 'Как получить голубую карту?' }],
    ['/start', message({ text: '/start' }), { kind: 'command', command: 'start' }],
    ['/start with a deep-link campaign', message({ text: '/start tiktok_2026-11' }), { kind: 'command', command: 'start', payload: 'tiktok_2026-11' }],
    ['/start@BotName with a payload', message({ text: '/start@EastSideRuBot vk-1' }), { kind: 'command', command: 'start', payload: 'vk-1' }],
    ['/help', message({ text: '/help' }), { kind: 'command', command: 'help' }],
    ['/language', message({ text: '/language' }), { kind: 'command', command: 'language' }],
    ['/human with words after it', message({ text: '/human please' }), { kind: 'command', command: 'human' }],
    ['/privacy', message({ text: '/Privacy' }), { kind: 'command', command: 'privacy' }],
    ['/delete', message({ text: '/delete' }), { kind: 'command', command: 'delete' }],
    ['an unknown command', message({ text: '/weather' }), { kind: 'command', command: 'weather' }],
    ['a slash that is no command', message({ text: '/ путь' }), { kind: 'text', text: '/ путь' }],
    ['photo with caption', message({ photo: [{ file_id: 'x' }], caption: ' мой паспорт ' }), { kind: 'media', media: 'photo', caption: 'мой паспорт' }],
    ['voice note', message({ voice: { file_id: 'x', duration: 2 } }), { kind: 'media', media: 'voice' }],
    ['audio', message({ audio: { file_id: 'x' } }), { kind: 'media', media: 'audio' }],
    ['video', message({ video: { file_id: 'x' } }), { kind: 'media', media: 'video' }],
    ['video note', message({ video_note: { file_id: 'x' } }), { kind: 'media', media: 'video' }],
    ['animation (also a document)', message({ animation: { file_id: 'x' }, document: { file_id: 'x' } }), { kind: 'media', media: 'video' }],
    ['document', message({ document: { file_id: 'x', file_name: 'Zeugnis.pdf' } }), { kind: 'media', media: 'document' }],
    ['sticker', message({ sticker: { file_id: 'x' } }), { kind: 'media', media: 'sticker' }],
    ['location', message({ location: { latitude: 53.6, longitude: 11.4 } }), { kind: 'media', media: 'location' }],
    ['venue (also a location)', message({ venue: { title: 'Rathaus' }, location: { latitude: 1, longitude: 2 } }), { kind: 'media', media: 'location' }],
    ['contact', message({ contact: { phone_number: '+49', first_name: 'A' } }), { kind: 'media', media: 'contact' }],
    ['poll', message({ poll: { id: 'p' } }), { kind: 'media', media: 'other' }],
    ['dice', message({ dice: { emoji: '🎲', value: 3 } }), { kind: 'media', media: 'other' }],
  ])('%s', (_name, update, expected) => {
    expect(toTelegramInbound(update, bot)).toEqual({ ...base, ...expected });
  });

  it('a button press becomes the choice it carries, from the private chat it was pressed in', () => {
    const update = {
      update_id: 901,
      callback_query: {
        id: 'cq-1',
        from: { id: 4242, is_bot: false, first_name: 'Aziz', language_code: 'vi' },
        chat_instance: 'x',
        message: { message_id: 3, date: DATE, chat: privateChat, text: 'Это помогло?' },
        data: 'fb:yes',
      },
    };
    expect(toTelegramInbound(update, bot)).toEqual({
      channel: 'telegram',
      botId: 'telegram-ru',
      externalUserId: '4242',
      platformMessageId: '901',
      sentAt: expect.any(String),
      localeHint: 'vi',
      kind: 'choice',
      value: 'fb:yes',
    });
  });

  it('has no locale hint for a language the service does not speak', () => {
    const m = toTelegramInbound(message({ text: 'Salom', from: { ...person, language_code: 'uz' } }), bot);
    expect(m).not.toHaveProperty('localeHint');
  });
});

describe('toTelegramInbound: acknowledged, not answered', () => {
  const groupChat = { id: -100123, type: 'supergroup', title: 'Fachkräfte' };
  it.each<[string, unknown]>([
    ['an edited message', { update_id: 1, edited_message: { message_id: 1, date: DATE, edit_date: DATE, chat: privateChat, from: person, text: 'x' } }],
    ['a channel post', { update_id: 1, channel_post: { message_id: 1, date: DATE, chat: { id: -1001, type: 'channel' }, text: 'x' } }],
    ['an edited channel post', { update_id: 1, edited_channel_post: { message_id: 1, date: DATE, chat: { id: -1001, type: 'channel' }, text: 'x' } }],
    ['a message in a group', message({ chat: { id: -5, type: 'group', title: 'g' }, text: 'Привет' })],
    ['a message in a supergroup', message({ chat: groupChat, text: '/start' })],
    ['a message from a bot', message({ from: { id: 9, is_bot: true, first_name: 'b' }, text: 'hi' })],
    ['a service message (pinned)', message({ pinned_message: { message_id: 1 } })],
    ['a service message (auto-delete timer)', message({ message_auto_delete_timer_changed: { message_auto_delete_time: 86400 } })],
    ['a button press in a group', { update_id: 1, callback_query: { id: 'q', from: person, chat_instance: 'x', message: { message_id: 1, date: DATE, chat: groupChat }, data: 'fb:yes' } }],
    ['a button press under an inline message', { update_id: 1, callback_query: { id: 'q', from: person, chat_instance: 'x', inline_message_id: 'i', data: 'fb:yes' } }],
    ['a game button (no data)', { update_id: 1, callback_query: { id: 'q', from: person, chat_instance: 'x', message: { message_id: 1, date: DATE, chat: privateChat }, game_short_name: 'g' } }],
    ['an inline query', { update_id: 1, inline_query: { id: 'i', from: person, query: 'visa', offset: '' } }],
    ['the bot blocked or unblocked', { update_id: 1, my_chat_member: { chat: privateChat, from: person, date: DATE } }],
    ['a reaction', { update_id: 1, message_reaction: { chat: privateChat, message_id: 1, date: DATE } }],
    ['not an update', { hello: 'world' }],
    ['a negative update id', { update_id: -1, message: { message_id: 1, date: DATE, chat: privateChat, text: 'x' } }],
    ['null', null],
    ['a string', 'update'],
  ])('%s', (_name, update) => {
    expect(toTelegramInbound(update, bot)).toBeNull();
    expect(telegramAdapter.identify(update, bot)).toBeNull();
  });
});

describe('identify', () => {
  it('dedupes per (bot, update_id) and addresses the chat', () => {
    expect(telegramAdapter.identify(message({ text: 'hi' }), bot)).toEqual({ externalUserId: '4242', platformMessageId: '900' });
  });
});

describe('parseCommand', () => {
  it.each<[string, ReturnType<typeof parseCommand>]>([
    ['/start', { command: 'start' }],
    ['/START abc', { command: 'start', payload: 'abc' }],
    ['/start ' + 'x'.repeat(64), { command: 'start', payload: 'x'.repeat(64) }],
    ['/start ' + 'x'.repeat(65), { command: 'start' }], // longer than Telegram allows: not a campaign
    ['/start <script>', { command: 'start' }],
    ['/start two words', { command: 'start' }],
    ['/help@Some_Bot', { command: 'help' }],
    ['no command', null],
    ['/', null],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe('localeFromLanguageCode', () => {
  it.each<[string | undefined, string | undefined]>([
    ['ru', 'ru'],
    ['vi', 'vi'],
    ['es-MX', 'es'],
    ['de-AT', 'de'],
    ['en_US', 'en'],
    ['uz', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (code, locale) => {
    expect(localeFromLanguageCode(code)).toBe(locale);
  });
});
