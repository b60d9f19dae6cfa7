/**
 * Telegram receiving: a Bot API `Update` (webhook body or one `getUpdates` item) becomes an
 * InboundMessage, once, at the boundary.
 *
 * Answered: messages and button presses (callback queries) in private chats. Not answered
 * (`null`, acknowledged and ignored): edited messages, channel posts, anything from a group,
 * supergroup or channel, messages from bots, service messages (pinned message, auto-delete
 * timer …), inline queries, chat-member updates and every other update kind.
 *
 * Ids: the person's address (`externalUserId`) is the private chat's id; the platform message
 * id is the `update_id`, unique per bot (message ids are unique only within one chat), so a
 * redelivered update hits the inbox's unique key and is answered once.
 */
import { z } from 'zod';
import type { Update } from 'grammy/types';
import { isLocale, type InboundMessage, type Locale, type MediaKind } from '../../engine/types';
import type { BotInstance } from '../../instances';
import type { ChannelAdapter, InboundIdentity } from '../channel';

/** Telegram's limit on deep-link payloads (`t.me/<bot>?start=<payload>`): 1–64 of A–Z a–z 0–9 _ -. */
export const START_PAYLOAD_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Message fields that make a message a medium the bot cannot read, checked in this order. */
const MEDIA_FIELDS: ReadonlyArray<readonly [string, MediaKind]> = [
  ['photo', 'photo'],
  ['voice', 'voice'],
  ['audio', 'audio'],
  ['video_note', 'video'],
  // An animation (GIF) also carries `document`; check it first.
  ['animation', 'video'],
  ['video', 'video'],
  ['sticker', 'sticker'],
  // A venue also carries `location`.
  ['venue', 'location'],
  ['location', 'location'],
  ['contact', 'contact'],
  ['document', 'document'],
  ['live_photo', 'photo'],
  ['paid_media', 'other'],
  ['dice', 'other'],
  ['poll', 'other'],
  ['game', 'other'],
  ['story', 'other'],
  ['invoice', 'other'],
  ['checklist', 'other'],
];

const chatSchema = z.object({ id: z.number().int(), type: z.string() });
const userSchema = z.object({ id: z.number().int(), is_bot: z.boolean().optional(), language_code: z.string().optional() });
const messageSchema = z
  .object({
    message_id: z.number().int(),
    date: z.number().int(),
    chat: chatSchema,
    from: userSchema.optional(),
    text: z.string().optional(),
    caption: z.string().optional(),
  })
  .passthrough();
const updateSchema = z
  .object({
    update_id: z.number().int().nonnegative(),
    message: messageSchema.optional(),
    callback_query: z
      .object({
        id: z.string().min(1),
        from: userSchema,
        message: z.object({ chat: chatSchema }).passthrough().optional(),
        data: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

type ParsedMessage = z.infer<typeof messageSchema>;

/** A Telegram `language_code` (IETF tag, e.g. `ru`, `en-US`) as one of our locales, if it is one. */
export function localeFromLanguageCode(code: string | undefined): Locale | undefined {
  const primary = code?.toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : undefined;
}

/**
 * Reads `/command`, `/command@BotName` and `/start <payload>`. Only the deep-link payload of
 * `/start` is kept (and only when Telegram could have produced it); other arguments are dropped.
 * @example parseCommand('/start@EastSideRuBot fb-2026-11') // { command: 'start', payload: 'fb-2026-11' }
 */
export function parseCommand(text: string): { command: string; payload?: string } | null {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  const command = m[1].toLowerCase();
  const payload = m[2]?.trim();
  if (command === 'start' && payload && START_PAYLOAD_PATTERN.test(payload)) return { command, payload };
  return { command };
}

function mediaKindOf(message: ParsedMessage): MediaKind | null {
  for (const [field, kind] of MEDIA_FIELDS) if ((message as Record<string, unknown>)[field] !== undefined) return kind;
  return null;
}

function fromMessage(updateId: number, message: ParsedMessage, bot: BotInstance): InboundMessage | null {
  if (message.chat.type !== 'private' || message.from?.is_bot) return null;
  const localeHint = localeFromLanguageCode(message.from?.language_code);
  const base = {
    channel: 'telegram' as const,
    botId: bot.id,
    externalUserId: String(message.chat.id),
    platformMessageId: String(updateId),
    sentAt: new Date(message.date * 1000).toISOString(),
    ...(localeHint ? { localeHint } : {}),
  };
  if (typeof message.text === 'string') {
    const command = message.text.startsWith('/') ? parseCommand(message.text) : null;
    if (command) return { ...base, kind: 'command', ...command };
    return { ...base, kind: 'text', text: message.text.trim() };
  }
  const media = mediaKindOf(message);
  if (media === null) return null; // a service message: nothing to answer
  const caption = message.caption?.trim();
  return { ...base, kind: 'media', media, ...(caption ? { caption } : {}) };
}

/**
 * Normalises one update. Never throws; `null` for anything the bot does not answer.
 * A callback query carries no date: its `sentAt` is the time it is read.
 * @example toTelegramInbound({ update_id: 7, message: { message_id: 1, date: 0, chat: { id: 42, type: 'private' }, text: 'Hallo' } }, bot)
 * // { kind: 'text', text: 'Hallo', externalUserId: '42', platformMessageId: '7', … }
 */
export function toTelegramInbound(raw: unknown, bot: BotInstance): InboundMessage | null {
  const parsed = updateSchema.safeParse(raw);
  if (!parsed.success) return null;
  const update = parsed.data;
  if (update.message) return fromMessage(update.update_id, update.message, bot);
  const query = update.callback_query;
  if (query) {
    // No message: a button under an inline-mode message (not used); no data: a game button.
    if (!query.message || query.message.chat.type !== 'private' || query.data === undefined || query.from.is_bot) return null;
    const localeHint = localeFromLanguageCode(query.from.language_code);
    return {
      channel: 'telegram',
      botId: bot.id,
      externalUserId: String(query.message.chat.id),
      platformMessageId: String(update.update_id),
      sentAt: new Date().toISOString(),
      ...(localeHint ? { localeHint } : {}),
      kind: 'choice',
      value: query.data,
    };
  }
  return null;
}

/** The update's id when `raw` looks like an update at all (for logging and offsets). */
export function updateIdOf(raw: unknown): number | null {
  const id = (raw as Partial<Update> | null)?.update_id;
  return typeof id === 'number' && Number.isInteger(id) ? id : null;
}

export const telegramAdapter: ChannelAdapter = {
  channel: 'telegram',
  identify(raw: unknown, bot: BotInstance): InboundIdentity | null {
    // The same decision as the worker's, so "acknowledged and ignored" never differs between them.
    const message = toTelegramInbound(raw, bot);
    return message ? { externalUserId: message.externalUserId, platformMessageId: message.platformMessageId } : null;
  },
  toInbound: toTelegramInbound,
};

/** The update kinds a bot asks Telegram for (`allowed_updates`); everything else is not even sent. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;
