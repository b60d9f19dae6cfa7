/**
 * This channel's own strings, in ./locales/<locale>.json (like the web chat's), not in the
 * engine's locale files: the engine never shows them, and its locale test forbids strings it
 * does not use.
 * - The bot's command menu (`setMyCommands`): the six commands every language bot understands,
 *   described in each interface language.
 * - The label put above a counsellor's message (all messages come from the bot's account).
 */
import type { BotCommand } from 'grammy/types';
import { isLocale, LOCALES, type Locale } from '../../engine/types';
import de from './locales/de.json';
import en from './locales/en.json';
import es from './locales/es.json';
import ru from './locales/ru.json';
import vi from './locales/vi.json';

/** Commands in the order Telegram shows them. The engine reads them (bots/engine/read-message.ts). */
export const TELEGRAM_COMMANDS = ['start', 'help', 'language', 'human', 'privacy', 'delete'] as const;
export type TelegramCommand = (typeof TELEGRAM_COMMANDS)[number];

/** Telegram's limits on one command of the menu. */
export const COMMAND_DESCRIPTION_MAX_CHARS = 256;

interface TelegramStrings {
  commands: Record<TelegramCommand, string>;
  counsellor: string;
}

/** This channel's strings, by locale. */
export const TELEGRAM_STRINGS: Readonly<Record<Locale, TelegramStrings>> = { ru, vi, es, de, en };

/**
 * The command menu in one language.
 * @example commandMenu('de')[0] // { command: 'start', description: 'Gespräch beginnen' }
 */
export function commandMenu(locale: Locale): BotCommand[] {
  const strings = TELEGRAM_STRINGS[locale] ?? TELEGRAM_STRINGS.en;
  return TELEGRAM_COMMANDS.map((command) => ({
    command,
    description: (strings.commands[command] || TELEGRAM_STRINGS.en.commands[command]).slice(0, COMMAND_DESCRIPTION_MAX_CHARS),
  }));
}

/**
 * Every `setMyCommands` call a bot makes at start: one per interface language (shown to people
 * whose Telegram is in that language) and one without a language (everyone else), in the bot's
 * own language. Only private chats get the menu; the bot does not answer in groups.
 */
export function commandMenus(defaultLocale: Locale): Array<{ commands: BotCommand[]; language_code?: Locale }> {
  return [...LOCALES.map((locale) => ({ commands: commandMenu(locale), language_code: locale })), { commands: commandMenu(defaultLocale) }];
}

/**
 * The label above a counsellor's message, in the conversation's language (English if unknown).
 * @example counsellorLabel('ru') // 'Консультант'
 */
export function counsellorLabel(locale: string | undefined): string {
  return TELEGRAM_STRINGS[isLocale(locale) ? locale : 'en'].counsellor;
}
