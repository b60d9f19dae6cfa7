/**
 * A local fake of the WhatsApp Cloud API (Meta's Graph API) that speaks its real HTTP
 * protocol, for end-to-end tests: `POST /<version>/<phone-number-id>/messages` with
 * `Authorization: Bearer <token>`, JSON in, `{ messaging_product, contacts, messages: [{ id }] }`
 * or `{ error: { message, type, code, error_data, fbtrace_id } }` out.
 *
 * Like Meta it refuses what Meta refuses: a wrong token (190), text over 4096 characters,
 * more than 3 buttons or titles over 20 characters, more than 10 list rows or row titles over
 * 24, interactive bodies over 1024, templates it does not know (132001). Like Meta it accepts
 * a free-form message after the 24-hour window and then reports it failed with 131047 in a
 * status webhook. And it plays the person: builds webhooks shaped as Meta documents them
 * (text, button and list replies, media, template quick replies, statuses) and delivers them
 * to the service's webhook URL signed with the app secret (`X-Hub-Signature-256`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const WINDOW_MS = 24 * 3_600_000;

export interface FakeNumber {
  phoneNumberId: string;
  accessToken: string;
  displayPhoneNumber?: string;
}

/** A message the business sent, as the fake accepted it. */
export interface FakeSent {
  wamid: string;
  phoneNumberId: string;
  to: string;
  type: string;
  body: Record<string, any>;
  at: number;
  /** Sent after the person's window had closed (Meta reports it failed with 131047). */
  refused: boolean;
}

export interface FakeGraphApi {
  /** WHATSAPP_API_ROOT */
  url: string;
  /** Every request to the messages endpoint (including read receipts and refused ones). */
  requests: Array<{ phoneNumberId: string; body: Record<string, any>; status: number }>;
  /** Messages sent to one person (in order). */
  sentTo(to: string): FakeSent[];
  waitForSent(to: string, predicate: (m: FakeSent, all: FakeSent[]) => boolean, timeoutMs?: number): Promise<FakeSent>;
  waitForCount(to: string, count: number, timeoutMs?: number): Promise<FakeSent[]>;
  /** Where and how webhooks are delivered. */
  setWebhook(url: string, appSecret: string): void;
  /** The person's last message per (number, person), as Meta tracks the window; tests may move it. */
  setLastInbound(phoneNumberId: string, from: string, at: Date): void;
  /** The next `count` sends are refused with this Meta code and HTTP status. */
  failNext(count: number, code: number, status?: number): void;
  // -- the person ----------------------------------------------------------------------------
  text(phoneNumberId: string, from: string, body: string): Record<string, any>;
  buttonReply(phoneNumberId: string, from: string, id: string, title: string): Record<string, any>;
  listReply(phoneNumberId: string, from: string, id: string, title: string): Record<string, any>;
  media(phoneNumberId: string, from: string, type: 'image' | 'audio' | 'video' | 'document' | 'sticker', fields?: Record<string, unknown>): Record<string, any>;
  templateQuickReply(phoneNumberId: string, from: string, text: string): Record<string, any>;
  status(phoneNumberId: string, wamid: string, status: 'sent' | 'delivered' | 'read' | 'failed', errorCode?: number): Record<string, any>;
  /** POSTs a webhook body signed with the app secret (or with `signature`, or unsigned with null). Returns the HTTP status. */
  deliver(body: Record<string, any>, opts?: { signature?: string | null; url?: string }): Promise<number>;
  close(): Promise<void>;
}

class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details = message,
  ) {
    super(message);
  }
}

