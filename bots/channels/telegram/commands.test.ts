/**
 * The command menus (setMyCommands) and the checks on a Telegram bot's configuration entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BotConfigError, type BotInstance } from '../../instances';
import { LOCALES } from '../../engine/types';
import { commandMenu, commandMenus, counsellorLabel, TELEGRAM_COMMANDS } from './commands';
import { readTelegramOptions, TELEGRAM_BOT_MESSAGES_PER_S } from './options';

const readStrings = (locale: string) => JSON.parse(fs.readFileSync(path.join(__dirname, 'locales', `${locale}.json`), 'utf8')) as { commands: Record<string, string>; counsellor: string };

const flatKeys = (tree: object, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (v && typeof v === 'object' ? flatKeys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));

describe('channel strings', () => {
  it.each(LOCALES)('%s has exactly the keys of en.json, none empty', (locale) => {
    const strings = readStrings(locale);
    expect(flatKeys(strings).sort()).toEqual(flatKeys(readStrings('en')).sort());
    expect(flatKeys(strings).filter((k) => String(k.split('.').reduce<any>((o, p) => o[p], strings)).trim() === '')).toEqual([]);
  });

  it('a counsellor label per language, English when the language is unknown', () => {
    expect(counsellorLabel('vi')).toBe('Tư vấn viên');
    expect(counsellorLabel(undefined)).toBe('Counsellor');
    expect(counsellorLabel('uz')).toBe('Counsellor');
  });
});

describe('command menus', () => {
  it.each(LOCALES)('%s describes exactly the six commands, each within Telegram’s limits', (locale) => {
    expect(Object.keys(readStrings(locale).commands).sort()).toEqual([...TELEGRAM_COMMANDS].sort());
    const menu = commandMenu(locale);
    expect(menu.map((c) => c.command)).toEqual(['start', 'help', 'language', 'human', 'privacy', 'delete']);
    for (const c of menu) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(c.description.trim().length).toBeGreaterThan(2);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
  });

  it('the menus differ by language', () => {
    expect(new Set(LOCALES.map((l) => commandMenu(l)[0].description)).size).toBe(LOCALES.length);
  });

  it('one menu per language plus one without a language, in the bot’s own language', () => {
    const menus = commandMenus('vi');
    expect(menus.map((m) => m.language_code)).toEqual(['ru', 'vi', 'es', 'de', 'en', undefined]);
    expect(menus[5].commands).toEqual(commandMenu('vi'));
  });
});

describe('readTelegramOptions', () => {
  const bot = (secrets: Record<string, string>, options: Record<string, unknown> = {}): BotInstance => ({
    id: 'telegram-ru',
    channel: 'telegram',
    defaultLocale: 'ru',
    secrets,
    options,
  });

  it('webhook mode by default, with Telegram’s send limits', () => {
    expect(readTelegramOptions(bot({ token: '123:AA-b_c', webhookSecret: 's3cret' }))).toEqual({
      token: '123:AA-b_c',
      mode: 'webhook',
      webhookSecret: 's3cret',
      limits: { chatPerSecond: 1, chatBurst: 5, botPerSecond: TELEGRAM_BOT_MESSAGES_PER_S },
    });
  });

  it('polling mode needs no secret; limits can be raised', () => {
    const options = readTelegramOptions(bot({ token: '1:a' }, { mode: 'polling', rateLimit: { botPerSecond: 1000 } }));
    expect(options).toMatchObject({ mode: 'polling', webhookSecret: null, limits: { botPerSecond: 1000, chatPerSecond: 1 } });
  });

  it.each<[string, Record<string, string>, Record<string, unknown>, RegExp]>([
    ['no token', { webhookSecret: 's' }, {}, /token/],
    ['a malformed token', { token: 'not-a-token', webhookSecret: 's' }, {}, /token/],
    ['webhook mode without a secret', { token: '1:a' }, {}, /webhookSecret/],
    ['a secret Telegram would refuse', { token: '1:a', webhookSecret: 'has space' }, {}, /secret/],
    ['an unknown mode', { token: '1:a' }, { mode: 'push' }, /mode/],
  ])('refuses %s, naming the bot', (_name, secrets, options, message) => {
    expect(() => readTelegramOptions(bot(secrets, options))).toThrow(BotConfigError);
    expect(() => readTelegramOptions(bot(secrets, options))).toThrow(message);
    expect(() => readTelegramOptions(bot(secrets, options))).toThrow(/telegram-ru/);
  });
});
