/**
 * Real PostgreSQL + Redis: a web-chat person asks for a human → a ticket waits in the queue →
 * a counsellor claims it in the console, replies (through the person's own channel) and
 * resolves it. Twenty simultaneous claims give one winner; the SLA reminder comes from a
 * delayed BullMQ job; messages during the wait are kept in order; the bot stays silent while
 * a counsellor owns the chat; the console's login, CSRF and roles hold.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { contacts, conversations, handoffTickets, inbox, messages, staffUsers } from '../../services/db/schema';
import { createStaffUser } from '../../services/console/users';
import { handoffJobId } from '../../services/handoff/jobs';
import type { StaffNotice } from '../../services/handoff/staff-notifier';
import { startTestService, waitFor, type TestService } from '../helpers/service';
import { openSse, type SseClient } from '../helpers/sse';

const PASSWORD = 'a long enough test passphrase';
const SLA_MINUTES = 0.03; // 1.8 s
let t: TestService;
const notices: StaffNotice[] = [];
const users: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestService('handoff', {
    // The test logs in many counsellors "from different addresses" (X-Forwarded-For), as behind a proxy.
    env: { HANDOFF_OFFICE_HOURS: 'Mon-Sun 00:00-24:00', HANDOFF_SLA_MINUTES: SLA_MINUTES, HANDOFF_RETURN_AFTER_MINUTES: 60, TRUST_PROXY: 'true' },
    overrides: { staffNotifier: { notify: async (n) => void notices.push(n) } },
  });
  for (const [key, name, role, languages] of [
    ['anna', 'Anna', 'counsellor', ['ru', 'de', 'en']],
    ['ben', 'Ben', 'counsellor', ['es', 'en']],
    ['eddie', 'Eddie', 'editor', []],
  ] as const) {
    users[key] = (await createStaffUser(t.service.db, { email: `${key}@example.org`, name, role, languages: [...languages], password: PASSWORD })).id;
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

// --- helpers -------------------------------------------------------------------------------

const newSession = () => randomBytes(12).toString('hex');
const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
let seq = 0;
async function chat(sessionId: string, body: Record<string, unknown>) {
  const res = await fetch(`${t.baseUrl}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sessionId, clientMessageId: `c${++seq}-${randomBytes(3).toString('hex')}`, locale: 'en', ...body }),
  });
  expect(res.status).toBe(202);
}

async function allProcessed(sessionId: string): Promise<boolean> {
  const rows = await t.service.db.select({ processedAt: inbox.processedAt }).from(inbox).where(eq(inbox.externalUserId, sessionId));
  return rows.length > 0 && rows.every((r) => r.processedAt !== null);
}

async function conversationOf(sessionId: string) {
  const [row] = await t.service.db
    .select({ id: conversations.id, owner: conversations.owner, counsellorId: conversations.counsellorId })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(contacts.externalId, sessionId));
  return row ?? null;
}

async function latestTicket(sessionId: string) {
  const conversation = await conversationOf(sessionId);
  if (!conversation) return null;
  const [ticket] = await t.service.db
    .select()
    .from(handoffTickets)
    .where(eq(handoffTickets.conversationId, conversation.id))
    .orderBy(desc(handoffTickets.createdAt))
    .limit(1);
  return ticket ?? null;
}

async function transcript(sessionId: string) {
  const conversation = await conversationOf(sessionId);
  if (!conversation) return [];
  return t.service.db
    .select({ id: messages.id, author: messages.author, direction: messages.direction, text: messages.text, status: messages.status, staffId: messages.staffId })
    .from(messages)
    .where(eq(messages.conversationId, conversation.id))
    .orderBy(asc(messages.id));
}

/** Greets, accepts the notice, optionally asks something, then writes "human"; returns the waiting ticket. */
async function askForHuman(sessionId: string, before?: string) {
  await chat(sessionId, { command: 'start' });
  await chat(sessionId, { choice: 'consent:yes' });
  if (before) await chat(sessionId, { text: before });
  await chat(sessionId, { text: 'human' });
  return waitFor(async () => {
    const ticket = await latestTicket(sessionId);
    return ticket && (await allProcessed(sessionId)) ? ticket : null;
  }, 15_000);
}

