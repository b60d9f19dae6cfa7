/**
 * whatsapp-web.js, for pilots without a WhatsApp Business account: an unofficial client that
 * drives WhatsApp Web in Chromium, logged in by scanning a QR code with the pilot's phone.
 * Unofficial: WhatsApp may ban the number. The official Cloud API is the production path.
 *
 * This module is written against a small structural interface of the library's `Client`
 * ({@link WebClientLike}: the events `qr`, `ready`, `message`, `disconnected`; `initialize()`,
 * `sendMessage(chatId, content, options)`, `destroy()`), so the library is an optional
 * dependency: {@link loadWhatsAppWebLibrary} requires it only when a `mode: web` bot is
 * configured, and the tests use a stand-in EventEmitter with the same names.
 *
 * Receiving maps a library message into the Cloud API's message shape, so both paths share
 * ./to-inbound.ts. Sending renders the Reply as text (WhatsApp Web cannot send buttons any
 * more): choices become a numbered list.
 */
import { ChannelError } from '../channel';
import type { WhatsAppRateLimits } from './options';
import type { NumberedChoiceMemory, SentPartsLog, WhatsAppRateLimiter } from './ports';
import { renderWhatsAppReply, textsOf } from './render';
import type { WhatsAppSender } from './sender';
import { whatsappStrings } from './strings';
import type { CloudMessage } from './webhook';

/** A message as whatsapp-web.js emits it (the fields the service reads). */
export interface WebMessageLike {
  /** The chat: `<digits>@c.us` (a person), `…@g.us` (a group), `status@broadcast` … */
  from: string;
  id: { _serialized: string };
  /** The text, or a medium's caption. */
  body: string;
  /** `chat`, `image`, `ptt`, `document` … (the library's MessageTypes). */
  type: string;
  hasMedia: boolean;
  /** Unix seconds. */
  timestamp: number;
  fromMe: boolean;
  isStatus: boolean;
}

/** The part of whatsapp-web.js's `Client` the service uses. */
export interface WebClientLike {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  on(event: 'message', listener: (message: WebMessageLike) => void): unknown;
  on(event: 'disconnected', listener: (reason: unknown) => void): unknown;
  initialize(): Promise<unknown>;
  sendMessage(chatId: string, content: string, options?: { linkPreview?: boolean }): Promise<{ id?: { _serialized?: string } } | undefined>;
  destroy(): Promise<unknown>;
}

/** Message types that carry nothing to answer (notifications, protocol messages, calls …). */
const WEB_IGNORED = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'group_notification',
  'broadcast_notification',
  'call_log',
  'protocol',
  'revoked',
  'ciphertext',
  'debug',
  'reaction',
]);

/** whatsapp-web.js types → the Cloud API's. */
const WEB_MEDIA: Readonly<Record<string, string>> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  ptt: 'audio',
  document: 'document',
  sticker: 'sticker',
  location: 'location',
  vcard: 'contacts',
  multi_vcard: 'contacts',
};

/** True for a chat with one person (`…@c.us`, or a `…@lid` id). */
export function isPersonChat(chatId: string): boolean {
  return /^[^@\s]+@(c\.us|lid)$/.test(chatId);
}

/**
 * A library message in the Cloud API's shape, or null when nothing is to be answered (own
 * messages, status updates, groups, notifications). The person's address is the chat id.
 * @example webMessageToCloud({ from: '4915112345678@c.us', id: { _serialized: 'false_4915…@c.us_3EB0' }, body: 'Hola', type: 'chat', … })
 * // { from: '4915112345678@c.us', id: 'false_4915…@c.us_3EB0', timestamp: '…', type: 'text', text: { body: 'Hola' } }
 */
export function webMessageToCloud(message: WebMessageLike): CloudMessage | null {
  if (message.fromMe || message.isStatus || !isPersonChat(message.from) || !message.id?._serialized) return null;
  if (WEB_IGNORED.has(message.type)) return null;
  const base = { from: message.from, id: message.id._serialized, timestamp: String(message.timestamp || Math.floor(Date.now() / 1000)) };
  const body = typeof message.body === 'string' ? message.body : '';
  // Replies to buttons or lists (older WhatsApp Web) are read as the text they show.
  if (message.type === 'chat' || message.type === 'buttons_response' || message.type === 'list_response' || message.type === 'template_button_reply') {
    return { ...base, type: 'text', text: { body } };
  }
  const media = WEB_MEDIA[message.type];
  if (media) {
    const caption = body.trim() !== '' && ['image', 'video', 'document'].includes(media) ? { caption: body } : {};
    return { ...base, type: media, [media]: { ...caption, ...(message.type === 'ptt' ? { voice: true } : {}) } };
  }
  return { ...base, type: 'unsupported' };
}

export type WebConnectionState = 'starting' | 'qr' | 'ready' | 'disconnected';

export interface WebClientHandlers {
  /** A message to store and answer, in the Cloud API's shape. */
  onMessage(message: CloudMessage): void | Promise<void>;
  /** A new login QR code (scan with WhatsApp → Linked devices). */
  onQr(qr: string): void;
  onReady(): void;
  onDisconnected(reason: string): void;
}

/**
 * Wires a client's events to the handlers. Returns the connection's state as it changes.
 * Errors of `onMessage` are the caller's to handle (it is awaited where the library allows).
 */
