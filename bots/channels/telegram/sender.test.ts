/**
 * Reply → Bot API calls, through grammY's real `Api` with its transport stubbed by a
 * transformer (no network): the calls made, and how Telegram's refusals become ChannelErrors.
 */
import { Api } from 'grammy';
import type { BotInstance } from '../../instances';
import { ChannelError } from '../channel';
import { acknowledgeUpdate } from './acknowledge';
import { TELEGRAM_BOT_MESSAGES_PER_S, TELEGRAM_CHAT_BURST, TELEGRAM_CHAT_MESSAGES_PER_S, type TelegramRateLimits } from './options';
import { createTelegramSender, type SentPartsLog, type TelegramRateLimiter } from './sender';

interface Call {
  method: string;
  payload: Record<string, any>;
}
type Answer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: Record<string, unknown> };

const limits: TelegramRateLimits = { chatPerSecond: TELEGRAM_CHAT_MESSAGES_PER_S, chatBurst: TELEGRAM_CHAT_BURST, botPerSecond: TELEGRAM_BOT_MESSAGES_PER_S };
const bot: BotInstance = { id: 'telegram-vi', channel: 'telegram', defaultLocale: 'vi', secrets: { token: '1:x' }, options: {} };

/** An Api whose every call is recorded and answered by `answer` (Telegram's JSON envelope). */
function stubApi(answer: (call: Call, index: number) => Answer = () => ({ ok: true, result: true })) {
  const calls: Call[] = [];
  const api = new Api('1:x');
  api.config.use(async (_prev, method, payload) => {
    const call = { method, payload: payload as Record<string, any> };
    calls.push(call);
    const a = answer(call, calls.length - 1);
    return (a.ok && method === 'sendMessage' ? { ok: true, result: { message_id: 100 + calls.length, date: 0, chat: { id: 1, type: 'private' }, text: 'x' } } : a) as never;
  });
  return { api, calls };
}

function sender(api: Api, extra: { limiter?: TelegramRateLimiter; sentParts?: SentPartsLog } = {}) {
  return createTelegramSender({ clients: new Map([[bot.id, { api, limits }]]), ...extra });
}

const target = { bot, externalUserId: '4242' };

