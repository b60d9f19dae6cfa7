/**
 * Reply → Cloud API calls with the transport stubbed (a fetch that records and answers like
 * the Graph API): the request bodies, the 24-hour window (template and hold), limits, retries
 * and how Meta's refusals become ChannelErrors.
 */
import type { BotInstance } from '../../instances';
import { ChannelError } from '../channel';
import { toWhatsAppChannelError, WhatsAppApiError } from './cloud-api';
import { WHATSAPP_NUMBER_MESSAGES_PER_S, WHATSAPP_PERSON_BURST, WHATSAPP_PERSON_MESSAGES_PER_S } from './options';
import type { NumberedChoiceMemory, SentPartsLog, WhatsAppRateLimiter } from './ports';
import { acknowledgeWhatsAppMessage, createWhatsAppCloudSender, type WhatsAppCloudNumber } from './sender';

interface Call {
  url: string;
  authorization: string;
  body: Record<string, any>;
}
type Answer = { status: number; json: unknown };

const NOW = new Date('2026-11-27T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const bot: BotInstance = { id: 'whatsapp-es', channel: 'whatsapp', defaultLocale: 'es', secrets: {}, options: {} };
const target = { bot, externalUserId: '4915112345678' };
const number: WhatsAppCloudNumber = {
  phoneNumberId: '106540352242922',
  accessToken: 'EAAG-token',
  template: { name: 'eastside_reply_waiting', language: 'es', languages: { de: 'de', en: 'en_US' } },
  limits: { chatPerSecond: WHATSAPP_PERSON_MESSAGES_PER_S, chatBurst: WHATSAPP_PERSON_BURST, botPerSecond: WHATSAPP_NUMBER_MESSAGES_PER_S },
};
const metaError = (status: number, code: number, message = 'refused') => ({ status, json: { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details: message }, fbtrace_id: 'A' } } });

