/**
 * WhatsApp receiving: one stored message ({@link WhatsAppInboxPayload}: Meta's message object,
 * or a whatsapp-web.js message mapped into its shape) becomes an InboundMessage, once, at the
 * boundary. Shared by the Cloud API and whatsapp-web.js bots.
 *
 * | Meta `type` | InboundMessage |
 * |---|---|
 * | `text` | `text`; `/start`, `/help` … typed become commands (a wa.me link may prefill `/start <campaign>`); a bare number answers a numbered list |
 * | `interactive` `button_reply` / `list_reply` | `choice` with the button's or row's id (the engine's `Choice.value`) |
 * | `request_welcome` (the person opened the chat for the first time) | the `start` command |
 * | `image`, `video`, `audio` (`voice`), `document`, `sticker`, `location`, `contacts` | `media` (answered as on Telegram) |
 * | `unsupported`, `order`, other interactive replies … | `media` `other` |
 * | `button` (the quick reply of a template), `reaction`, `system`, group messages | `null`: nothing to answer |
 *
 * The template's quick reply only opens the customer-service window: the answers held back
 * for the person are released when it arrives (services/whatsapp), so it needs no answer of its own.
 * Ids: the person's address is the sender's wa_id; the platform message id is the wamid.
 */
import type { InboundBase, InboundMessage, MediaKind } from '../../engine/types';
import type { BotInstance } from '../../instances';
import type { ChannelAdapter, InboundIdentity } from '../channel';
import type { CloudMessage, WhatsAppInboxPayload } from './webhook';

/** Deep-link payloads, as on Telegram: 1–64 of A–Z a–z 0–9 _ -. */
export const START_PAYLOAD_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A bare number ("2", "2.", " 2) ") answering a numbered list. */
const NUMBER_ANSWER = /^\s*(\d{1,2})\s*[.)]?\s*$/;

const MEDIA_TYPES: Readonly<Record<string, MediaKind>> = {
  image: 'photo',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  contacts: 'contact',
};

/** Message types that need no answer. */
const IGNORED_TYPES = new Set(['button', 'reaction', 'system', 'ephemeral', 'revoke', 'edit']);

/**
 * Reads `/command` and `/start <payload>` (other arguments are dropped).
 * @example parseWhatsAppCommand('/start fb-2026') // { command: 'start', payload: 'fb-2026' }
 */
export function parseWhatsAppCommand(text: string): { command: string; payload?: string } | null {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  const command = m[1].toLowerCase();
  const payload = m[2]?.trim();
  if (command === 'start' && payload && START_PAYLOAD_PATTERN.test(payload)) return { command, payload };
  return { command };
}

function isPayload(raw: unknown): raw is WhatsAppInboxPayload {
  const m = (raw as { message?: unknown } | null)?.message as Partial<CloudMessage> | undefined;
  return !!m && typeof m === 'object' && typeof m.from === 'string' && m.from !== '' && typeof m.id === 'string' && m.id !== '' && typeof m.type === 'string';
}

function captionOf(message: CloudMessage): string | undefined {
  const media = message[message.type] as { caption?: unknown } | undefined;
  const caption = typeof media?.caption === 'string' ? media.caption.trim() : '';
  return caption === '' ? undefined : caption;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** The kind-specific part of an InboundMessage. */
type Content = DistributiveOmit<InboundMessage, keyof InboundBase>;

function contentOf(message: CloudMessage, numberedChoices: readonly string[] | undefined): Content | null {
  if (message.group_id !== undefined) return null;
  switch (message.type) {
    case 'text': {
      const body = typeof message.text?.body === 'string' ? message.text.body : '';
      const number = NUMBER_ANSWER.exec(body);
      if (number && numberedChoices) {
        const value = numberedChoices[Number(number[1]) - 1];
        if (value !== undefined) return { kind: 'choice', value };
      }
      const command = body.trimStart().startsWith('/') ? parseWhatsAppCommand(body) : null;
      if (command) return { kind: 'command', ...command };
      return { kind: 'text', text: body.trim() };
    }
    case 'interactive': {
      const i = message.interactive;
      if (i?.type === 'button_reply' && typeof i.button_reply?.id === 'string' && i.button_reply.id !== '') return { kind: 'choice', value: i.button_reply.id };
      if (i?.type === 'list_reply' && typeof i.list_reply?.id === 'string' && i.list_reply.id !== '') return { kind: 'choice', value: i.list_reply.id };
      return { kind: 'media', media: 'other' }; // a Flow or another interactive reply the bot never asked for
    }
    case 'request_welcome':
      return { kind: 'command', command: 'start' };
    case 'audio':
      return { kind: 'media', media: message.audio?.voice ? 'voice' : 'audio' };
    default: {
      if (IGNORED_TYPES.has(message.type)) return null;
      const media = MEDIA_TYPES[message.type] ?? 'other';
      const caption = captionOf(message);
      return { kind: 'media', media, ...(caption ? { caption } : {}) };
    }
  }
}

/**
 * Normalises one stored message. Never throws; `null` for anything the bot does not answer.
 * @example toWhatsAppInbound({ message: { from: '4915112345678', id: 'wamid.X', timestamp: '1750000000', type: 'text', text: { body: 'Hola' } } }, bot)
 * // { kind: 'text', text: 'Hola', externalUserId: '4915112345678', platformMessageId: 'wamid.X', … }
 */
export function toWhatsAppInbound(raw: unknown, bot: BotInstance): InboundMessage | null {
  if (!isPayload(raw)) return null;
  const { message } = raw;
  const content = contentOf(message, Array.isArray(raw.numberedChoices) ? raw.numberedChoices : undefined);
  if (!content) return null;
  const seconds = Number(message.timestamp);
  return {
    channel: 'whatsapp',
    botId: bot.id,
    externalUserId: message.from,
    platformMessageId: message.id,
    sentAt: (Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date()).toISOString(),
    ...content,
  } as InboundMessage;
}

/**
 * True when a message from the person opens (or renews) the 24-hour customer-service window:
 * anything they send except reactions and system notices.
 */
export function opensServiceWindow(message: CloudMessage): boolean {
  return message.type !== 'reaction' && message.type !== 'system' && message.group_id === undefined;
}

/** True when the stored message is a bare number (worth looking up the last numbered list for). */
export function looksLikeNumberAnswer(message: CloudMessage): boolean {
  return message.type === 'text' && typeof message.text?.body === 'string' && NUMBER_ANSWER.test(message.text.body);
}

export const whatsappAdapter: ChannelAdapter = {
  channel: 'whatsapp',
  identify(raw: unknown, bot: BotInstance): InboundIdentity | null {
    // The same decision as the worker's, so "acknowledged and ignored" never differs between them.
    const message = toWhatsAppInbound(raw, bot);
    return message ? { externalUserId: message.externalUserId, platformMessageId: message.platformMessageId } : null;
  },
  toInbound: toWhatsAppInbound,
};
