/**
 * WhatsApp sending through the official Cloud API: one Reply → messages of the messages
 * endpoint (./render.ts), in order.
 *
 * The 24-hour customer-service window decides the form. The host passes the person's last
 * message time in the send meta (`lastInboundAt`; services/whatsapp reads it from the
 * conversation): inside the window the reply goes out as it is; outside it, the bot's number
 * may only send an approved template, so the configured template ("you have an answer, reply
 * to read it") goes out instead and the reply is held (`heldForWindow`): the host keeps it and
 * sends it when the person writes again. While a template is already waiting for the person's
 * answer (`awaitingReply`), further replies are held without another template. Should Meta
 * still refuse a reply as outside the window (131047), the template is sent the same way.
 *
 * Limits: before sending, the reply's messages are reserved with the shared limiter (per
 * person, per number); when it says "not yet", nothing is sent and a retryable ChannelError
 * with `retryAfterMs` delays the job. Parts of a split reply already sent are recorded, so a
 * retry does not send them twice. Meta's refusals become ChannelErrors (./cloud-api.ts).
 */
import type { Reply } from '../../engine/types';
import { ChannelError, type ChannelSender, type DeliveryTarget } from '../channel';
import { postToMessages, REENGAGEMENT_ERROR_CODE, toWhatsAppChannelError, WhatsAppApiError, type GraphApi } from './cloud-api';
import type { WhatsAppRateLimits, WhatsAppTemplate } from './options';
import type { NumberedChoiceMemory, SentPartsLog, WhatsAppRateLimiter } from './ports';
import { renderWhatsAppReply, type WhatsAppOutgoing } from './render';
import { whatsappStrings } from './strings';
import { serviceWindow } from './window';

/** What every sender receives (services/delivery/outbound.ts). */
export type SendMeta = Parameters<ChannelSender['send']>[2];

/** The send meta with what the host knows of the customer-service window. */
export type WhatsAppSendMeta = SendMeta & {
  /**
   * The person's last message (ISO 8601 or Date). `undefined`: unknown (sent as it is);
   * `null`: no open window (template).
   */
  lastInboundAt?: string | Date | null;
  /** A template already waits for the person's answer: hold further replies silently. */
  awaitingReply?: boolean;
};

export interface WhatsAppSendResult {
  /** The wamid of the last message sent (the template's when the reply was held). */
  platformMessageId?: string;
  /** The reply was not sent but held until the person writes again. */
  heldForWindow?: boolean;
}

/** A ChannelSender that also says whether a reply was held (assignable to ChannelSender). */
export interface WhatsAppSender<M extends SendMeta = SendMeta> {
  readonly channel: 'whatsapp';
  send(target: DeliveryTarget, reply: Reply, meta: M): Promise<WhatsAppSendResult>;
}

/** One business number of the deployment. */
export interface WhatsAppCloudNumber {
  phoneNumberId: string;
  accessToken: string;
  template: WhatsAppTemplate | null;
  limits: WhatsAppRateLimits;
}

export interface WhatsAppCloudSenderDeps {
  /** By bot id. */
  numbers: ReadonlyMap<string, WhatsAppCloudNumber>;
  api: GraphApi;
  limiter?: WhatsAppRateLimiter;
  sentParts?: SentPartsLog;
  choices?: NumberedChoiceMemory;
  now?: () => Date;
}

/** The template message for a person, in the conversation's language when a translation is configured. */
export function templateMessage(template: WhatsAppTemplate, locale: string | undefined): Record<string, unknown> {
  const language = (locale && template.languages[locale]) || template.language;
  return { type: 'template', template: { name: template.name, language: { code: language } } };
}

function isReengagementRefusal(err: unknown): boolean {
  return err instanceof WhatsAppApiError && err.code === REENGAGEMENT_ERROR_CODE;
}

