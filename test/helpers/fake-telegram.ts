/**
 * A local fake of the Telegram Bot API that speaks its real HTTP protocol
 * (`POST <root>/bot<token>/<method>`, JSON in, `{ ok, result }` or
 * `{ ok: false, error_code, description, parameters }` out), for end-to-end tests and the
 * benchmark. It keeps the chats of any number of bots (by token) and answers getMe,
 * getUpdates (long polling), setWebhook, deleteWebhook, setMyCommands, sendMessage,
 * editMessageText, answerCallbackQuery and sendChatAction.
 *
 * Like Telegram it refuses what Telegram refuses: HTML that does not parse, text over 4096
 * characters, callback_data over 64 bytes, getUpdates while a webhook is set. It can be told to
 * answer the next N sendMessage calls with 429 + retry_after, or a chat with 403 (blocked bot).
 * It delivers webhooks to the registered URL with the registered secret, as Telegram does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Tags Telegram's HTML parse mode accepts. */
const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote']);
const TEXT_MAX = 4096;

export interface FakeEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

export interface FakeButton {
  text: string;
  callback_data?: string;
  url?: string;
}

/** A message the bot sent, as Telegram keeps it (text after parsing, entities). */
export interface FakeMessage {
  message_id: number;
  chatId: number;
  date: number;
  text: string;
  entities: FakeEntity[];
  /** The text as the bot sent it (HTML when parse_mode was HTML). */
  raw: string;
  parseMode?: string;
  keyboard: FakeButton[][] | null;
  edited: boolean;
  sentAt: number;
}

export interface FakeCall {
  token: string;
  method: string;
  payload: Record<string, any>;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
}

export class HtmlParseError extends Error {}

/** Parses Telegram-style HTML into text and entities (offsets in UTF-16 code units); throws on bad markup. */
export function parseTelegramHtml(html: string): { text: string; entities: FakeEntity[] } {
  let text = '';
  const entities: FakeEntity[] = [];
  const stack: Array<{ tag: string; offset: number; url?: string }> = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*>/.exec(html.slice(i));
      if (!m || !ALLOWED_TAGS.has(m[2])) throw new HtmlParseError(`Bad Request: can't parse entities: Unsupported start tag at byte offset ${i}`);
      if (m[1] === '/') {
        const open = stack.pop();
        if (!open || open.tag !== m[2]) throw new HtmlParseError(`Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}`);
        const type = open.tag === 'a' ? 'text_link' : open.tag === 'b' || open.tag === 'strong' ? 'bold' : open.tag === 'i' || open.tag === 'em' ? 'italic' : open.tag;
        entities.push({ type, offset: open.offset, length: text.length - open.offset, ...(open.url ? { url: open.url } : {}) });
      } else {
        const href = /href="([^"]*)"/.exec(m[3] ?? '');
        stack.push({ tag: m[2], offset: text.length, url: href ? decodeEntities(href[1]) : undefined });
      }
      i += m[0].length;
    } else if (ch === '&') {
      const m = /^&(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);/.exec(html.slice(i));
      if (!m) throw new HtmlParseError(`Bad Request: can't parse entities: Unescaped '&' at byte offset ${i}`);
      text += decodeEntities(m[0]);
      i += m[0].length;
    } else if (ch === '>') {
      throw new HtmlParseError(`Bad Request: can't parse entities: Unescaped '>' at byte offset ${i}`);
    } else {
      text += ch;
      i += 1;
    }
  }
  if (stack.length > 0) throw new HtmlParseError(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack[0].tag}"`);
  entities.sort((a, b) => a.offset - b.offset);
  return { text, entities };
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'quot') return '"';
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

class ApiFailure extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

interface BotState {
  token: string;
  webhook: { url: string; secret?: string; allowedUpdates?: string[] } | null;
  commands: Map<string, Array<{ command: string; description: string }>>;
  updates: Array<Record<string, any>>;
  nextUpdateId: number;
  pollWaiters: Set<() => void>;
}