describe('sending a Reply', () => {
  it('sends HTML with the keyboard and no link preview, to the chat as a number', async () => {
    const { api, calls } = stubApi();
    const result = await sender(api).send(target, { text: 'Có <giúp> không?', choices: [{ value: 'fb:yes', label: 'Có' }] }, { messageId: 7 });
    expect(calls).toEqual([
      {
        method: 'sendMessage',
        payload: {
          chat_id: 4242,
          text: 'Có &lt;giúp&gt; không?',
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          reply_markup: { inline_keyboard: [[{ text: 'Có', callback_data: 'fb:yes' }]] },
        },
      },
    ]);
    expect(result).toEqual({ platformMessageId: '101' });
  });

  it('labels a counsellor’s message in the conversation’s language', async () => {
    const { api, calls } = stubApi();
    await sender(api).send(target, { text: 'Здравствуйте, я Анна.' }, { messageId: 8, locale: 'ru', from: 'counsellor' });
    expect(calls[0].payload.text).toBe('<b>Консультант:</b>\nЗдравствуйте, я Анна.');
  });

  it('sends a long reply as several messages in order', async () => {
    const { api, calls } = stubApi();
    const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(10)].join('\n\n');
    await sender(api).send(target, { text, choices: [{ value: 'menu', label: 'Menu' }] }, {});
    expect(calls.map((c) => [c.payload.text[0], c.payload.reply_markup !== undefined])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });

  it('sends the plain text once more when Telegram refuses the markup', async () => {
    const { api, calls } = stubApi((_c, i) => (i === 0 ? { ok: false, error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag" } : { ok: true, result: true }));
    await sender(api).send(target, { text: 'A & B', links: [{ label: 'L', url: 'https://x.example/' }] }, {});
    expect(calls).toHaveLength(2);
    expect(calls[1].payload).not.toHaveProperty('parse_mode');
    expect(calls[1].payload.text).toBe('A & B\n\nL: https://x.example/');
  });
});

describe('Telegram refusals become ChannelErrors', () => {
  it.each<[string, Answer, Partial<ChannelError> & { opts: ChannelError['opts'] }]>([
    ['429 waits retry_after', { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, { code: 'telegram-429', retryable: true, opts: { retryAfterMs: 7000 } }],
    ['403 blocked: unreachable, not retried', { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }, { code: 'telegram-403', retryable: false, opts: { unreachable: true } }],
    ['400 chat not found: unreachable', { ok: false, error_code: 400, description: 'Bad Request: chat not found' }, { code: 'telegram-chat-not-found', retryable: false, opts: { unreachable: true } }],
    ['other 400: not retried', { ok: false, error_code: 400, description: 'Bad Request: message is too long' }, { code: 'telegram-400', retryable: false, opts: {} }],
    ['500: retried', { ok: false, error_code: 500, description: 'Internal Server Error' }, { code: 'telegram-500', retryable: true, opts: {} }],
    ['401 wrong token: retried (an operator can fix it)', { ok: false, error_code: 401, description: 'Unauthorized' }, { code: 'telegram-401', retryable: true, opts: {} }],
  ])('%s', async (_name, answer, expected) => {
    const { api } = stubApi(() => answer);
    const error = await sender(api).send(target, { text: 'x' }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject(expected);
  });

  it('a network failure is retried', async () => {
    const api = new Api('1:x', { apiRoot: 'http://127.0.0.1:9' }); // nothing listens there
    const error = await sender(api).send(target, { text: 'x' }, {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'telegram-network', retryable: true });
  });
});

describe('limits and retries', () => {
  it('sends nothing and asks to wait when the limiter has no room', async () => {
    const { api, calls } = stubApi();
    const limiter: TelegramRateLimiter = { reserve: jest.fn(async () => 850) };
    const error = await sender(api, { limiter }).send(target, { text: 'x' }, { messageId: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'telegram-rate-limit', retryable: true, opts: { retryAfterMs: 850 } });
    expect(calls).toHaveLength(0);
    expect(limiter.reserve).toHaveBeenCalledWith('telegram-vi', '4242', 1, limits);
  });

  it('reserves every part of a split reply, and a retry skips the parts already sent', async () => {
    const store = new Map<string, number>();
    const sentParts: SentPartsLog = { get: async (k) => store.get(k) ?? 0, set: async (k, n) => void store.set(k, n) };
    const reserved: number[] = [];
    const limiter: TelegramRateLimiter = { reserve: async (_b, _c, n) => (reserved.push(n), 0) };
    const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)].join('\n\n');
    // The second message is refused with 429 …
    const first = stubApi((c, i) => (i === 1 ? { ok: false, error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 1 } } : { ok: true, result: true }));
    await expect(sender(first.api, { limiter, sentParts }).send(target, { text }, { messageId: 9 })).rejects.toMatchObject({ code: 'telegram-429' });
    // … and the retry starts with it.
    const retry = stubApi();
    await sender(retry.api, { limiter, sentParts }).send(target, { text }, { messageId: 9 });
    expect(retry.calls.map((c) => c.payload.text[0])).toEqual(['b', 'c']);
    expect(reserved).toEqual([3, 2]);
  });
});

describe('acknowledging an update', () => {
  it('answers a button press at once, marks the choice on the pressed message, and shows typing', async () => {
    const { api, calls } = stubApi();
    await acknowledgeUpdate(api, {
      update_id: 5,
      callback_query: {
        id: 'cq-9',
        from: { id: 4242, is_bot: false, first_name: 'A' },
        data: 'lang:vi',
        message: {
          message_id: 33,
          date: 0,
          chat: { id: 4242, type: 'private' },
          text: 'Which language?',
          entities: [{ type: 'bold', offset: 0, length: 5 }],
          reply_markup: { inline_keyboard: [[{ text: 'Русский', callback_data: 'lang:ru' }, { text: 'Tiếng Việt', callback_data: 'lang:vi' }]] },
        },
      },
    });
    expect(calls).toEqual([
      { method: 'answerCallbackQuery', payload: { callback_query_id: 'cq-9' } },
      {
        method: 'editMessageText',
        payload: {
          chat_id: 4242,
          message_id: 33,
          text: 'Which language?\n\n✓ Tiếng Việt',
          entities: [{ type: 'bold', offset: 0, length: 5 }],
          link_preview_options: { is_disabled: true },
        },
      },
      { method: 'sendChatAction', payload: { chat_id: 4242, action: 'typing' } },
    ]);
  });

  it('shows typing for a message, and never throws when Telegram refuses', async () => {
    const { api, calls } = stubApi(() => ({ ok: false, error_code: 403, description: 'Forbidden' }));
    const settled = await acknowledgeUpdate(api, { update_id: 6, message: { message_id: 1, date: 0, chat: { id: 7, type: 'private' }, text: 'hi' } });
    expect(calls.map((c) => c.method)).toEqual(['sendChatAction']);
    expect(settled[0].status).toBe('rejected');
  });
});
