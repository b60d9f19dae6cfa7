/**
 * WhatsApp rendering: one channel-neutral Reply becomes the messages that deliver it. Shared by
 * the Cloud API (all shapes) and whatsapp-web.js (text only).
 *
 * - Text is plain; links follow it as "label: url" lines (WhatsApp links URLs itself; previews
 *   are off). A counsellor's message starts with their label in bold (`*Asesoría:*`).
 * - Choices, Cloud API: up to 3 short ones (≤ 20 characters, distinct) become reply buttons;
 *   up to 10 become a list (row titles ≤ 24 characters, a longer label continues in the row's
 *   description); the button or row id is the opaque `Choice.value`. The text goes into the
 *   interactive message's body (≤ 1024 characters); text before it that does not fit is sent
 *   first as text messages.
 * - Otherwise (more than 10 choices, or whatsapp-web.js, which cannot send buttons) the
 *   choices become a numbered list under the text, and the person answers with the number:
 *   `numberedChoices` is what the service remembers to read the number back (./to-inbound.ts).
 * - Text messages longer than 4096 characters are split at paragraph boundaries.
 */
import type { Choice, Link, Reply } from '../../engine/types';
import { splitText } from '../split-text';
import { whatsappStrings } from './strings';

/** Cloud API limits (Meta's documentation of the messages endpoint). */
export const WHATSAPP_TEXT_MAX_CHARS = 4096;
export const WHATSAPP_INTERACTIVE_BODY_MAX_CHARS = 1024;
export const WHATSAPP_MAX_BUTTONS = 3;
export const WHATSAPP_BUTTON_TITLE_MAX_CHARS = 20;
export const WHATSAPP_BUTTON_ID_MAX_CHARS = 256;
export const WHATSAPP_MAX_LIST_ROWS = 10;
export const WHATSAPP_ROW_TITLE_MAX_CHARS = 24;
export const WHATSAPP_ROW_DESCRIPTION_MAX_CHARS = 72;
export const WHATSAPP_ROW_ID_MAX_CHARS = 200;
export const WHATSAPP_LIST_BUTTON_MAX_CHARS = 20;

export interface WhatsAppListRow {
  id: string;
  title: string;
  description?: string;
}

/** One message of the Cloud API's messages endpoint, without `messaging_product` and `to`. */
export type WhatsAppOutgoing =
  | { type: 'text'; text: { body: string; preview_url: boolean } }
  | {
      type: 'interactive';
      interactive: { type: 'button'; body: { text: string }; action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> } };
    }
  | {
      type: 'interactive';
      interactive: { type: 'list'; body: { text: string }; action: { button: string; sections: Array<{ rows: WhatsAppListRow[] }> } };
    };

export interface RenderedWhatsAppReply {
  messages: WhatsAppOutgoing[];
  /** The choices' values in the order numbered (1, 2, …), when they were sent as a numbered list. */
  numberedChoices: string[] | null;
}

export interface WhatsAppRenderOptions {
  /** The conversation's language (the channel's strings). */
  locale?: string;
  /** Shown in bold above the text (a counsellor's label). */
  heading?: string;
  /** false: text only (whatsapp-web.js). */
  interactive?: boolean;
}

const chars = (s: string) => Array.from(s);

/** Cuts `s` to `max` characters with an ellipsis, never inside a character. */
export function fitTo(s: string, max: number): string {
  const c = chars(s);
  return c.length <= max ? s : `${c.slice(0, max - 1).join('').trimEnd()}…`;
}

function renderLink(link: Link): string {
  const label = link.label.trim();
  return label === '' || label === link.url ? link.url : `${label}: ${link.url}`;
}

/** The text of a Reply as WhatsApp shows it: heading, text, then the links. */
export function composeWhatsAppText(reply: Reply, heading?: string): string {
  const blocks: string[] = [];
  const text = reply.text.trim();
  if (heading) blocks.push(text === '' ? `*${heading}:*` : `*${heading}:*\n${text}`);
  else if (text !== '') blocks.push(text);
  const links = reply.links ?? [];
  if (links.length > 0) blocks.push(links.map(renderLink).join('\n'));
  return blocks.join('\n\n');
}

/** The numbered list of choices and the hint under it. */
export function numberedChoicesText(choices: readonly Choice[], locale?: string): string {
  const lines = choices.map((c, i) => `${i + 1}. ${c.label.trim() || c.value}`);
  return `${lines.join('\n')}\n\n${whatsappStrings(locale).numberHint}`;
}

const textMessage = (body: string): WhatsAppOutgoing => ({ type: 'text', text: { body, preview_url: false } });