function stubFetch(answer: (call: Call, index: number) => Answer | undefined = () => undefined) {
  const calls: Call[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    const call = { url, authorization: String((init.headers as Record<string, string>).authorization), body: JSON.parse(String(init.body)) };
    calls.push(call);
    const a = answer(call, calls.length - 1) ?? { status: 200, json: { messaging_product: 'whatsapp', contacts: [{ input: call.body.to, wa_id: call.body.to }], messages: [{ id: `wamid.out${calls.length}` }] } };
    return new Response(JSON.stringify(a.json), { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { fetchStub, calls };
}

function sender(fetchStub: typeof fetch, extra: { limiter?: WhatsAppRateLimiter; sentParts?: SentPartsLog; choices?: NumberedChoiceMemory; template?: null } = {}) {
  const n = extra.template === null ? { ...number, template: null } : number;
  return createWhatsAppCloudSender({
    numbers: new Map([[bot.id, n]]),
    api: { apiRoot: 'http://graph.test/', apiVersion: 'v23.0', fetch: fetchStub },
    now: () => NOW,
    ...extra,
  });
}

describe('inside the 24-hour window', () => {
  it('posts the rendered message to <root>/<version>/<phone-number-id>/messages with the bearer token', async () => {
    const { fetchStub, calls } = stubFetch();
    const result = await sender(fetchStub).send(target, { text: '¿Le fue útil?', choices: [{ value: 'fb:yes', label: 'Sí' }, { value: 'fb:no', label: 'No' }] }, { messageId: 7, lastInboundAt: hoursAgo(1) });
    expect(calls).toEqual([
      {
        url: 'http://graph.test/v23.0/106540352242922/messages',
        authorization: 'Bearer EAAG-token',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '4915112345678',
          type: 'interactive',
          interactive: { type: 'button', body: { text: '¿Le fue útil?' }, action: { buttons: [{ type: 'reply', reply: { id: 'fb:yes', title: 'Sí' } }, { type: 'reply', reply: { id: 'fb:no', title: 'No' } }] } },
        },
      },
    ]);
    expect(result).toEqual({ platformMessageId: 'wamid.out1' });
  });

  it('labels a counsellor’s message; an unknown window (no conversation) is sent as it is', async () => {
    const { fetchStub, calls } = stubFetch();
    await sender(fetchStub).send(target, { text: 'Hola, soy Ana.' }, { locale: 'es', from: 'counsellor' });
    expect(calls[0].body).toMatchObject({ type: 'text', text: { body: '*Asesoría:*\nHola, soy Ana.', preview_url: false } });
  });

  it('remembers a numbered list, and forgets it after a reply without one', async () => {
    const { fetchStub } = stubFetch();
    const remembered: Array<string[] | null> = [];
    const choices: NumberedChoiceMemory = { remember: async (_b, _p, v) => void remembered.push(v), recall: async () => null };
    const many = Array.from({ length: 11 }, (_, i) => ({ value: `topic:${i}`, label: `T${i}` }));
    await sender(fetchStub, { choices }).send(target, { text: 'Temas', choices: many }, { lastInboundAt: hoursAgo(0) });
    await sender(fetchStub, { choices }).send(target, { text: 'Gracias' }, { lastInboundAt: hoursAgo(0) });
    expect(remembered).toEqual([many.map((c) => c.value), null]);
  });
});

describe('outside the window', () => {
  it('sends the configured template in the conversation’s language instead, and holds the reply', async () => {
    const { fetchStub, calls } = stubFetch();
    const result = await sender(fetchStub).send(target, { text: 'Respuesta de la asesora' }, { messageId: 9, from: 'counsellor', locale: 'de', lastInboundAt: hoursAgo(25) });
    expect(calls.map((c) => c.body)).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: '4915112345678', type: 'template', template: { name: 'eastside_reply_waiting', language: { code: 'de' } } },
    ]);
    expect(result).toEqual({ platformMessageId: 'wamid.out1', heldForWindow: true });
  });

  it('a person who never wrote (lastInboundAt null) gets the template too, in the default language', async () => {
    const { fetchStub, calls } = stubFetch();
    await sender(fetchStub).send(target, { text: 'x' }, { locale: 'ru', lastInboundAt: null });
    expect(calls[0].body.template).toEqual({ name: 'eastside_reply_waiting', language: { code: 'es' } });
  });

  it('while a template waits for the person’s answer, further replies are held without another one', async () => {
    const { fetchStub, calls } = stubFetch();
    expect(await sender(fetchStub).send(target, { text: 'Otra cosa' }, { lastInboundAt: hoursAgo(30), awaitingReply: true })).toEqual({ heldForWindow: true });
    expect(calls).toHaveLength(0);
  });

  it('the window closes a little before 24 hours (the reply may wait in the queue)', async () => {
    const { fetchStub, calls } = stubFetch();
    await sender(fetchStub).send(target, { text: 'x' }, { lastInboundAt: hoursAgo(23.95) });
    expect(calls[0].body.type).toBe('template');
  });

  it('when Meta refuses a reply as outside the window (131047), the template goes out instead', async () => {
    const { fetchStub, calls } = stubFetch((_c, i) => (i === 0 ? metaError(400, 131047, 'Re-engagement message') : undefined));
    const result = await sender(fetchStub).send(target, { text: 'x' }, { messageId: 3, lastInboundAt: hoursAgo(2) });
    expect(calls.map((c) => c.body.type)).toEqual(['text', 'template']);
    expect(result.heldForWindow).toBe(true);
  });

  it('without a configured template the reply fails (not retried), naming the option', async () => {
    const { fetchStub } = stubFetch();
    const error = await sender(fetchStub, { template: null }).send(target, { text: 'x' }, { lastInboundAt: hoursAgo(48) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'whatsapp-window-closed', retryable: false });
    expect((error as Error).message).toMatch(/options\.template/);
  });
});

