/**
 * Web chat: the browser posts `WebchatPost` bodies; this turns them into InboundMessage.
 * The session id (random, created by the browser, kept in localStorage) is the person's address.
 */
import { z } from 'zod';
import { isLocale, type InboundMessage } from '../../engine/types';
import type { BotInstance } from '../../instances';
import type { ChannelAdapter, InboundIdentity } from '../channel';

/** Longest text accepted from the web chat (a chat message, not a document). */
export const WEBCHAT_MAX_TEXT_CHARS = 4000;

export const webchatPostSchema = z
  .object({
    sessionId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'a random id of 16–64 characters'),
    /** Client-generated id of this message; a retried POST carries the same id. */
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{6,64}$/),
    text: z.string().max(WEBCHAT_MAX_TEXT_CHARS).optional(),
    choice: z.string().max(64).optional(),
    command: z.enum(['start', 'help', 'language', 'human', 'privacy', 'delete', 'menu']).optional(),
    locale: z.string().optional(),
    sentAt: z.string().datetime().optional(),
  })
  .refine((b) => [b.text, b.choice, b.command].filter((v) => v !== undefined).length === 1, {
    message: 'exactly one of text, choice or command',
  });

export type WebchatPost = z.infer<typeof webchatPostSchema>;

export const webchatAdapter: ChannelAdapter = {
  channel: 'webchat',
  identify(raw: unknown): InboundIdentity | null {
    const parsed = webchatPostSchema.safeParse(raw);
    if (!parsed.success) return null;
    return { externalUserId: parsed.data.sessionId, platformMessageId: parsed.data.clientMessageId };
  },
  toInbound(raw: unknown, bot: BotInstance): InboundMessage | null {
    const parsed = webchatPostSchema.safeParse(raw);
    if (!parsed.success) return null;
    const b = parsed.data;
    const base = {
      channel: 'webchat' as const,
      botId: bot.id,
      externalUserId: b.sessionId,
      platformMessageId: b.clientMessageId,
      sentAt: b.sentAt ?? new Date(0).toISOString(),
      ...(isLocale(b.locale) ? { localeHint: b.locale } : {}),
    };
    if (b.choice !== undefined) return { ...base, kind: 'choice', value: b.choice };
    if (b.command !== undefined) return { ...base, kind: 'command', command: b.command };
    const text = (b.text ?? '').trim();
    return { ...base, kind: 'text', text };
  },
};
