/**
 * Cloud API webhook payloads (fixtures shaped as Meta documents them, test/fixtures/whatsapp)
 * → the stored message → InboundMessage, for every message kind; and what is not answered.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BotInstance } from '../../instances';
import { looksLikeNumberAnswer, opensServiceWindow, parseWhatsAppCommand, toWhatsAppInbound, whatsappAdapter } from './to-inbound';
import { readWhatsAppWebhook, type CloudMessage } from './webhook';

const bot: BotInstance = { id: 'whatsapp-es', channel: 'whatsapp', defaultLocale: 'es', secrets: {}, options: {} };
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../../test/fixtures/whatsapp', `${name}.json`), 'utf8'));
/** The one message of a fixture, as the webhook route stores it. */
const stored = (name: string) => {
  const [batch] = readWhatsAppWebhook(fixture(name));
  expect(batch.messages).toHaveLength(1);
  return { message: batch.messages[0] };
};

const base = {
  channel: 'whatsapp',
  botId: 'whatsapp-es',
  externalUserId: '16505551234',
  platformMessageId: expect.stringMatching(/^wamid\./),
  sentAt: new Date(1749416383 * 1000).toISOString(),
};

describe('toWhatsAppInbound: every message kind', () => {
  it.each<[string, Record<string, unknown>]>([
    ['text', { kind: 'text', text: '¿Qué salario necesito para la tarjeta azul?' }],
    ['command', { kind: 'command', command: 'start', payload: 'fb-2026-spring' }],
    ['interactive-button-reply', { kind: 'choice', value: 'consent:yes' }],
    ['interactive-list-reply', { kind: 'choice', value: 'cat:visa' }],
    ['request-welcome', { kind: 'command', command: 'start' }],
    ['image', { kind: 'media', media: 'photo', caption: 'mi pasaporte' }],
    ['audio-voice', { kind: 'media', media: 'voice' }],
    ['audio-file', { kind: 'media', media: 'audio' }],
    ['video', { kind: 'media', media: 'video', caption: 'mi piso' }],
    ['document', { kind: 'media', media: 'document', caption: 'Mi título' }],
    ['sticker', { kind: 'media', media: 'sticker' }],
    ['location', { kind: 'media', media: 'location' }],
    ['contacts', { kind: 'media', media: 'contact' }],
    ['unsupported', { kind: 'media', media: 'other' }],
  ])('%s', (name, expected) => {
    const payload = stored(name);
    expect(toWhatsAppInbound(payload, bot)).toEqual({ ...base, ...expected });
    expect(whatsappAdapter.identify(payload, bot)).toEqual({ externalUserId: '16505551234', platformMessageId: payload.message.id });
  });

  it.each(['reaction', 'template-quick-reply', 'system'])('%s: acknowledged, not answered', (name) => {
    const payload = stored(name);
    expect(toWhatsAppInbound(payload, bot)).toBeNull();
    expect(whatsappAdapter.identify(payload, bot)).toBeNull();
  });

  it('the template’s quick reply and any other message from the person open the window; reactions and system notices do not', () => {
    expect(opensServiceWindow(stored('template-quick-reply').message)).toBe(true);
    expect(opensServiceWindow(stored('text').message)).toBe(true);
    expect(opensServiceWindow(stored('image').message)).toBe(true);
    expect(opensServiceWindow(stored('reaction').message)).toBe(false);
    expect(opensServiceWindow(stored('system').message)).toBe(false);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'hello'],
    ['no message', { numberedChoices: ['a'] }],
    ['a message without sender', { message: { id: 'wamid.x', timestamp: '1', type: 'text', text: { body: 'x' } } }],
    ['a group message', { message: { from: '1', id: 'wamid.g', timestamp: '1', type: 'text', text: { body: 'x' }, group_id: 'G1' } }],
  ])('%s gives null, never throws', (_name, raw) => {
    expect(toWhatsAppInbound(raw, bot)).toBeNull();
  });

  it('a button reply without an id is another interactive reply the bot did not ask for', () => {
    const message: CloudMessage = { from: '1', id: 'wamid.n', timestamp: '1', type: 'interactive', interactive: { type: 'nfm_reply' } };
    expect(toWhatsAppInbound({ message }, bot)).toMatchObject({ kind: 'media', media: 'other' });
  });
});

describe('the numbered-text fallback', () => {
  const numberMessage = (body: string): CloudMessage => ({ from: '4915112345678', id: `wamid.${body}`, timestamp: '1750000000', type: 'text', text: { body } });
  const values = ['cat:visa', 'cat:recognition', 'cat:work', 'cat:language', 'cat:living', 'cat:region', 'cat:help', 'regions', 'human', 'menu', 'lang:de'];

  it.each<[string, string]>([
    ['2', 'cat:recognition'],
    [' 2. ', 'cat:recognition'],
    ['11)', 'lang:de'],
    ['1', 'cat:visa'],
  ])('"%s" answers the list with the value it numbered', (body, value) => {
    expect(looksLikeNumberAnswer(numberMessage(body))).toBe(true);
    expect(toWhatsAppInbound({ message: numberMessage(body), numberedChoices: values }, bot)).toMatchObject({ kind: 'choice', value });
  });

  it('a number outside the list, or with no list remembered, stays text', () => {
    expect(toWhatsAppInbound({ message: numberMessage('12'), numberedChoices: values }, bot)).toMatchObject({ kind: 'text', text: '12' });
    expect(toWhatsAppInbound({ message: numberMessage('2') }, bot)).toMatchObject({ kind: 'text', text: '2' });
    expect(looksLikeNumberAnswer(numberMessage('2 kids'))).toBe(false);
  });
});

describe('parseWhatsAppCommand', () => {
  it.each<[string, ReturnType<typeof parseWhatsAppCommand>]>([
    ['/start', { command: 'start' }],
    ['/START ig-reel_7', { command: 'start', payload: 'ig-reel_7' }],
    ['/start two words', { command: 'start' }],
    ['/start <script>', { command: 'start' }],
    ['/help please', { command: 'help' }],
    ['/', null],
    ['hola', null],
  ])('%s', (text, expected) => {
    expect(parseWhatsAppCommand(text)).toEqual(expected);
  });
});