export interface FakeTelegram {
  /** The apiRoot to configure (TELEGRAM_API_ROOT). */
  url: string;
  calls: FakeCall[];
  /** Calls of one method (of one bot, given its token). */
  callsOf(method: string, token?: string): FakeCall[];
  /** Messages the bot sent to a chat, in order (edited ones as they are now). */
  messages(token: string, chatId: number): FakeMessage[];
  webhookOf(token: string): BotState['webhook'];
  commandsOf(token: string): Map<string, Array<{ command: string; description: string }>>;
  /** The next `count` sendMessage calls (of any bot) are answered 429 with this retry_after. */
  failNextSendMessages(count: number, retryAfterS: number): void;
  /** sendMessage to this chat is answered 403 "bot was blocked by the user". */
  blockChat(chatId: number): void;
  /** A text (or command) message from a person in a private chat, as an update. */
  textUpdate(token: string, chatId: number, text: string, extra?: { languageCode?: string; updateId?: number }): Record<string, any>;
  /** Any message (photo, sticker …) from a person; `fields` are merged into the message. */
  messageUpdate(token: string, chatId: number, fields: Record<string, unknown>, opts?: { chatType?: string; kind?: 'message' | 'edited_message' | 'channel_post' }): Record<string, any>;
  /** A press of a button (by its callback_data) under a message the bot sent. */
  pressButton(token: string, chatId: number, data: string, message?: FakeMessage): Record<string, any>;
  /** Delivers an update as Telegram does: to the registered webhook with its secret. Returns the HTTP status. */
  deliver(token: string, update: Record<string, any>): Promise<number>;
  /** Queues an update for getUpdates (long polling). */
  queueUpdate(token: string, update: Record<string, any>): void;
  /** Resolves once `count` messages were sent to the chat (or throws after the timeout). */
  waitForMessages(token: string, chatId: number, count: number, timeoutMs?: number): Promise<FakeMessage[]>;
  /** Resolves once a message matching `predicate` was sent to the chat. */
  waitForMessage(token: string, chatId: number, predicate: (m: FakeMessage) => boolean, timeoutMs?: number): Promise<FakeMessage>;
  /** Called on every sent message (benchmarks). */
  onMessage?: (token: string, message: FakeMessage) => void;
  close(): Promise<void>;
}

/** POSTs an update to a webhook URL with a secret header, as Telegram does. Returns the status. */
export async function deliverUpdate(url: string, secret: string | undefined, update: unknown): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

async function readBody(req: http.IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, any>;
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  throw new ApiFailure(400, 'Bad Request: unsupported content type (the fake speaks JSON)');
}