export async function startFakeGraphApi(opts: { numbers: FakeNumber[]; templates?: Array<{ name: string; languages: string[] }> }): Promise<FakeGraphApi> {
  const numbers = new Map(opts.numbers.map((n) => [n.phoneNumberId, n]));
  const templates = new Map((opts.templates ?? []).map((t) => [t.name, new Set(t.languages)]));
  const sent: FakeSent[] = [];
  const requests: FakeGraphApi['requests'] = [];
  const lastInbound = new Map<string, number>();
  const listeners = new Set<() => void>();
  let webhook: { url: string; appSecret: string } | null = null;
  let failures: { count: number; code: number; status: number } = { count: 0, code: 0, status: 400 };
  let seq = 0;
  const wamid = () => `wamid.FAKE${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(3).toString('hex')}`;
  const windowKey = (phoneNumberId: string, from: string) => `${phoneNumberId}|${from}`;
  const notify = () => listeners.forEach((l) => l());

  function check(cond: unknown, message: string, code = 131009): void {
    if (!cond) throw new GraphFailure(400, code, message);
  }

  function validate(body: Record<string, any>): void {
    check(body.messaging_product === 'whatsapp', 'messaging_product must be whatsapp', 100);
    check(typeof body.to === 'string' && body.to !== '', 'The parameter to is required.', 131008);
    switch (body.type) {
      case 'text':
        check(typeof body.text?.body === 'string' && body.text.body.trim() !== '', 'text.body is required', 131008);
        check(body.text.body.length <= 4096, 'Message text is too long (max 4096)');
        return;
      case 'interactive': {
        const i = body.interactive ?? {};
        check(typeof i.body?.text === 'string' && i.body.text !== '', 'interactive.body.text is required', 131008);
        check(i.body.text.length <= 1024, 'interactive body text is too long (max 1024)');
        if (i.type === 'button') {
          const buttons = i.action?.buttons ?? [];
          check(buttons.length >= 1 && buttons.length <= 3, 'Buttons count must be between 1 and 3');
          const titles = buttons.map((b: any) => b.reply?.title);
          check(titles.every((t: unknown) => typeof t === 'string' && t !== '' && [...t].length <= 20), 'Button title length invalid (max 20)');
          check(new Set(titles).size === titles.length, 'Button titles must be unique');
          check(buttons.every((b: any) => b.type === 'reply' && typeof b.reply?.id === 'string' && b.reply.id.length <= 256), 'Button id invalid');
          return;
        }
        if (i.type === 'list') {
          check(typeof i.action?.button === 'string' && i.action.button !== '' && [...i.action.button].length <= 20, 'List button text invalid (max 20)');
          const rows = (i.action?.sections ?? []).flatMap((s: any) => s.rows ?? []);
          check(rows.length >= 1 && rows.length <= 10, 'Total row count exceed max allowed count: 10');
          check(rows.every((r: any) => typeof r.title === 'string' && r.title !== '' && [...r.title].length <= 24), 'Row title length invalid (max 24)');
          check(rows.every((r: any) => r.description === undefined || [...r.description].length <= 72), 'Row description length invalid (max 72)');
          check(rows.every((r: any) => typeof r.id === 'string' && r.id.length <= 200), 'Row id invalid (max 200)');
          check(new Set(rows.map((r: any) => r.id)).size === rows.length, 'Row ids must be unique');
          return;
        }
        throw new GraphFailure(400, 131009, `interactive type ${String(i.type)} is not supported by the fake`);
      }
      case 'template': {
        const languages = templates.get(body.template?.name);
        if (!languages || !languages.has(body.template?.language?.code)) {
          throw new GraphFailure(404, 132001, 'Template name does not exist in the translation', `template name (${body.template?.name}) does not exist in ${body.template?.language?.code}`);
        }
        return;
      }
      default:
        throw new GraphFailure(400, 131009, `type ${String(body.type)} is not supported by the fake`);
    }
  }

  function handle(phoneNumberId: string, authorization: string | undefined, body: Record<string, any>): unknown {
    const number = numbers.get(phoneNumberId);
    if (!number) throw new GraphFailure(400, 100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`);
    if (authorization !== `Bearer ${number.accessToken}`) throw new GraphFailure(401, 190, 'Error validating access token: The session is invalid');
    if (body.status === 'read') {
      check(typeof body.message_id === 'string', 'message_id is required', 131008);
      return { success: true };
    }
    validate(body);
    if (failures.count > 0) {
      failures.count -= 1;
      throw new GraphFailure(failures.status, failures.code, failures.code === 130429 ? 'Rate limit hit' : `Refused with ${failures.code}`);
    }
    const last = lastInbound.get(windowKey(phoneNumberId, body.to));
    const refused = body.type !== 'template' && (last === undefined || Date.now() - last > WINDOW_MS);
    const message: FakeSent = { wamid: wamid(), phoneNumberId, to: body.to, type: body.type, body, at: Date.now(), refused };
    sent.push(message);
    notify();
    if (refused) {
      // Accepted, then reported failed, as Meta does for a re-engagement message.
      setTimeout(() => void fake.deliver(fake.status(phoneNumberId, message.wamid, 'failed', 131047)).catch(() => undefined), 20);
    }
    return { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: message.wamid, ...(body.type === 'template' ? { message_status: 'accepted' } : {}) }] };
  }

  const server = http.createServer((req, res) => {
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    const m = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec((req.url ?? '').split('?')[0]);
    if (!m || req.method !== 'POST') return reply(404, { error: { message: 'Unknown path components', type: 'OAuthException', code: 2500, fbtrace_id: 'F' } });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, any> = {};
      let status = 200;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        reply(200, handle(m[2], req.headers.authorization, body));
      } catch (err) {
        const f = err instanceof GraphFailure ? err : new GraphFailure(400, 100, (err as Error).message);
        status = f.status;
        reply(f.status, { error: { message: f.message, type: 'OAuthException', code: f.code, error_data: { messaging_product: 'whatsapp', details: f.details }, fbtrace_id: 'FAKE' } });
      } finally {
        requests.push({ phoneNumberId: m[2], body, status });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  function envelope(phoneNumberId: string, value: Record<string, unknown>): Record<string, any> {
    const number = numbers.get(phoneNumberId);
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: number?.displayPhoneNumber ?? '15550783881', phone_number_id: phoneNumberId }, ...value } }],
        },
      ],
    };
  }

  function personMessage(phoneNumberId: string, from: string, type: string, content: Record<string, unknown>): Record<string, any> {
    const now = Date.now();
    lastInbound.set(windowKey(phoneNumberId, from), now);
    return envelope(phoneNumberId, {
      contacts: [{ profile: { name: 'Test Person' }, wa_id: from }],
      messages: [{ from, id: wamid(), timestamp: String(Math.floor(now / 1000)), type, ...content }],
    });
  }

  const waitUntil = <T>(check: () => T | null | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const listener = () => {
        const v = check();
        if (v) {
          done();
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake Graph API: timed out waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      listener();
    });

  const fake: FakeGraphApi = {
    url: `http://127.0.0.1:${port}`,
    requests,
    sentTo: (to) => sent.filter((m) => m.to === to),
    waitForSent(to, predicate, timeoutMs = 10_000) {
      return waitUntil(() => fake.sentTo(to).find((m, _i, all) => predicate(m, all)), timeoutMs, `a matching message to ${to}`);
    },
    waitForCount(to, count, timeoutMs = 10_000) {
      return waitUntil(() => (fake.sentTo(to).length >= count ? fake.sentTo(to) : null), timeoutMs, `${count} messages to ${to}`);
    },
    setWebhook(url, appSecret) {
      webhook = { url, appSecret };
    },
    setLastInbound(phoneNumberId, from, at) {
      lastInbound.set(windowKey(phoneNumberId, from), at.getTime());
    },
    failNext(count, code, status = 400) {
      failures = { count, code, status };
    },
    text: (p, from, body) => personMessage(p, from, 'text', { text: { body } }),
    buttonReply: (p, from, id, title) => personMessage(p, from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id, title } } }),
    listReply: (p, from, id, title) => personMessage(p, from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id, title } } }),
    media: (p, from, type, fields = {}) => personMessage(p, from, type, { [type]: { mime_type: 'application/octet-stream', sha256: 'x', id: String(++seq), ...fields } }),
    templateQuickReply: (p, from, text) => personMessage(p, from, 'button', { button: { payload: text, text } }),
    status: (p, id, status, errorCode) =>
      envelope(p, {
        statuses: [
          {
            id,
            status,
            timestamp: String(Math.floor(Date.now() / 1000)),
            recipient_id: sent.find((s) => s.wamid === id)?.to ?? '0',
            ...(errorCode ? { errors: [{ code: errorCode, title: errorCode === 131047 ? 'Re-engagement message' : 'Failed', message: 'failed' }] } : {}),
          },
        ],
      }),
    async deliver(body, o = {}) {
      if (!webhook) throw new Error('fake Graph API: no webhook set');
      const raw = JSON.stringify(body);
      const signature = o.signature === undefined ? `sha256=${createHmac('sha256', webhook.appSecret).update(raw).digest('hex')}` : o.signature;
      const res = await fetch(o.url ?? webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature !== null ? { 'x-hub-signature-256': signature } : {}) },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