interface Agent {
  cookie: string;
  csrf: string;
}

async function login(email: string, password = PASSWORD, ip = randomIp()) {
  const res = await fetch(`${t.baseUrl}/console/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { csrfToken?: string; user?: { id: string } };
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, setCookie, headers: res.headers, body, agent: { cookie: setCookie.split(';')[0], csrf: body.csrfToken ?? '' } as Agent };
}

async function agentOf(key: string): Promise<Agent> {
  const result = await login(`${key}@example.org`);
  expect(result.status).toBe(200);
  return result.agent;
}

async function api(agent: Agent | null, method: 'GET' | 'POST', url: string, body?: unknown, extraHeaders: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extraHeaders };
  if (agent) headers.cookie = agent.cookie;
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    if (agent && !('x-csrf-token' in headers)) headers['x-csrf-token'] = agent.csrf;
  }
  const res = await fetch(`${t.baseUrl}/console/api${url}`, { method, headers, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
  return { status: res.status, body: (await res.json()) as any };
}

// --- tests ---------------------------------------------------------------------------------

describe('handoff to a counsellor, through the real pipeline and the console API', () => {
  let sse: SseClient | undefined;
  afterEach(() => sse?.close());

  it('request → claim → reply → resolve: the reply goes out through the person’s own channel, then the bot answers again', async () => {
    const sessionId = newSession();
    sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
    const ticket = await askForHuman(sessionId, 'My private question about the Blue Card, call me on 0151 2345678');
    expect(ticket).toMatchObject({ status: 'waiting', language: 'en', reason: 'requested' });
    expect((await conversationOf(sessionId))?.owner).toBe('queue');

    // The person is told honestly: place in the queue, counsellors on duty, emergency numbers.
    const queued = await sse.waitFor((e) => e.from === 'bot' && /in the queue/.test(e.text));
    expect(queued.text).toMatch(/number \d+ in the queue/);
    expect(queued.text).toMatch(/working now/);
    expect(queued.text).toMatch(/112/);

    // The team is told, without anything the person wrote.
    const notice = await waitFor(async () => notices.find((n) => n.kind === 'new-ticket' && n.language === 'en'));
    expect(notice.consoleUrl).toMatch(/\/console$/);
    expect(notice.waitingCount).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(notices)).not.toMatch(/Blue Card|0151|private/);

    const anna = await agentOf('anna');
    const queue = await api(anna, 'GET', '/queue');
    expect(queue.status).toBe(200);
    expect(queue.body.tickets.find((x: { id: string }) => x.id === ticket.id)).toMatchObject({ status: 'waiting', section: 'my-languages', channel: 'webchat' });

    // The conversation view has the bot's part: what was asked and which answer was given.
    const view = await api(anna, 'GET', `/tickets/${ticket.id}`);
    expect(view.status).toBe(200);
    expect(view.body.transcript.some((m: { author: string; text: string }) => m.author === 'user' && /private question/.test(m.text))).toBe(true);
    expect(view.body.transcript.some((m: { author: string; topic: string | null }) => m.author === 'bot' && m.topic)).toBe(true);
    expect(view.body.permissions).toEqual({ canClaim: true, canAct: false });
    expect(view.body.cannedReplies.length).toBeGreaterThan(0);
    expect(view.body.institutions.length).toBeGreaterThan(0);
    expect(view.body.institutions[0].referral).toContain(view.body.institutions[0].name);

    const claim = await api(anna, 'POST', `/tickets/${ticket.id}/claim`);
    expect(claim.status).toBe(200);
    expect(await conversationOf(sessionId)).toMatchObject({ owner: 'counsellor', counsellorId: users.anna });
    await sse.waitFor((e) => /Anna, a counsellor, has joined/.test(e.text));
    // Claimed: its timers are gone (the SLA reminder and the return to the bot).
    expect(await t.service.handoffQueue.getJob(handoffJobId('return-to-bot', ticket.id))).toBeUndefined();

    const reply = await api(anna, 'POST', `/tickets/${ticket.id}/reply`, { text: 'Hello, I am Anna. Let us look at your case.' });
    expect(reply.status).toBe(200);
    const delivered = await sse.waitFor((e) => e.from === 'counsellor');
    expect(delivered.text).toBe('Hello, I am Anna. Let us look at your case.');
    const stored = await waitFor(async () => (await transcript(sessionId)).find((m) => m.author === 'counsellor' && m.status === 'sent'));
    expect(stored.staffId).toBe(users.anna);

    const note = await api(anna, 'POST', `/tickets/${ticket.id}/notes`, { text: 'Needs an appointment at the Ausländerbehörde.' });
    expect(note.status).toBe(200);
    expect(sse.events.some((e) => JSON.stringify(e.data).includes('Ausländerbehörde'))).toBe(false);

    expect((await api(anna, 'POST', `/tickets/${ticket.id}/resolve`, { outcome: 'nonsense' })).status).toBe(400);
    const resolved = await api(anna, 'POST', `/tickets/${ticket.id}/resolve`, { outcome: 'advice-given' });
    expect(resolved.status).toBe(200);
    expect(await latestTicket(sessionId)).toMatchObject({ status: 'resolved', outcome: 'advice-given' });
    expect((await conversationOf(sessionId))?.owner).toBe('bot');
    await sse.waitFor((e) => /conversation with the counsellor has ended/.test(e.text));

    // The bot answers again.
    const before = (await transcript(sessionId)).length;
    await chat(sessionId, { text: 'menu' });
    await waitFor(async () => (await transcript(sessionId)).slice(before).some((m) => m.author === 'bot'));
  });

  it('20 simultaneous claims of one ticket give exactly one winner', async () => {
    const sessionId = newSession();
    const ticket = await askForHuman(sessionId);
    const agents = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const user = await createStaffUser(t.service.db, { email: `claim${i}@example.org`, name: `Claimer ${i}`, role: 'counsellor', languages: ['en'], password: PASSWORD });
        return { id: user.id, agent: (await login(user.email)).agent };
      }),
    );
    const results = await Promise.all(agents.map(({ agent }) => api(agent, 'POST', `/tickets/${ticket.id}/claim`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winner = agents[results.findIndex((r) => r.status === 200)];
    expect(await latestTicket(sessionId)).toMatchObject({ status: 'claimed', claimedBy: winner.id });
    expect((await conversationOf(sessionId))?.counsellorId).toBe(winner.id);
    // The losers learn who has it; the person was told "joined" exactly once.
    expect(results.find((r) => r.status === 409)?.body).toMatchObject({ error: 'conflict', status: 'claimed', claimedBy: winner.id });
    const joined = (await transcript(sessionId)).filter((m) => m.author === 'system' && /has joined/.test(m.text ?? ''));
    expect(joined).toHaveLength(1);
  });

  it('an unclaimed ticket alerts the team from a delayed SLA job; a claimed one does not', async () => {
    const waitingSession = newSession();
    const claimedSession = newSession();
    const [waiting, claimed] = await Promise.all([askForHuman(waitingSession), askForHuman(claimedSession)]);
    const slaJob = await waitFor(async () => t.service.handoffQueue.getJob(handoffJobId('sla-reminder', waiting.id)));
    expect(await slaJob.getState()).toBe('delayed');
    const anna = await agentOf('anna');
    expect((await api(anna, 'POST', `/tickets/${claimed.id}/claim`)).status).toBe(200);

    const alerted = await waitFor(async () => {
      const ticket = await latestTicket(waitingSession);
      return ticket?.slaAlertedAt ? ticket : null;
    }, 10_000);
    expect(alerted.slaAlertedAt!.getTime() - alerted.createdAt.getTime()).toBeGreaterThanOrEqual(SLA_MINUTES * 60_000 - 50);
    expect(notices.some((n) => n.kind === 'sla-reminder' && typeof n.waitingMinutes === 'number')).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect((await latestTicket(claimedSession))?.slaAlertedAt).toBeNull();
  });

  it('messages during the wait are kept in order, the bot stays silent, and the console sees them live', async () => {
    const anna = await agentOf('anna');
    const consoleEvents = await openSse(`${t.baseUrl}/console/api/events`, { cookie: anna.cookie });
    try {
      const sessionId = newSession();
      const ticket = await askForHuman(sessionId);
      const afterHandoff = (await transcript(sessionId)).at(-1)!.id;
      const waitingTexts = ['first while waiting', 'second: menu', 'third <b>bold</b>', 'fourth: delete my data?', 'fifth'];
      for (const text of waitingTexts) await chat(sessionId, { text });
      await waitFor(() => allProcessed(sessionId), 15_000);
      const during = (await transcript(sessionId)).filter((m) => m.id > afterHandoff);
      expect(during.map((m) => [m.author, m.text])).toEqual(waitingTexts.map((text) => ['user', text]));
      expect((await conversationOf(sessionId))?.owner).toBe('queue');
      await consoleEvents.waitFor((e) => e.type === 'message' && e.conversationId === ticket.conversationId);

      const view = await api(anna, 'GET', `/tickets/${ticket.id}`);
      const userTexts = view.body.transcript.filter((m: { author: string }) => m.author === 'user').map((m: { text: string }) => m.text);
      expect(userTexts.slice(-5)).toEqual(waitingTexts);

      // While a counsellor owns the chat the bot stays silent too.
      expect((await api(anna, 'POST', `/tickets/${ticket.id}/claim`)).status).toBe(200);
      await consoleEvents.waitFor((e) => e.type === 'ticket' && e.ticketId === ticket.id && e.status === 'claimed');
      const afterClaim = (await transcript(sessionId)).at(-1)!.id;
      await chat(sessionId, { text: 'What salary do I need for the Blue Card?' });
      await chat(sessionId, { command: 'start' });
      await waitFor(() => allProcessed(sessionId), 15_000);
      await new Promise((r) => setTimeout(r, 300));
      const rows = await t.service.db
        .select({ author: messages.author })
        .from(messages)
        .where(and(eq(messages.conversationId, ticket.conversationId), gt(messages.id, afterClaim)));
      expect(rows.map((r) => r.author)).toEqual(['user', 'user']);
      expect((await conversationOf(sessionId))?.owner).toBe('counsellor');
    } finally {
      consoleEvents.close();
    }
  });

  it('a ticket nobody claims goes back to the bot when its delayed job fires, and the person is told', async () => {
    const sessionId = newSession();
    sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
    const ticket = await askForHuman(sessionId);
    const job = await waitFor(async () => t.service.handoffQueue.getJob(handoffJobId('return-to-bot', ticket.id)));
    expect(await job.getState()).toBe('delayed');
    await job.promote(); // the hour has passed
    await waitFor(async () => ((await latestTicket(sessionId))?.status === 'returned' ? true : null));
    expect(await latestTicket(sessionId)).toMatchObject({ status: 'returned', outcome: 'timeout' });
    expect((await conversationOf(sessionId))?.owner).toBe('bot');
    await sse.waitFor((e) => /no counsellor was able to reply in time/.test(e.text));
    // Claiming it now is refused.
    const anna = await agentOf('anna');
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/claim`)).status).toBe(409);
  });

  it('transfer to a colleague, then hand back to the bot', async () => {
    const sessionId = newSession();
    sse = await openSse(`${t.baseUrl}/webchat/events?sessionId=${sessionId}`);
    const ticket = await askForHuman(sessionId);
    const [anna, ben] = [await agentOf('anna'), await agentOf('ben')];
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/claim`)).status).toBe(200);
    expect((await api(ben, 'POST', `/tickets/${ticket.id}/reply`, { text: 'not mine yet' })).status).toBe(409);
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/transfer`, { toUserId: users.eddie })).status).toBe(400); // an editor takes no tickets
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/transfer`, { toUserId: users.ben })).status).toBe(200);
    await sse.waitFor((e) => /passed on to Ben/.test(e.text));
    expect(await latestTicket(sessionId)).toMatchObject({ status: 'claimed', claimedBy: users.ben });
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/reply`, { text: 'still mine?' })).status).toBe(409);
    const view = await api(ben, 'GET', `/tickets/${ticket.id}`);
    expect(view.body.notes.map((n: { text: string }) => n.text)).toContain('Transferred from Anna to Ben.');
    expect((await api(ben, 'POST', `/tickets/${ticket.id}/hand-back`)).status).toBe(200);
    expect(await latestTicket(sessionId)).toMatchObject({ status: 'returned', outcome: 'handed-back' });
    expect((await conversationOf(sessionId))?.owner).toBe('bot');
  });
});

