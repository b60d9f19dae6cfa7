/**
 * This channel's own strings, in ./locales/<locale>.json (as Telegram's and the web chat's):
 * the label above a counsellor's message, the button that opens a list of choices, and the
 * hint under a numbered list. The engine never shows them.
 */
import { isLocale, type Locale } from '../../engine/types';
import de from './locales/de.json';
import en from './locales/en.json';
import es from './locales/es.json';
import ru from './locales/ru.json';
import vi from './locales/vi.json';

export interface WhatsAppStrings {
  /** Shown in bold above a counsellor's message (every message comes from the bot's number). */
  counsellor: string;
  /** The button that opens an interactive list (WhatsApp: at most 20 characters). */
  chooseButton: string;
  /** Under a numbered list of choices (whatsapp-web.js, or more choices than a list holds). */
  numberHint: string;
}

export const WHATSAPP_STRINGS: Readonly<Record<Locale, WhatsAppStrings>> = { ru, vi, es, de, en };

/**
 * The strings in the conversation's language, English when it is unknown.
 * @example whatsappStrings('es').counsellor // 'Asesoría'
 */
export function whatsappStrings(locale: string | undefined): WhatsAppStrings {
  return WHATSAPP_STRINGS[isLocale(locale) ? locale : 'en'];
}
