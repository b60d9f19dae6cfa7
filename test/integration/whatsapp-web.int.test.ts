/**
 * A whatsapp-web.js pilot bot in the real service (PostgreSQL, Redis, BullMQ, engine,
 * console) with a stand-in for the library's Client: an EventEmitter with its own event and
 * method names. The QR code reaches the terminal and the admins' console; messages go in
 * through 'message' events and answers come out through sendMessage, choices as numbered text
 * that the person answers with a number. No WhatsApp, no browser.
 */
import type { BotInstance } from '../../bots/instances';
import type { WebMessageLike } from '../../bots/channels/whatsapp/web-client';
import { createStaffUser } from '../../services/console/users';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { StandInClient } from '../helpers/whatsapp-web-stand-in';


const PILOT: BotInstance = { id: 'whatsapp-es-pilot', channel: 'whatsapp', defaultLocale: 'es', secrets: {}, options: { mode: 'web' } };
const PASSWORD = 'a long enough test passphrase';
const clients: StandInClient[] = [];
let t: TestService;
let seq = 0;

beforeAll(async () => {
  t = await startTestService('wa-web', {
    overrides: {
      bots: [PILOT],
      whatsappWebClient: () => {
        const client = new StandInClient();
        clients.push(client);
        return client;
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const client = () => clients[clients.length - 1];
const message = (from: string, body: string, fields: Partial<WebMessageLike> = {}): WebMessageLike => ({
  from,
  id: { _serialized: `false_${from}_3EB0${++seq}` },
  body,
  type: 'chat',
  hasMedia: false,
  timestamp: Math.floor(Date.now() / 1000),
  fromMe: false,
  isStatus: false,
  ...fields,
});
const sentTo = (chatId: string) => client().sent.filter((s) => s.chatId === chatId);

async function adminPilots() {
  const email = `admin-${++seq}@example.org`;
  await createStaffUser(t.service.db, { email, name: 'Admin', role: 'admin', languages: [], password: PASSWORD });
  const login = await fetch(`${t.baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const res = await fetch(`${t.baseUrl}/console/api/whatsapp/pilots`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as { pilots: Array<{ botId: string; state: string; qr: string | null; qrModules: string[] | null }> } };
}

it('starts the client once, and shows its login QR code to admins in the console (and only to admins)', async () => {
  await waitFor(async () => clients.length === 1 && client().initialized === 1);
  client().emit('qr', '2@Fake/QR+code==,abc==,def==,1');
  const pilots = await waitFor(async () => {
    const r = await adminPilots();
    return r.body.pilots[0]?.state === 'qr' ? r : null;
  });
  expect(pilots.body.pilots[0]).toMatchObject({ botId: PILOT.id, state: 'qr', qr: '2@Fake/QR+code==,abc==,def==,1' });
  // The matrix the console draws, when the optional qrcode package is installed.
  const modules = pilots.body.pilots[0].qrModules;
  if (modules) expect(modules.every((row) => row.length === modules.length && /^[01]+$/.test(row))).toBe(true);

  const email = `counsellor-${++seq}@example.org`;
  await createStaffUser(t.service.db, { email, name: 'C', role: 'counsellor', languages: ['es'], password: PASSWORD });
  const login = await fetch(`${t.baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const forbidden = await fetch(`${t.baseUrl}/console/api/whatsapp/pilots`, { headers: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] } });
  expect(forbidden.status).toBe(403);

  client().emit('ready');
  await waitFor(async () => (await adminPilots()).body.pilots[0]?.state === 'ready');
}, 20_000);

it('message events in → answers out through sendMessage; choices are numbered and a number answers them', async () => {
  const chat = '34600111222@c.us';
  client().emit('message', message(chat, 'Hola'));
  const first = await waitFor(async () => (sentTo(chat).length >= 3 ? sentTo(chat) : null), 15_000);
  expect(first.every((s) => s.options?.linkPreview === false)).toBe(true);
  expect(first.every((s) => !s.content.includes('"type"'))).toBe(true);
  // Greeting, privacy notice and language chooser, each list numbered with the hint.
  const numbered = /\n1\. .+\n2\. .+[\s\S]*\n\nResponda con el número de su elección\.$/;
  expect(first.filter((s) => numbered.test(s.content))).toHaveLength(2);
  // A number answers the list sent last: the language chooser.
  const languages = first[first.length - 1].content;
  const spanish = /^(\d+)\. Español$/m.exec(languages)![1];
  client().emit('message', message(chat, spanish));
  const privacyAgain = await waitFor(async () => sentTo(chat).slice(first.length).find((s) => numbered.test(s.content)) ?? null, 15_000);
  expect(/^1\. (.+)$/m.exec(privacyAgain.content)![1]).toMatch(/Acepto/);
  client().emit('message', message(chat, '1'));
  const thanks = await waitFor(async () => sentTo(chat).find((s) => /Gracias/i.test(s.content)) ?? null, 15_000);
  expect(thanks.content).toMatch(/1\. Menú/);
  // Own messages, status updates and groups are not answered.
  const before = client().sent.length;
  client().emit('message', message(chat, 'eco', { fromMe: true }));
  client().emit('message', message('status@broadcast', 'story', { isStatus: true }));
  client().emit('message', message('120363000000000000@g.us', 'Hola grupo'));
  await new Promise((r) => setTimeout(r, 600));
  expect(client().sent.length).toBe(before);
}, 30_000);

it('a disconnected client is destroyed and started again', async () => {
  const first = client();
  first.emit('disconnected', 'NAVIGATION');
  await waitFor(async () => (await adminPilots()).body.pilots[0]?.state === 'disconnected');
  expect(first.destroyed).toBe(1);
}, 20_000);