describe('Meta’s refusals become ChannelErrors', () => {
  it.each<[string, Answer, Partial<ChannelError> & { opts: ChannelError['opts'] }]>([
    ['130429 throughput: wait a second', metaError(400, 130429, 'Rate limit hit'), { code: 'whatsapp-130429', retryable: true, opts: { retryAfterMs: 1000 } }],
    ['131056 pair rate: wait 6 s', metaError(400, 131056, 'Pair rate limit hit'), { code: 'whatsapp-131056', retryable: true, opts: { retryAfterMs: 6000 } }],
    ['131026 undeliverable: unreachable', metaError(400, 131026, 'Message undeliverable'), { code: 'whatsapp-131026', retryable: false, opts: { unreachable: true } }],
    ['131009 invalid parameter: not retried', metaError(400, 131009, 'Parameter value is not valid'), { code: 'whatsapp-131009', retryable: false, opts: {} }],
    ['190 expired token: retried (an operator can fix it)', metaError(401, 190, 'Error validating access token'), { code: 'whatsapp-190', retryable: true, opts: {} }],
    ['500: retried', { status: 500, json: { error: { message: 'Internal', code: 1 } } }, { code: 'whatsapp-1', retryable: true, opts: {} }],
  ])('%s', async (_name, answer, expected) => {
    const { fetchStub } = stubFetch(() => answer);
    const error = await sender(fetchStub).send(target, { text: 'x' }, { lastInboundAt: hoursAgo(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    expect(error).toMatchObject(expected);
  });

  it('a network failure is retried', async () => {
    const s = createWhatsAppCloudSender({ numbers: new Map([[bot.id, number]]), api: { apiRoot: 'http://127.0.0.1:9', apiVersion: 'v23.0' } });
    expect(await s.send(target, { text: 'x' }, {}).catch((e: unknown) => e)).toMatchObject({ code: 'whatsapp-network', retryable: true });
  });

  it('a bot without a number is a configuration error, not retried', async () => {
    const { fetchStub } = stubFetch();
    const other = { ...target, bot: { ...bot, id: 'whatsapp-ru' } };
    expect(await sender(fetchStub).send(other, { text: 'x' }, {}).catch((e: unknown) => e)).toMatchObject({ code: 'whatsapp-no-number', retryable: false });
  });

  it('an unknown 4xx is not retried', () => {
    expect(toWhatsAppChannelError(new WhatsAppApiError('x', 400, 999999))).toMatchObject({ retryable: false });
  });
});

describe('limits and retries', () => {
  it('sends nothing and asks to wait when the limiter has no room (per person, per number)', async () => {
    const { fetchStub, calls } = stubFetch();
    const limiter: WhatsAppRateLimiter = { reserve: jest.fn(async () => 4200) };
    const error = await sender(fetchStub, { limiter }).send(target, { text: 'x' }, { messageId: 1, lastInboundAt: hoursAgo(1) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'whatsapp-rate-limit', retryable: true, opts: { retryAfterMs: 4200 } });
    expect(calls).toHaveLength(0);
    expect(limiter.reserve).toHaveBeenCalledWith('whatsapp-es', '4915112345678', 1, number.limits);
  });

  it('a retry of a split reply skips the messages already sent', async () => {
    const store = new Map<string, number>();
    const sentParts: SentPartsLog = { get: async (k) => store.get(k) ?? 0, set: async (k, n) => void store.set(k, n) };
    const text = ['a'.repeat(4000), 'b'.repeat(4000), 'c'.repeat(100)].join('\n\n');
    let failSecond = true;
    const { fetchStub, calls } = stubFetch((call) => {
      if (failSecond && call.body.text?.body?.startsWith('b')) {
        failSecond = false;
        return metaError(400, 130429);
      }
      return undefined;
    });
    const s = sender(fetchStub, { sentParts });
    await expect(s.send(target, { text }, { messageId: 5, lastInboundAt: hoursAgo(1) })).rejects.toMatchObject({ code: 'whatsapp-130429' });
    await s.send(target, { text }, { messageId: 5, lastInboundAt: hoursAgo(1) });
    expect(calls.map((c) => c.body.text.body[0])).toEqual(['a', 'b', 'b', 'c']);
  });
});

it('acknowledging marks the message read and shows "typing…"', async () => {
  const { fetchStub, calls } = stubFetch(() => ({ status: 200, json: { success: true } }));
  await acknowledgeWhatsAppMessage({ apiRoot: 'http://graph.test', apiVersion: 'v23.0', fetch: fetchStub }, number, 'wamid.in1', true);
  expect(calls[0].body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.in1', typing_indicator: { type: 'text' } });
});
