/**
 * The whatsapp-web.js adapter against a stand-in client: an EventEmitter with the library's
 * own event names ('qr', 'ready', 'message', 'disconnected') and methods (initialize,
 * sendMessage, destroy). Messages in → the Cloud API's shape → InboundMessage; replies out →
 * sendMessage with numbered text.
 */
import type { BotInstance } from '../../instances';
import { ChannelError } from '../channel';
import { WHATSAPP_NUMBER_MESSAGES_PER_S } from './options';
import { toWhatsAppInbound } from './to-inbound';
import {
  attachWhatsAppWebClient,
  createWhatsAppWebClient,
  createWhatsAppWebSender,
  loadWhatsAppWebLibrary,
  webMessageToCloud,
  WhatsAppWebMissingError,
  type WebMessageLike,
} from './web-client';
import type { CloudMessage } from './webhook';
import { StandInClient } from '../../../test/helpers/whatsapp-web-stand-in';


const bot: BotInstance = { id: 'whatsapp-es-pilot', channel: 'whatsapp', defaultLocale: 'es', secrets: {}, options: { mode: 'web' } };
const CHAT = '34600111222@c.us';
let seq = 0;
const webMessage = (fields: Partial<WebMessageLike>): WebMessageLike => ({
  from: CHAT,
  id: { _serialized: `false_${CHAT}_3EB0${++seq}` },
  body: '',
  type: 'chat',
  hasMedia: false,
  timestamp: 1750000000,
  fromMe: false,
  isStatus: false,
  ...fields,
});

describe('receiving: library messages in the Cloud API’s shape, then one normalisation', () => {
  it.each<[string, Partial<WebMessageLike>, Record<string, unknown>]>([
    ['text', { type: 'chat', body: 'Hola, ¿cómo reconozco mi título?' }, { kind: 'text', text: 'Hola, ¿cómo reconozco mi título?' }],
    ['a command', { type: 'chat', body: '/start tiktok-1' }, { kind: 'command', command: 'start', payload: 'tiktok-1' }],
    ['a photo with caption', { type: 'image', body: 'mi pasaporte', hasMedia: true }, { kind: 'media', media: 'photo', caption: 'mi pasaporte' }],
    ['a voice note', { type: 'ptt', hasMedia: true }, { kind: 'media', media: 'voice' }],
    ['an audio file', { type: 'audio', hasMedia: true }, { kind: 'media', media: 'audio' }],
    ['a document', { type: 'document', body: 'Zeugnis.pdf', hasMedia: true }, { kind: 'media', media: 'document', caption: 'Zeugnis.pdf' }],
    ['a sticker', { type: 'sticker', hasMedia: true }, { kind: 'media', media: 'sticker' }],
    ['a location', { type: 'location' }, { kind: 'media', media: 'location' }],
    ['a contact card', { type: 'vcard', body: 'BEGIN:VCARD' }, { kind: 'media', media: 'contact' }],
    ['a poll', { type: 'poll_creation' }, { kind: 'media', media: 'other' }],
  ])('%s', (_name, fields, expected) => {
    const cloud = webMessageToCloud(webMessage(fields));
    expect(toWhatsAppInbound({ message: cloud! }, bot)).toEqual({
      channel: 'whatsapp',
      botId: bot.id,
      externalUserId: CHAT,
      platformMessageId: expect.stringMatching(/^false_/),
      sentAt: new Date(1750000000 * 1000).toISOString(),
      ...expected,
    });
  });

  it.each<[string, Partial<WebMessageLike>]>([
    ['the bot’s own message', { fromMe: true, body: 'x' }],
    ['a status update', { isStatus: true, from: 'status@broadcast' }],
    ['a group message', { from: '120363000000000000@g.us', body: 'hola' }],
    ['a channel post', { from: '120363000000000000@newsletter', body: 'news' }],
    ['an encryption notice', { type: 'e2e_notification' }],
    ['a call', { type: 'call_log' }],
    ['a reaction', { type: 'reaction' }],
  ])('%s is not answered', (_name, fields) => {
    expect(webMessageToCloud(webMessage(fields))).toBeNull();
  });
});

describe('the client’s events', () => {
  it('qr → ready → message in → disconnected, with the library’s event names', async () => {
    const client = new StandInClient();
    const got: { qr: string[]; ready: number; messages: CloudMessage[]; disconnected: string[] } = { qr: [], ready: 0, messages: [], disconnected: [] };
    const connection = attachWhatsAppWebClient(client, {
      onQr: (qr) => got.qr.push(qr),
      onReady: () => void (got.ready += 1),
      onMessage: (m) => void got.messages.push(m),
      onDisconnected: (r) => void got.disconnected.push(r),
    });
    expect(connection.state()).toBe('starting');
    client.emit('qr', '2@AbCdEf,ghIJ==,kl==,mn==');
    expect(connection.state()).toBe('qr');
    client.emit('ready');
    expect(connection.state()).toBe('ready');
    client.emit('message', webMessage({ body: 'Hola' }));
    client.emit('message', webMessage({ fromMe: true, body: 'ignored' }));
    client.emit('disconnected', 'LOGOUT');
    expect(got).toEqual({ qr: ['2@AbCdEf,ghIJ==,kl==,mn=='], ready: 1, messages: [expect.objectContaining({ type: 'text', text: { body: 'Hola' }, from: CHAT })], disconnected: ['LOGOUT'] });
    expect(connection.state()).toBe('disconnected');
  });
});