function textMessages(text: string): WhatsAppOutgoing[] {
  return splitText(text.trim(), WHATSAPP_TEXT_MAX_CHARS)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map(textMessage);
}

/** Splits `text` into text messages before, and a body (≤ 1024 characters) for the interactive message. */
function splitForBody(text: string): { before: WhatsAppOutgoing[]; body: string } {
  const full = text.trim();
  if (full === '') return { before: [], body: '…' };
  if (full.length <= WHATSAPP_INTERACTIVE_BODY_MAX_CHARS) return { before: [], body: full };
  const pieces = splitText(full, WHATSAPP_INTERACTIVE_BODY_MAX_CHARS);
  const body = (pieces[pieces.length - 1] ?? '').trim();
  const head = full.slice(0, full.length - body.length).trimEnd();
  return { before: textMessages(head), body: body || '…' };
}

function buttonsFit(choices: readonly Choice[]): boolean {
  if (choices.length === 0 || choices.length > WHATSAPP_MAX_BUTTONS) return false;
  const titles = choices.map((c) => c.label.trim());
  return (
    titles.every((t) => t !== '' && chars(t).length <= WHATSAPP_BUTTON_TITLE_MAX_CHARS) &&
    new Set(titles).size === titles.length &&
    choices.every((c) => c.value.length <= WHATSAPP_BUTTON_ID_MAX_CHARS)
  );
}

function listFits(choices: readonly Choice[]): boolean {
  return (
    choices.length > 0 &&
    choices.length <= WHATSAPP_MAX_LIST_ROWS &&
    choices.every((c) => c.value.length <= WHATSAPP_ROW_ID_MAX_CHARS) &&
    new Set(choices.map((c) => c.value)).size === choices.length
  );
}

/** A list row: the label as title, continued in the description when it is longer than a title may be. */
export function listRow(choice: Choice): WhatsAppListRow {
  const label = choice.label.trim() || choice.value;
  if (chars(label).length <= WHATSAPP_ROW_TITLE_MAX_CHARS) return { id: choice.value, title: label };
  return { id: choice.value, title: fitTo(label, WHATSAPP_ROW_TITLE_MAX_CHARS), description: fitTo(label, WHATSAPP_ROW_DESCRIPTION_MAX_CHARS) };
}

/**
 * Renders one Reply as the messages that deliver it, in order.
 * @example renderWhatsAppReply({ text: '¿Le fue útil?', choices: [{ value: 'fb:yes', label: 'Sí' }, { value: 'fb:no', label: 'No' }] })
 * // { messages: [{ type: 'interactive', interactive: { type: 'button', body: { text: '¿Le fue útil?' }, action: { buttons: [{ type: 'reply', reply: { id: 'fb:yes', title: 'Sí' } }, …] } } }], numberedChoices: null }
 */
export function renderWhatsAppReply(reply: Reply, opts: WhatsAppRenderOptions = {}): RenderedWhatsAppReply {
  const text = composeWhatsAppText(reply, opts.heading);
  const choices = (reply.choices ?? []).filter((c) => c.value !== '');
  const interactive = opts.interactive ?? true;
  if (choices.length === 0) {
    const messages = textMessages(text);
    return { messages: messages.length > 0 ? messages : [textMessage('…')], numberedChoices: null };
  }
  if (interactive && buttonsFit(choices)) {
    const { before, body } = splitForBody(text);
    const buttons = choices.map((c) => ({ type: 'reply' as const, reply: { id: c.value, title: c.label.trim() } }));
    return { messages: [...before, { type: 'interactive', interactive: { type: 'button', body: { text: body }, action: { buttons } } }], numberedChoices: null };
  }
  if (interactive && listFits(choices)) {
    const { before, body } = splitForBody(text);
    const button = fitTo(whatsappStrings(opts.locale).chooseButton, WHATSAPP_LIST_BUTTON_MAX_CHARS);
    return {
      messages: [...before, { type: 'interactive', interactive: { type: 'list', body: { text: body }, action: { button, sections: [{ rows: choices.map(listRow) }] } } }],
      numberedChoices: null,
    };
  }
  const numbered = numberedChoicesText(choices, opts.locale);
  return { messages: textMessages(text === '' ? numbered : `${text}\n\n${numbered}`), numberedChoices: choices.map((c) => c.value) };
}

/** The plain texts of rendered messages (whatsapp-web.js sends text only). */
export function textsOf(rendered: RenderedWhatsAppReply): string[] {
  return rendered.messages.map((m) => (m.type === 'text' ? m.text.body : m.interactive.body.text));
}
