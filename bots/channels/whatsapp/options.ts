/**
 * What a WhatsApp bot instance needs from its configuration entry (config/bots.yaml). One
 * WhatsApp number per language bot.
 *
 * The official Cloud API (production):
 * ```yaml
 * - id: whatsapp-es
 *   channel: whatsapp
 *   defaultLocale: es
 *   credentials: { accessToken: WHATSAPP_ES_ACCESS_TOKEN, appSecret: WHATSAPP_APP_SECRET, verifyToken: WHATSAPP_VERIFY_TOKEN }
 *   options:
 *     phoneNumberId: "106540352242922"         # the business number's id (Meta's dashboard), quoted
 *     template: { name: eastside_reply_waiting, language: es }
 * ```
 * `template` is the approved message template sent when the 24-hour customer-service window is
 * closed ("You have an answer, reply to read it"); optional `template.languages` maps the
 * conversation's language to another translation of it (`{ de: de, en: en_US }`).
 *
 * whatsapp-web.js (pilots without a Business account; unofficial, the number can be banned):
 * ```yaml
 * - id: whatsapp-es-pilot
 *   channel: whatsapp
 *   defaultLocale: es
 *   options: { mode: web }
 * ```
 * Optional `options.rateLimit` (`{ personPerSecond, personBurst, numberPerSecond }`) changes
 * the send limits, e.g. after Meta raised the number's throughput to 1000 messages per second.
 */
import { z } from 'zod';
import { BotConfigError, type BotInstance } from '../../instances';

/** Cloud API: 80 messages per second per business number by default (error 130429 above it). */
export const WHATSAPP_NUMBER_MESSAGES_PER_S = 80;
/** Cloud API "pair rate limit": about one message every 6 seconds to one person, bursts tolerated (error 131056). */
export const WHATSAPP_PERSON_MESSAGES_PER_S = 1 / 6;
export const WHATSAPP_PERSON_BURST = 20;

/** Send limits of one number, in the shape of the shared Redis limiter (services/delivery/rate-limiter.ts). */
export interface WhatsAppRateLimits {
  /** Messages per second to one person. */
  chatPerSecond: number;
  chatBurst: number;
  /** Messages per second from the number to everyone. */
  botPerSecond: number;
}

/** The template sent outside the customer-service window. */
export interface WhatsAppTemplate {
  name: string;
  /** Meta's language code of the translation (es, de, en_US …). */
  language: string;
  /** Another translation per conversation language. */
  languages: Partial<Record<string, string>>;
}

export type WhatsAppBotOptions =
  | {
      mode: 'cloud';
      phoneNumberId: string;
      accessToken: string;
      /** The Meta app's secret: `X-Hub-Signature-256` of every webhook is checked with it. */
      appSecret: string;
      /** Chosen by the operator, entered in Meta's dashboard; answers the verification handshake. */
      verifyToken: string;
      template: WhatsAppTemplate | null;
      limits: WhatsAppRateLimits;
    }
  | {
      mode: 'web';
      limits: WhatsAppRateLimits;
    };

const phoneNumberId = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    ctx.addIssue({ code: 'custom', message: 'write the phone number id in quotes (it is too long for a YAML number)' });
    return z.NEVER;
  }
  const s = String(v).trim();
  if (!/^\d{5,20}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'the phone number id is the digits Meta shows for the number (not the number itself with +)' });
    return z.NEVER;
  }
  return s;
});

const rateLimitSchema = z
  .object({
    personPerSecond: z.number().positive().default(WHATSAPP_PERSON_MESSAGES_PER_S),
    personBurst: z.number().int().min(1).default(WHATSAPP_PERSON_BURST),
    numberPerSecond: z.number().positive().default(WHATSAPP_NUMBER_MESSAGES_PER_S),
  })
  .default({ personPerSecond: WHATSAPP_PERSON_MESSAGES_PER_S, personBurst: WHATSAPP_PERSON_BURST, numberPerSecond: WHATSAPP_NUMBER_MESSAGES_PER_S });

const templateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'template names are lower-case letters, digits and _'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'a language code such as es, de or en_US'),
  languages: z.record(z.string(), z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/)).default({}),
});

const optionsSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('cloud'), phoneNumberId, template: templateSchema.optional(), rateLimit: rateLimitSchema }),
  z.object({ mode: z.literal('web'), rateLimit: rateLimitSchema }),
]);

/**
 * Reads and checks a WhatsApp bot's options and credentials; throws BotConfigError naming the
 * bot and what is wrong, so start-up stops with a message a person can act on.
 */
export function readWhatsAppOptions(bot: BotInstance): WhatsAppBotOptions {
  const parsed = optionsSchema.safeParse({ mode: 'cloud', ...bot.options });
  if (!parsed.success) {
    throw new BotConfigError(`Bot "${bot.id}": invalid options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  const r = parsed.data.rateLimit;
  const limits: WhatsAppRateLimits = { chatPerSecond: r.personPerSecond, chatBurst: r.personBurst, botPerSecond: r.numberPerSecond };
  if (parsed.data.mode === 'web') return { mode: 'web', limits };
  const missing = (['accessToken', 'appSecret', 'verifyToken'] as const).filter((k) => !bot.secrets[k]);
  if (missing.length > 0) {
    throw new BotConfigError(
      `Bot "${bot.id}": the Cloud API needs credentials.${missing.join(', credentials.')} (names of environment variables: the access token, the Meta app's secret and a verify token you choose)`,
    );
  }
  const t = parsed.data.template;
  return {
    mode: 'cloud',
    phoneNumberId: parsed.data.phoneNumberId,
    accessToken: bot.secrets.accessToken,
    appSecret: bot.secrets.appSecret,
    verifyToken: bot.secrets.verifyToken,
    template: t ? { name: t.name, language: t.language, languages: t.languages } : null,
    limits,
  };
}
