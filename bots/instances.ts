/**
 * Language-specific bot instances, from a configuration file (path in BOTS_CONFIG).
 * One entry per bot: id, channel, default language, and the NAMES of the environment variables
 * holding its credentials (secrets never go in the file). Adding a bot is a configuration
 * change, not code.
 *
 * ```yaml
 * bots:
 *   - id: webchat
 *     channel: webchat
 *     defaultLocale: en
 *   - id: telegram-ru
 *     channel: telegram
 *     defaultLocale: ru
 *     name: "Восток — консультант"
 *     credentials: { token: TELEGRAM_RU_TOKEN, webhookSecret: TELEGRAM_RU_SECRET }
 * ```
 */
import { z } from 'zod';
import type { ChannelId, Locale } from './engine/types';

const botSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lowercase letters, digits and dashes'),
  channel: z.enum(['webchat', 'telegram', 'whatsapp', 'botframework']),
  defaultLocale: z.enum(['ru', 'vi', 'es', 'de', 'en']),
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  /** Credential name → environment variable name. */
  credentials: z.record(z.string(), z.string().regex(/^[A-Z][A-Z0-9_]*$/)).default({}),
  /** Channel-specific, non-secret options (mode: webhook|polling, template names …). */
  options: z.record(z.string(), z.unknown()).default({}),
});

export const botsFileSchema = z.object({ bots: z.array(botSchema).min(1) });

/** A configured bot with its credentials resolved. */
export interface BotInstance {
  id: string;
  channel: ChannelId;
  defaultLocale: Locale;
  name?: string;
  secrets: Record<string, string>;
  options: Record<string, unknown>;
}

export class BotConfigError extends Error {
  readonly code = 'BOT_CONFIG_INVALID';
}

/**
 * Validates the parsed bot file and resolves credentials with `getSecret` (the environment).
 * A missing credential of an enabled bot is an error naming the bot and the variable.
 */
export function resolveBotInstances(parsed: unknown, getSecret: (name: string) => string | undefined): BotInstance[] {
  const result = botsFileSchema.safeParse(parsed);
  if (!result.success) {
    throw new BotConfigError(
      `Invalid bot configuration: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const seen = new Set<string>();
  const out: BotInstance[] = [];
  for (const bot of result.data.bots) {
    if (seen.has(bot.id)) throw new BotConfigError(`Bot id "${bot.id}" appears twice in the bot configuration`);
    seen.add(bot.id);
    if (!bot.enabled) continue;
    const secrets: Record<string, string> = {};
    for (const [key, envName] of Object.entries(bot.credentials)) {
      const value = getSecret(envName);
      if (!value) throw new BotConfigError(`Bot "${bot.id}": environment variable ${envName} (credential "${key}") is not set`);
      secrets[key] = value;
    }
    out.push({ id: bot.id, channel: bot.channel, defaultLocale: bot.defaultLocale, name: bot.name, secrets, options: bot.options });
  }
  return out;
}