export async function startFakeTelegram(): Promise<FakeTelegram> {
  const bots = new Map<string, BotState>();
  const chats = new Map<string, FakeMessage[]>();
  const calls: FakeCall[] = [];
  const blocked = new Set<number>();
  let failSendMessages = 0;
  let failRetryAfterS = 1;
  let nextMessageId = 1;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());

  const botOf = (token: string): BotState => {
    let b = bots.get(token);
    if (!b) {
      b = { token, webhook: null, commands: new Map(), updates: [], nextUpdateId: 1000, pollWaiters: new Set() };
      bots.set(token, b);
    }
    return b;
  };
  const chatKey = (token: string, chatId: number) => `${token}|${chatId}`;
  const chatOf = (token: string, chatId: number) => {
    const key = chatKey(token, chatId);
    let c = chats.get(key);
    if (!c) chats.set(key, (c = []));
    return c;
  };
  const asMessage = (m: FakeMessage) => ({
    message_id: m.message_id,
    date: m.date,
    chat: { id: m.chatId, type: 'private', first_name: 'Test' },
    from: { id: 1, is_bot: true, first_name: 'Bot' },
    text: m.text,
    ...(m.entities.length ? { entities: m.entities } : {}),
    ...(m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
  });

  function checkKeyboard(markup: any): FakeButton[][] | null {
    if (!markup) return null;
    const rows = (typeof markup === 'string' ? JSON.parse(markup) : markup).inline_keyboard as FakeButton[][] | undefined;
    if (!Array.isArray(rows)) throw new ApiFailure(400, 'Bad Request: field "inline_keyboard" must be an Array');
    for (const row of rows) {
      for (const b of row) {
        if (!b.text) throw new ApiFailure(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        if (b.callback_data !== undefined && (Buffer.byteLength(b.callback_data) > 64 || b.callback_data.length === 0)) {
          throw new ApiFailure(400, 'Bad Request: BUTTON_DATA_INVALID');
        }
      }
    }
    return rows;
  }

  function renderText(payload: Record<string, any>): { text: string; entities: FakeEntity[] } {
    const raw = String(payload.text ?? '');
    if (payload.parse_mode === 'HTML') {
      try {
        return parseTelegramHtml(raw);
      } catch (err) {
        throw new ApiFailure(400, (err as Error).message);
      }
    }
    return { text: raw, entities: Array.isArray(payload.entities) ? payload.entities : [] };
  }

  function call(token: string, method: string, payload: Record<string, any>): unknown | Promise<unknown> {
    const bot = botOf(token);
    switch (method) {
      case 'getMe':
        return { id: Number(token.split(':')[0]) || 1, is_bot: true, first_name: 'Fake bot', username: `fake_${token.split(':')[0]}_bot` };
      case 'setWebhook':
        if (!payload.url) throw new ApiFailure(400, 'Bad Request: bad webhook: an HTTPS URL must be provided for webhook');
        bot.webhook = { url: payload.url, secret: payload.secret_token, allowedUpdates: payload.allowed_updates };
        return true;
      case 'deleteWebhook':
        bot.webhook = null;
        return true;
      case 'setMyCommands': {
        const commands = typeof payload.commands === 'string' ? JSON.parse(payload.commands) : payload.commands;
        if (!Array.isArray(commands)) throw new ApiFailure(400, 'Bad Request: commands must be an array');
        for (const c of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiFailure(400, 'Bad Request: BOT_COMMAND_INVALID');
          if (!c.description || c.description.length > 256) throw new ApiFailure(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
        }
        bot.commands.set(payload.language_code ?? '', commands);
        return true;
      }
      case 'sendChatAction':
        if (payload.chat_id === undefined || !payload.action) throw new ApiFailure(400, 'Bad Request: chat_id and action are required');
        if (blocked.has(Number(payload.chat_id))) throw new ApiFailure(403, 'Forbidden: bot was blocked by the user');
        return true;
      case 'answerCallbackQuery':
        if (!payload.callback_query_id) throw new ApiFailure(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        return true;
      case 'sendMessage': {
        if (failSendMessages > 0) {
          failSendMessages -= 1;
          throw new ApiFailure(429, `Too Many Requests: retry after ${failRetryAfterS}`, { retry_after: failRetryAfterS });
        }
        const chatId = Number(payload.chat_id);
        if (!Number.isFinite(chatId)) throw new ApiFailure(400, 'Bad Request: chat not found');
        if (blocked.has(chatId)) throw new ApiFailure(403, 'Forbidden: bot was blocked by the user');
        const { text, entities } = renderText(payload);
        if (text.trim() === '') throw new ApiFailure(400, 'Bad Request: message text is empty');
        if (text.length > TEXT_MAX) throw new ApiFailure(400, 'Bad Request: message is too long');
        const message: FakeMessage = {
          message_id: nextMessageId++,
          chatId,
          date: Math.floor(Date.now() / 1000),
          text,
          entities,
          raw: String(payload.text),
          parseMode: payload.parse_mode,
          keyboard: checkKeyboard(payload.reply_markup),
          edited: false,
          sentAt: Date.now(),
        };
        chatOf(token, chatId).push(message);
        fake.onMessage?.(token, message);
        notify();
        return asMessage(message);
      }
      case 'editMessageText': {
        const chatId = Number(payload.chat_id);
        const message = chatOf(token, chatId).find((m) => m.message_id === Number(payload.message_id));
        if (!message) throw new ApiFailure(400, 'Bad Request: message to edit not found');
        const { text, entities } = renderText(payload);
        if (text === message.text && JSON.stringify(payload.reply_markup ?? null) === JSON.stringify(message.keyboard ? { inline_keyboard: message.keyboard } : null)) {
          throw new ApiFailure(400, 'Bad Request: message is not modified');
        }
        Object.assign(message, { text, entities, raw: String(payload.text), keyboard: checkKeyboard(payload.reply_markup), edited: true });
        notify();
        return asMessage(message);
      }
      case 'getUpdates': {
        if (bot.webhook) throw new ApiFailure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
        const offset = Number(payload.offset ?? 0);
        if (offset > 0) bot.updates = bot.updates.filter((u) => u.update_id >= offset);
        const ready = () => bot.updates.slice(0, Number(payload.limit ?? 100));
        const timeoutMs = Math.min(Number(payload.timeout ?? 0), 50) * 1000;
        if (ready().length > 0 || timeoutMs === 0) return ready();
        return new Promise((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            bot.pollWaiters.delete(wake);
            resolve(ready());
          };
          const timer = setTimeout(wake, timeoutMs);
          bot.pollWaiters.add(wake);
        });
      }
      default:
        throw new ApiFailure(404, 'Not Found: method not found');
    }
  }

  const server = http.createServer((req, res) => {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0]);
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!m || req.method !== 'POST') return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = m;
    void (async () => {
      let payload: Record<string, any> = {};
      let status = 200;
      try {
        payload = await readBody(req);
        const result = await call(token, method, payload);
        reply(200, { ok: true, result });
      } catch (err) {
        const f = err instanceof ApiFailure ? err : new ApiFailure(500, `Internal Server Error: ${(err as Error).message}`);
        status = f.errorCode;
        reply(f.errorCode, { ok: false, error_code: f.errorCode, description: f.description, ...(f.parameters ? { parameters: f.parameters } : {}) });
      } finally {
        calls.push({ token, method, payload, at: Date.now(), status });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const waitUntil = <T>(check: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const attempt = () => {
        const v = check();
        if (v) {
          done();
          resolve(v);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake Telegram: timed out waiting for ${what}`));
      }, timeoutMs);
      const listener = () => void attempt();
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      attempt();
    });

  const fake: FakeTelegram = {
    url: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (method, token) => calls.filter((c) => c.method === method && (token === undefined || c.token === token)),
    messages: (token, chatId) => [...chatOf(token, chatId)],
    webhookOf: (token) => botOf(token).webhook,
    commandsOf: (token) => botOf(token).commands,
    failNextSendMessages(count, retryAfterS) {
      failSendMessages = count;
      failRetryAfterS = retryAfterS;
    },
    blockChat(chatId) {
      blocked.add(chatId);
    },
    textUpdate(token, chatId, text, extra = {}) {
      const bot = botOf(token);
      const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0].length }] : undefined;
      return {
        update_id: extra.updateId ?? bot.nextUpdateId++,
        message: {
          message_id: bot.nextUpdateId + 50_000,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Test' },
          from: { id: chatId, is_bot: false, first_name: 'Test', ...(extra.languageCode ? { language_code: extra.languageCode } : {}) },
          text,
          ...(entities ? { entities } : {}),
        },
      };
    },
    messageUpdate(token, chatId, fields, opts = {}) {
      const bot = botOf(token);
      const chatType = opts.chatType ?? 'private';
      return {
        update_id: bot.nextUpdateId++,
        [opts.kind ?? 'message']: {
          message_id: bot.nextUpdateId + 50_000,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: chatType, ...(chatType === 'private' ? { first_name: 'Test' } : { title: 'A group' }) },
          ...(opts.kind === 'channel_post' ? {} : { from: { id: Math.abs(chatId), is_bot: false, first_name: 'Test' } }),
          ...(opts.kind === 'edited_message' ? { edit_date: Math.floor(Date.now() / 1000) } : {}),
          ...fields,
        },
      };
    },
    pressButton(token, chatId, data, message) {
      const bot = botOf(token);
      const target = message ?? [...chatOf(token, chatId)].reverse().find((m) => m.keyboard?.some((row) => row.some((b) => b.callback_data === data)));
      if (!target) throw new Error(`fake Telegram: no message in chat ${chatId} has a button "${data}"`);
      return {
        update_id: bot.nextUpdateId++,
        callback_query: {
          id: `cq${bot.nextUpdateId}${Math.random().toString(36).slice(2, 8)}`,
          from: { id: chatId, is_bot: false, first_name: 'Test' },
          chat_instance: `ci${chatId}`,
          message: asMessage(target),
          data,
        },
      };
    },
    async deliver(token, update) {
      const webhook = botOf(token).webhook;
      if (!webhook) throw new Error('fake Telegram: no webhook registered for this bot');
      return deliverUpdate(webhook.url, webhook.secret, update);
    },
    queueUpdate(token, update) {
      const bot = botOf(token);
      bot.updates.push(update);
      for (const wake of [...bot.pollWaiters]) wake();
    },
    waitForMessages(token, chatId, count, timeoutMs = 10_000) {
      return waitUntil(() => (chatOf(token, chatId).length >= count ? [...chatOf(token, chatId)] : null), timeoutMs, `${count} messages in chat ${chatId}`);
    },
    waitForMessage(token, chatId, predicate, timeoutMs = 10_000) {
      return waitUntil(() => chatOf(token, chatId).find(predicate), timeoutMs, `a matching message in chat ${chatId}`);
    },
    async close() {
      for (const bot of bots.values()) for (const wake of [...bot.pollWaiters]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
