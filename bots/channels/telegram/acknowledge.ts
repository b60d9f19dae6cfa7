/**
 * What a Telegram bot does the moment an update is stored and queued, before the turn runs:
 * - a button press is answered (`answerCallbackQuery`) so the button's spinner stops at once,
 *   and the pressed message is edited to show the choice ("✓ Yes") without its keyboard, so
 *   old buttons are not pressed again;
 * - "typing…" is shown (`sendChatAction`) while the answer is prepared.
 * All of it is best effort: it never fails or delays the update's processing, and its errors
 * are returned for logging only. Called by the webhook route and by the polling loop.
 */
import type { Api } from 'grammy';
import type { InlineKeyboardButton, MessageEntity } from 'grammy/types';
import { chatIdOf } from './sender';

/** The mark put before the label of the chosen button. */
export const CHOSEN_MARK = '✓';

interface CallbackLike {
  id?: unknown;
  data?: unknown;
  message?: {
    message_id?: unknown;
    chat?: { id?: unknown; type?: unknown };
    text?: unknown;
    entities?: unknown;
    reply_markup?: { inline_keyboard?: unknown };
  };
}

function chosenLabel(query: CallbackLike): string | null {
  const rows = query.message?.reply_markup?.inline_keyboard;
  if (!Array.isArray(rows)) return null;
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row)) continue;
    for (const button of row as InlineKeyboardButton[]) {
      if ('callback_data' in button && button.callback_data === query.data) return button.text;
    }
  }
  return null;
}

/**
 * The Bot API calls acknowledging one update (none for updates the bot ignores).
 * @returns the settled calls, for logging
 */
export async function acknowledgeUpdate(api: Api, update: unknown): Promise<PromiseSettledResult<unknown>[]> {
  const u = (update ?? {}) as { message?: { chat?: { id?: unknown; type?: unknown } }; callback_query?: CallbackLike };
  const calls: Promise<unknown>[] = [];
  let chat: { id?: unknown; type?: unknown } | undefined;
  if (u.callback_query) {
    const query = u.callback_query;
    if (typeof query.id === 'string') calls.push(api.answerCallbackQuery(query.id));
    chat = query.message?.chat;
    const message = query.message;
    const label = chosenLabel(query);
    if (message && label !== null && typeof message.text === 'string' && typeof message.message_id === 'number' && typeof chat?.id === 'number') {
      // Re-sent with the message's own entities (offsets are unchanged: text is only appended).
      calls.push(
        api.editMessageText(chat.id, message.message_id, `${message.text}\n\n${CHOSEN_MARK} ${label}`, {
          entities: Array.isArray(message.entities) ? (message.entities as MessageEntity[]) : [],
          link_preview_options: { is_disabled: true },
        }),
      );
    }
  } else if (u.message) {
    chat = u.message.chat;
  }
  if (chat && chat.type === 'private' && (typeof chat.id === 'number' || typeof chat.id === 'string')) {
    calls.push(api.sendChatAction(chatIdOf(String(chat.id)), 'typing'));
  }
  return Promise.allSettled(calls);
}
