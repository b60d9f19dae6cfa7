/**
 * A WhatsApp bot's configuration entry, and the channel's strings in every language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LOCALES } from '../../engine/types';
import { BotConfigError, type BotInstance } from '../../instances';
import { readWhatsAppOptions, WHATSAPP_NUMBER_MESSAGES_PER_S, WHATSAPP_PERSON_BURST, WHATSAPP_PERSON_MESSAGES_PER_S } from './options';
import { WHATSAPP_LIST_BUTTON_MAX_CHARS } from './render';
import { whatsappStrings } from './strings';

const SECRETS = { accessToken: 'EAAG-token', appSecret: 'app-secret', verifyToken: 'verify-me' };
const bot = (options: Record<string, unknown>, secrets: Record<string, string> = SECRETS): BotInstance => ({ id: 'whatsapp-es', channel: 'whatsapp', defaultLocale: 'es', secrets, options });

describe('readWhatsAppOptions', () => {
  it('the Cloud API by default, with Meta’s throughput and pair-rate limits', () => {
    expect(readWhatsAppOptions(bot({ phoneNumberId: '106540352242922', template: { name: 'eastside_reply_waiting', language: 'es' } }))).toEqual({
      mode: 'cloud',
      phoneNumberId: '106540352242922',
      ...SECRETS,
      template: { name: 'eastside_reply_waiting', language: 'es', languages: {} },
      limits: { chatPerSecond: WHATSAPP_PERSON_MESSAGES_PER_S, chatBurst: WHATSAPP_PERSON_BURST, botPerSecond: WHATSAPP_NUMBER_MESSAGES_PER_S },
    });
  });

  it('a phone number id written as a YAML number is accepted when exact; limits can be raised', () => {
    const o = readWhatsAppOptions(bot({ phoneNumberId: 106540352242922, rateLimit: { numberPerSecond: 1000 } }));
    expect(o).toMatchObject({ mode: 'cloud', phoneNumberId: '106540352242922', template: null, limits: { botPerSecond: 1000 } });
  });

  it('a pilot (whatsapp-web.js) needs no credentials', () => {
    expect(readWhatsAppOptions(bot({ mode: 'web' }, {}))).toMatchObject({ mode: 'web', limits: { botPerSecond: WHATSAPP_NUMBER_MESSAGES_PER_S } });
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, RegExp]>([
    ['no phone number id', {}, SECRETS, /phoneNumberId/],
    ['a phone number with +', { phoneNumberId: '+4915112345678' }, SECRETS, /phone number id/],
    ['a number too long for YAML', { phoneNumberId: 2 ** 60 }, SECRETS, /quotes/],
    ['no app secret', { phoneNumberId: '1234567' }, { accessToken: 'a', verifyToken: 'v' }, /appSecret/],
    ['an unknown mode', { mode: 'business-app' }, SECRETS, /mode/],
    ['a template name with capitals', { phoneNumberId: '1234567', template: { name: 'Reply', language: 'es' } }, SECRETS, /template/],
  ])('refuses %s, naming the bot', (_name, options, secrets, message) => {
    expect(() => readWhatsAppOptions(bot(options, secrets))).toThrow(BotConfigError);
    expect(() => readWhatsAppOptions(bot(options, secrets))).toThrow(message);
    expect(() => readWhatsAppOptions(bot(options, secrets))).toThrow(/whatsapp-es/);
  });
});

describe('channel strings', () => {
  const read = (locale: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'locales', `${locale}.json`), 'utf8')) as Record<string, string>;
  it.each(LOCALES)('%s has exactly the keys of en.json, none empty, the list button within 20 characters', (locale) => {
    expect(Object.keys(read(locale)).sort()).toEqual(Object.keys(read('en')).sort());
    expect(Object.values(read(locale)).every((v) => v.trim() !== '')).toBe(true);
    expect([...whatsappStrings(locale).chooseButton].length).toBeLessThanOrEqual(WHATSAPP_LIST_BUTTON_MAX_CHARS);
  });
  it('English when the language is unknown', () => {
    expect(whatsappStrings('uz').counsellor).toBe('Counsellor');
    expect(whatsappStrings('vi').counsellor).toBe('Tư vấn viên');
  });
});