export function attachWhatsAppWebClient(client: WebClientLike, handlers: WebClientHandlers): { state(): WebConnectionState } {
  let state: WebConnectionState = 'starting';
  client.on('qr', (qr) => {
    state = 'qr';
    handlers.onQr(qr);
  });
  client.on('ready', () => {
    state = 'ready';
    handlers.onReady();
  });
  client.on('disconnected', (reason) => {
    state = 'disconnected';
    handlers.onDisconnected(typeof reason === 'string' ? reason : String(reason));
  });
  client.on('message', (message) => {
    const cloud = webMessageToCloud(message);
    if (cloud) return handlers.onMessage(cloud);
  });
  return { state: () => state };
}

export interface WhatsAppWebSenderDeps {
  /** The logged-in client of a bot, or null while it is not ready. */
  clientOf(botId: string): WebClientLike | null;
  limitsOf(botId: string): WhatsAppRateLimits;
  limiter?: WhatsAppRateLimiter;
  sentParts?: SentPartsLog;
  choices?: NumberedChoiceMemory;
}

/** How long a reply waits when the pilot's client is not logged in (yet). */
export const WEB_NOT_READY_RETRY_MS = 5_000;

/** The ChannelSender of the whatsapp-web.js bots (text only; no 24-hour window applies). */
export function createWhatsAppWebSender(deps: WhatsAppWebSenderDeps): WhatsAppSender {
  return {
    channel: 'whatsapp',
    async send(target, reply, meta) {
      const botId = target.bot.id;
      const client = deps.clientOf(botId);
      if (!client) throw new ChannelError(`WhatsApp pilot ${botId} is not logged in`, 'whatsapp-web-not-ready', true, { retryAfterMs: WEB_NOT_READY_RETRY_MS });
      const heading = meta.from === 'counsellor' ? whatsappStrings(meta.locale).counsellor : undefined;
      const rendered = renderWhatsAppReply(reply, { locale: meta.locale, heading, interactive: false });
      const parts = textsOf(rendered);
      const progressKey = meta.messageId !== undefined ? `wa|${botId}|${meta.messageId}` : null;
      const log = parts.length > 1 && progressKey !== null ? deps.sentParts : undefined;
      const alreadySent = log ? await log.get(progressKey!) : 0;
      if (alreadySent >= parts.length) return {};
      if (deps.limiter) {
        const waitMs = await deps.limiter.reserve(botId, target.externalUserId, parts.length - alreadySent, deps.limitsOf(botId));
        if (waitMs > 0) throw new ChannelError(`send limit of bot ${botId} reached`, 'whatsapp-rate-limit', true, { retryAfterMs: waitMs });
      }
      let last: string | undefined;
      for (let i = alreadySent; i < parts.length; i += 1) {
        try {
          const sent = await client.sendMessage(target.externalUserId, parts[i], { linkPreview: false });
          last = sent?.id?._serialized ?? last;
        } catch (err) {
          throw new ChannelError(`WhatsApp Web: ${err instanceof Error ? err.message : String(err)}`, 'whatsapp-web-send', true);
        }
        if (log) await log.set(progressKey!, i + 1);
      }
      await deps.choices?.remember(botId, target.externalUserId, rendered.numberedChoices);
      return last ? { platformMessageId: last } : {};
    },
  };
}

/** The library's constructors (a structural view of `require('whatsapp-web.js')`). */
export interface WhatsAppWebLibrary {
  Client: new (options: Record<string, unknown>) => WebClientLike;
  LocalAuth: new (options: { clientId?: string; dataPath?: string }) => unknown;
}

/** Thrown when a `mode: web` bot is configured but the optional library is not installed. */
export class WhatsAppWebMissingError extends Error {
  readonly code = 'WHATSAPP_WEB_MISSING';
}

/**
 * Loads whatsapp-web.js (an optional dependency) only when a pilot bot needs it.
 * @throws WhatsAppWebMissingError with the command that installs it
 */
export function loadWhatsAppWebLibrary(load: (name: string) => unknown = require): WhatsAppWebLibrary {
  try {
    const lib = load('whatsapp-web.js') as Partial<WhatsAppWebLibrary>;
    if (typeof lib.Client !== 'function' || typeof lib.LocalAuth !== 'function') throw new Error('Client or LocalAuth missing');
    return lib as WhatsAppWebLibrary;
  } catch (err) {
    throw new WhatsAppWebMissingError(
      `A WhatsApp bot with "mode: web" needs the optional package whatsapp-web.js (npm install whatsapp-web.js; the browser is /usr/bin/chromium, nothing is downloaded): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * A whatsapp-web.js client for one pilot bot: the session is kept with LocalAuth in
 * `<sessionDir>/session-<botId>` (a restart needs no new QR code), the browser is the system's
 * Chromium (headless; never downloaded).
 * @example createWhatsAppWebClient(loadWhatsAppWebLibrary(), 'whatsapp-es-pilot', { sessionDir: '.wwebjs_auth', chromiumPath: '/usr/bin/chromium' })
 */
export function createWhatsAppWebClient(lib: WhatsAppWebLibrary, botId: string, opts: { sessionDir: string; chromiumPath: string }): WebClientLike {
  return new lib.Client({
    authStrategy: new lib.LocalAuth({ clientId: botId, dataPath: opts.sessionDir }),
    puppeteer: {
      headless: true,
      executablePath: opts.chromiumPath,
      args: ['--no-sandbox', '--disable-setuid-sandbox', '--disable-dev-shm-usage'],
    },
  });
}