/** The ChannelSender of every Cloud API number of the deployment. */
export function createWhatsAppCloudSender(deps: WhatsAppCloudSenderDeps): WhatsAppSender<WhatsAppSendMeta> {
  const post = (number: WhatsAppCloudNumber, to: string, body: Record<string, unknown>) =>
    postToMessages(deps.api, number.phoneNumberId, number.accessToken, { recipient_type: 'individual', to, ...body });

  async function reserve(botId: string, person: string, count: number, number: WhatsAppCloudNumber): Promise<void> {
    if (!deps.limiter) return;
    const waitMs = await deps.limiter.reserve(botId, person, count, number.limits);
    if (waitMs > 0) throw new ChannelError(`send limit of bot ${botId} reached`, 'whatsapp-rate-limit', true, { retryAfterMs: waitMs });
  }

  async function holdWithTemplate(botId: string, number: WhatsAppCloudNumber, person: string, meta: WhatsAppSendMeta): Promise<WhatsAppSendResult> {
    if (meta.awaitingReply) return { heldForWindow: true };
    if (!number.template) {
      throw new ChannelError(`bot ${botId}: the 24-hour window is closed and no template is configured (options.template)`, 'whatsapp-window-closed', false);
    }
    await reserve(botId, person, 1, number);
    try {
      const { messageId } = await post(number, person, templateMessage(number.template, meta.locale));
      return { ...(messageId ? { platformMessageId: messageId } : {}), heldForWindow: true };
    } catch (err) {
      throw toWhatsAppChannelError(err);
    }
  }

  return {
    channel: 'whatsapp',
    async send(target, reply, meta: WhatsAppSendMeta): Promise<WhatsAppSendResult> {
      const botId = target.bot.id;
      const person = target.externalUserId;
      const number = deps.numbers.get(botId);
      if (!number) throw new ChannelError(`No WhatsApp Cloud API number for bot "${botId}"`, 'whatsapp-no-number', false);
      const now = deps.now?.() ?? new Date();
      if (meta.lastInboundAt !== undefined && !serviceWindow(meta.lastInboundAt, now).open) return holdWithTemplate(botId, number, person, meta);

      const heading = meta.from === 'counsellor' ? whatsappStrings(meta.locale).counsellor : undefined;
      const rendered = renderWhatsAppReply(reply, { locale: meta.locale, heading });
      const parts: WhatsAppOutgoing[] = rendered.messages;
      const progressKey = meta.messageId !== undefined ? `wa|${botId}|${meta.messageId}` : null;
      const log = parts.length > 1 && progressKey !== null ? deps.sentParts : undefined;
      const alreadySent = log ? await log.get(progressKey!) : 0;
      if (alreadySent >= parts.length) return {};
      await reserve(botId, person, parts.length - alreadySent, number);
      let last: string | undefined;
      for (let i = alreadySent; i < parts.length; i += 1) {
        try {
          last = (await post(number, person, parts[i] as unknown as Record<string, unknown>)).messageId ?? last;
        } catch (err) {
          // Outside the window after all (the last message was earlier than the host knew).
          if (i === alreadySent && isReengagementRefusal(err)) return holdWithTemplate(botId, number, person, meta);
          throw toWhatsAppChannelError(err);
        }
        if (log) await log.set(progressKey!, i + 1);
      }
      await deps.choices?.remember(botId, person, rendered.numberedChoices);
      return last ? { platformMessageId: last } : {};
    },
  };
}

/**
 * Marks a received message as read (two blue ticks) and, when the bot is about to answer, shows
 * "typing…" (up to 25 s or until the answer). Best effort: the caller ignores failures.
 */
export async function acknowledgeWhatsAppMessage(api: GraphApi, number: Pick<WhatsAppCloudNumber, 'phoneNumberId' | 'accessToken'>, wamid: string, typing: boolean): Promise<void> {
  await postToMessages(api, number.phoneNumberId, number.accessToken, {
    status: 'read',
    message_id: wamid,
    ...(typing ? { typing_indicator: { type: 'text' } } : {}),
  });
}
