/**
 * Start-up registration of one Telegram bot with the Bot API: its webhook (webhook mode) and
 * its command menu in every interface language. Both calls are idempotent, so every web
 * process may make them at start.
 */
import type { Api } from 'grammy';
import { commandMenus } from '../../bots/channels/telegram/commands';
import type { TelegramBotOptions } from '../../bots/channels/telegram/options';
import { TELEGRAM_ALLOWED_UPDATES } from '../../bots/channels/telegram/to-inbound';
import type { BotInstance } from '../../bots/instances';

/** Where Telegram posts a bot's updates. */
export function telegramWebhookPath(botId: string): string {
  return `/telegram/${encodeURIComponent(botId)}/webhook`;
}

export function telegramWebhookUrl(baseUrl: string, botId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${telegramWebhookPath(botId)}`;
}

/**
 * Webhook mode: `setWebhook` with the secret Telegram will send back in
 * `X-Telegram-Bot-Api-Secret-Token`, keeping updates that arrived meanwhile
 * (`drop_pending_updates: false`). Polling mode leaves the webhook to the poller, which
 * removes it when it takes over. Then `setMyCommands` once per language and once without.
 */
export async function registerTelegramBot(api: Api, bot: BotInstance, options: TelegramBotOptions, webhookBaseUrl: string): Promise<void> {
  if (options.mode === 'webhook') {
    await api.setWebhook(telegramWebhookUrl(webhookBaseUrl, bot.id), {
      secret_token: options.webhookSecret ?? undefined,
      drop_pending_updates: false,
      allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
    });
  }
  for (const menu of commandMenus(bot.defaultLocale)) {
    await api.setMyCommands(menu.commands, {
      scope: { type: 'all_private_chats' },
      ...(menu.language_code ? { language_code: menu.language_code } : {}),
    });
  }
}