describe('sending through sendMessage', () => {
  const limits = { chatPerSecond: 1, chatBurst: 5, botPerSecond: WHATSAPP_NUMBER_MESSAGES_PER_S };

  it('choices become a numbered list (WhatsApp Web sends no buttons), remembered for the answer; no link previews', async () => {
    const client = new StandInClient();
    const remembered: Array<string[] | null> = [];
    const sender = createWhatsAppWebSender({
      clientOf: () => client,
      limitsOf: () => limits,
      choices: { remember: async (_b, _p, v) => void remembered.push(v), recall: async () => null },
    });
    const result = await sender.send({ bot, externalUserId: CHAT }, { text: '¿Le fue útil?', choices: [{ value: 'fb:yes', label: 'Sí' }, { value: 'fb:no', label: 'No' }] }, { locale: 'es' });
    expect(client.sent).toEqual([{ chatId: CHAT, content: '¿Le fue útil?\n\n1. Sí\n2. No\n\nResponda con el número de su elección.', options: { linkPreview: false } }]);
    expect(remembered).toEqual([['fb:yes', 'fb:no']]);
    expect(result).toEqual({ platformMessageId: `true_${CHAT}_OUT1` });
    // The answer "2" is read back as the second choice.
    const answer = webMessageToCloud(webMessage({ body: '2' }))!;
    expect(toWhatsAppInbound({ message: answer, numberedChoices: remembered[0]! }, bot)).toMatchObject({ kind: 'choice', value: 'fb:no' });
  });

  it('a counsellor’s message is labelled; no 24-hour window applies', async () => {
    const client = new StandInClient();
    const sender = createWhatsAppWebSender({ clientOf: () => client, limitsOf: () => limits });
    await sender.send({ bot, externalUserId: CHAT }, { text: 'Hola, soy Ana.' }, { from: 'counsellor', locale: 'es' });
    expect(client.sent[0].content).toBe('*Asesoría:*\nHola, soy Ana.');
  });

  it('while the client is not logged in, the reply waits (retryable)', async () => {
    const sender = createWhatsAppWebSender({ clientOf: () => null, limitsOf: () => limits });
    const error = await sender.send({ bot, externalUserId: CHAT }, { text: 'x' }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject({ code: 'whatsapp-web-not-ready', retryable: true, opts: { retryAfterMs: 5000 } });
  });

  it('a failing sendMessage is retried', async () => {
    const client = new StandInClient();
    client.sendMessage = async () => {
      throw new Error('Evaluation failed: page closed');
    };
    const sender = createWhatsAppWebSender({ clientOf: () => client, limitsOf: () => limits });
    expect(await sender.send({ bot, externalUserId: CHAT }, { text: 'x' }, {}).catch((e: unknown) => e)).toMatchObject({ code: 'whatsapp-web-send', retryable: true });
  });
});

describe('the optional library', () => {
  it('is required only when asked for, with a message saying how to install it', () => {
    const missing = () => {
      throw new Error("Cannot find module 'whatsapp-web.js'");
    };
    expect(() => loadWhatsAppWebLibrary(missing)).toThrow(WhatsAppWebMissingError);
    expect(() => loadWhatsAppWebLibrary(missing)).toThrow(/npm install whatsapp-web\.js/);
  });

  it('constructs the Client with LocalAuth per bot and the system’s Chromium (no download)', () => {
    const constructed: Array<Record<string, any>> = [];
    class Client extends StandInClient {
      constructor(readonly options: Record<string, unknown>) {
        super();
        constructed.push(options);
      }
    }
    class LocalAuth {
      constructor(readonly options: { clientId?: string; dataPath?: string }) {}
    }
    const lib = loadWhatsAppWebLibrary(() => ({ Client, LocalAuth }));
    const client = createWhatsAppWebClient(lib, 'whatsapp-es-pilot', { sessionDir: '.wwebjs_auth', chromiumPath: '/usr/bin/chromium' });
    expect(client).toBeInstanceOf(Client);
    expect(constructed[0].authStrategy).toEqual(new LocalAuth({ clientId: 'whatsapp-es-pilot', dataPath: '.wwebjs_auth' }));
    expect(constructed[0].puppeteer).toMatchObject({ headless: true, executablePath: '/usr/bin/chromium' });
  });
});