describe('console security', () => {
  it('refuses requests without a session, without the CSRF token, from another origin, and from the wrong role', async () => {
    expect((await api(null, 'GET', '/queue')).status).toBe(401);
    const anna = await agentOf('anna');
    const eddie = await agentOf('eddie');
    const sessionId = newSession();
    const ticket = await askForHuman(sessionId);
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/claim`, {}, { 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await api(anna, 'POST', `/tickets/${ticket.id}/claim`, {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await api(eddie, 'GET', '/queue')).status).toBe(403);
    expect((await api(eddie, 'POST', `/tickets/${ticket.id}/claim`)).status).toBe(403);
    expect((await api(eddie, 'GET', '/me')).body.user).toMatchObject({ role: 'editor' });
    expect((await latestTicket(sessionId))?.status).toBe('waiting');
    expect((await api(anna, 'GET', `/tickets/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('sets an httpOnly, SameSite=Strict session cookie, and logging out ends the session', async () => {
    const { setCookie, agent, body } = await login('anna@example.org');
    expect(setCookie).toMatch(/^console_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(body.user).toMatchObject({ id: users.anna });
    expect(JSON.stringify(body)).not.toMatch(/argon2|password/i);
    expect((await api(agent, 'POST', '/logout')).status).toBe(200);
    expect((await api(agent, 'GET', '/me')).status).toBe(401);
  });

  it('limits login attempts per address and per account', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await login('nobody@example.org', 'wrong password!!', ip)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    const limited = await login('nobody@example.org', 'wrong password!!', ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password from the same address is refused too while the window lasts.
    expect((await login('anna@example.org', PASSWORD, ip)).status).toBe(429);
    expect((await login('anna@example.org', PASSWORD)).status).toBe(200);
  });

  it('a wrong password and an unknown account get the same answer', async () => {
    const wrong = await login('anna@example.org', 'not the password at all');
    const unknown = await login('nobody-else@example.org', 'not the password at all');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
  });
});

describe('npm run user:create', () => {
  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), path.resolve(__dirname, '../../scripts/user-create.ts'), ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: t.testDb.url, MIGRATE_ON_START: 'false', LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });

  it('creates an account from the arguments and a password on stdin, stored as an argon2id hash', async () => {
    const ok = run(['--email', 'Mai@Example.org', '--name', 'Mai', '--role', 'counsellor', '--languages', 'vi,de'], 'a piped passphrase of length\n');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/created counsellor mai@example.org/);
    const [row] = await t.service.db.select().from(staffUsers).where(eq(staffUsers.email, 'mai@example.org'));
    expect(row).toMatchObject({ name: 'Mai', role: 'counsellor', languages: ['vi', 'de'] });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await login('mai@example.org', 'a piped passphrase of length')).status).toBe(200);

    const again = run(['--email', 'mai@example.org', '--name', 'Mai', '--role', 'counsellor', '--password', 'another long passphrase'], '');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/exists already/);
    const weak = run(['--email', 'x@example.org', '--name', 'X', '--role', 'admin'], 'short\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/at least 12 characters/);
    const badRole = run(['--email', 'y@example.org', '--name', 'Y', '--role', 'boss', '--password', 'long enough passphrase'], '');
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toMatch(/role must be one of/);
  }, 60_000);
});
