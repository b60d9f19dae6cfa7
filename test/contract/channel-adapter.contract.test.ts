/**
 * The contract every channel adapter keeps (one suite for all of them): hostile or malformed
 * payloads never throw; `identify` and `toInbound` agree on who wrote and which message it is;
 * the normalised message names the right channel and bot; a text message keeps its text.
 * A new channel adds one entry to ADAPTERS with a valid text payload for it.
 */
import type { ChannelAdapter } from '../../bots/channels/channel';
import { telegramAdapter } from '../../bots/channels/telegram/to-inbound';
import { webchatAdapter } from '../../bots/channels/webchat/to-inbound';
import { whatsappAdapter } from '../../bots/channels/whatsapp/to-inbound';
import type { BotInstance } from '../../bots/instances';

interface AdapterCase {
  adapter: ChannelAdapter;
  bot: BotInstance;
  /** A valid payload carrying the text "Blue Card salary?" */
  textPayload: unknown;
}

const ADAPTERS: AdapterCase[] = [
  {
    adapter: webchatAdapter,
    bot: { id: 'webchat', channel: 'webchat', defaultLocale: 'en', secrets: {}, options: {} },
    textPayload: { sessionId: 'abcdefghijklmnop1234', clientMessageId: 'msg-000001', text: 'Blue Card salary?', locale: 'ru' },
  },
  {
    adapter: telegramAdapter,
    bot: { id: 'telegram-ru', channel: 'telegram', defaultLocale: 'ru', secrets: { token: '1:x' }, options: {} },
    textPayload: {
      update_id: 1001,
      message: { message_id: 7, date: 1795770000, chat: { id: 4242, type: 'private' }, from: { id: 4242, is_bot: false, first_name: 'A', language_code: 'ru' }, text: 'Blue Card salary?' },
    },
  },
  {
    adapter: whatsappAdapter,
    bot: { id: 'whatsapp-es', channel: 'whatsapp', defaultLocale: 'es', secrets: {}, options: {} },
    // What the webhook route stores for one message of a Cloud API webhook.
    textPayload: { message: { from: '16505551234', id: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRB', timestamp: '1795770000', type: 'text', text: { body: 'Blue Card salary?' } } },
  },
];

const GARBAGE: unknown[] = [
  null,
  undefined,
  0,
  'text',
  [],
  {},
  { message: null },
  { update_id: 'x', message: { text: 5 } },
  { sessionId: 5, clientMessageId: {}, text: [] },
  { __proto__: { text: 'polluted' } },
  JSON.parse('{"constructor":{"prototype":{"x":1}}}'),
];

describe.each(ADAPTERS)('channel adapter contract: $adapter.channel', ({ adapter, bot, textPayload }) => {
  it.each(GARBAGE.map((g) => [JSON.stringify(g) ?? String(g), g]))('never throws on a malformed payload: %s', (_label, payload) => {
    expect(() => adapter.identify(payload, bot)).not.toThrow();
    expect(() => adapter.toInbound(payload, bot)).not.toThrow();
    expect(adapter.toInbound(payload, bot)).toBeNull();
  });

  it('identifies a text message and normalises it with the same ids', () => {
    const id = adapter.identify(textPayload, bot);
    const msg = adapter.toInbound(textPayload, bot);
    expect(id).not.toBeNull();
    expect(msg).not.toBeNull();
    expect(msg!.channel).toBe(adapter.channel);
    expect(msg!.botId).toBe(bot.id);
    expect(msg!.externalUserId).toBe(id!.externalUserId);
    expect(msg!.platformMessageId).toBe(id!.platformMessageId);
    expect(msg!.kind).toBe('text');
    expect(msg!.kind === 'text' && msg!.text).toBe('Blue Card salary?');
    expect(Number.isNaN(Date.parse(msg!.sentAt))).toBe(false);
  });

  it('gives the same ids for the same payload delivered twice (deduplication relies on it)', () => {
    expect(adapter.identify(structuredClone(textPayload), bot)).toEqual(adapter.identify(textPayload, bot));
  });
});
