/**
 * Telegram rendering: one channel-neutral Reply becomes one or more `sendMessage` calls.
 *
 * - Text is plain in a Reply; here it is HTML-escaped (`&`, `<`, `>`) and sent with
 *   `parse_mode: 'HTML'`, so nothing a person or an editor typed is ever read as markup.
 * - Links follow the text as `<a href="…">label</a>`, one per line (attribute escaped too);
 *   only http(s) URLs become links, anything else is shown as text.
 * - Choices become an inline keyboard under the last message; `callback_data` is the opaque
 *   `Choice.value` (at most 64 bytes; the state stays on the server). Short labels share a row.
 * - Messages longer than Telegram's 4096 characters are split at paragraph boundaries (then at
 *   line breaks, sentence ends, spaces, and as a last resort anywhere but inside a character).
 *   The limit is checked on the escaped HTML, which is never shorter than the text Telegram
 *   counts, so a part never exceeds it.
 * Every part also carries a plain-text version, sent if Telegram ever refuses the markup.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, Link, Reply } from '../../engine/types';
import { splitText } from '../split-text';

/** Telegram's limit on one message's text. */
export const TELEGRAM_TEXT_MAX_CHARS = 4096;
/** Telegram's limit on `callback_data`. */
export const TELEGRAM_CALLBACK_DATA_MAX_BYTES = 64;
/** Buttons whose labels are at most this long are put two to a row. */
export const SHORT_LABEL_MAX_CHARS = 16;

/** One `sendMessage` call (without `chat_id`). */
export interface TelegramMessagePart {
  /** HTML for `parse_mode: 'HTML'`. */
  html: string;
  /** The same message as plain text (fallback when the markup is refused). */
  plain: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** Escapes text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (inside double quotes). */
export function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, '&quot;');
}

function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** True when Telegram accepts the value as `callback_data`. */
export function fitsCallbackData(value: string): boolean {
  return value.length > 0 && utf8Bytes(value) <= TELEGRAM_CALLBACK_DATA_MAX_BYTES;
}

/**
 * The inline keyboard for a Reply's choices; `undefined` when there is none. A value too long
 * for `callback_data` is left out (the engine never sends one; see bots/engine/choice-value.ts).
 */
export function renderInlineKeyboard(choices: readonly Choice[] | undefined): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = (choices ?? [])
    .filter((c) => fitsCallbackData(c.value))
    .map((c) => ({ text: c.label.trim() || c.value, callback_data: c.value }));
  if (buttons.length === 0) return undefined;
  const rows: InlineKeyboardButton[][] = [];
  const isShort = (b: InlineKeyboardButton) => [...b.text].length <= SHORT_LABEL_MAX_CHARS;
  for (const button of buttons) {
    const last = rows[rows.length - 1];
    if (last && last.length === 1 && isShort(last[0]) && isShort(button)) last.push(button);
    else rows.push([button]);
  }
  return { inline_keyboard: rows };
}

function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function renderLinkHtml(link: Link): string {
  if (!isWebUrl(link.url)) return `${escapeHtml(link.label)}: ${escapeHtml(link.url)}`;
  return `<a href="${escapeAttribute(link.url)}">${escapeHtml(link.label || link.url)}</a>`;
}

function renderLinkPlain(link: Link): string {
  return `${link.label}: ${link.url}`;
}

/** Long text is split by the channels' shared splitter (paragraphs first). */
export { splitText };

const htmlSize = (piece: string) => escapeHtml(piece).length;

/**
 * Renders one Reply as the `sendMessage` calls that deliver it, in order. The keyboard goes
 * under the last part; links follow the text (in the last part when they fit). `heading`
 * (e.g. "Counsellor") is shown in bold above the text.
 * @example renderTelegramReply({ text: 'Did this help?', choices: [{ value: 'fb:yes', label: 'Yes' }] })
 * // [{ html: 'Did this help?', plain: 'Did this help?', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'fb:yes' }]] } }]
 */
export function renderTelegramReply(reply: Reply, opts: { maxChars?: number; heading?: string } = {}): TelegramMessagePart[] {
  const max = opts.maxChars ?? TELEGRAM_TEXT_MAX_CHARS;
  // A heading (who speaks) in bold above the first part; every part leaves room for it.
  const heading = opts.heading ? { html: `<b>${escapeHtml(opts.heading)}:</b>\n`, plain: `${opts.heading}:\n` } : { html: '', plain: '' };
  const text = reply.text.trim();
  const pieces = text === '' ? [] : splitText(text, max - heading.html.length, htmlSize).map((p) => p.trim()).filter((p) => p !== '');
  const parts: Array<{ html: string; plain: string }> = pieces.map((p) => ({ html: escapeHtml(p), plain: p }));
  if (heading.html && parts.length > 0) parts[0] = { html: heading.html + parts[0].html, plain: heading.plain + parts[0].plain };

  const links = reply.links ?? [];
  // Links: a blank line after the text, then one per line.
  let partWithLinks = -1;
  for (const link of links) {
    let line = { html: renderLinkHtml(link), plain: renderLinkPlain(link) };
    if (line.html.length > max) {
      // Absurdly long: shown as (cut) text rather than as a broken tag.
      const cut = splitText(line.plain, max, htmlSize)[0] ?? '';
      line = { html: escapeHtml(cut), plain: cut };
    }
    const lastIndex = parts.length - 1;
    const last = parts[lastIndex];
    const sep = lastIndex === partWithLinks ? '\n' : '\n\n';
    if (last && last.html.length + sep.length + line.html.length <= max) {
      last.html += sep + line.html;
      last.plain += sep + line.plain;
    } else {
      parts.push(line);
    }
    partWithLinks = parts.length - 1;
  }
  // Telegram refuses an empty text; a Reply with only buttons still needs one.
  if (parts.length === 0) parts.push({ html: '…', plain: '…' });

  const keyboard = renderInlineKeyboard(reply.choices);
  return parts.map((p, i) => (i === parts.length - 1 && keyboard ? { ...p, reply_markup: keyboard } : p));
}
