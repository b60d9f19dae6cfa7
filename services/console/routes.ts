/**
 * The counsellor console under /console: a static page (plain HTML + vanilla JS, every message
 * rendered as text) and a JSON API behind a session cookie (httpOnly, SameSite=Strict, Secure
 * over https) with a per-session CSRF token on every POST and a rate-limited login.
 *
 * API (all JSON):
 *   POST /console/api/login {email, password}   → {user, csrfToken} + cookie     (429 when rate-limited)
 *   POST /console/api/logout
 *   GET  /console/api/me                         → {user, csrfToken, outcomes}
 *   GET  /console/api/queue                      → {tickets (routed by language), waiting}
 *   GET  /console/api/tickets/:id                → ticket, person, transcript, notes, canned replies, institutions, colleagues
 *   POST /console/api/tickets/:id/claim | reply {text} | notes {text} | resolve {outcome} | hand-back | transfer {toUserId}
 *   GET  /console/api/events                     → Server-Sent Events: {type: 'ticket'|'message', …} (no message text)
 *   GET  /console/api/whatsapp/pilots            → admins: whatsapp-web.js pilots' login state and QR code
 * Roles: counsellor and admin handle tickets (admins may act on anyone's); editor and admin edit
 * the knowledge base (editor-routes.ts, /console/api/editor/…).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { isLocale, type Locale } from '../../bots/engine/types';
import type { Db } from '../db/client';
import type { LiveHub } from '../conversation/live';
import { openEventStream } from '../http/sse';
import type { Institution } from '../knowledge/snapshot';
import { enqueueOutboundJobs } from '../workers';
import { cancelTicketTimers } from '../handoff/jobs';
import { CONSOLE_TOPIC, type ConsoleEvent } from '../handoff/live-events';
import { OUTCOMES } from '../handoff/outcomes';
import { routeForCounsellor, waitingByLanguage } from '../handoff/routing';
import {
  addNote,
  claimTicket,
  handBackToBot,
  HandoffError,
  listOpenTickets,
  replyToTicket,
  resolveTicket,
  ticketView,
  transferTicket,
  type Actor,
  type PersonTexts,
  type TicketChange,
} from '../handoff/tickets';
import { cannedRepliesFor, type CannedReplies } from './canned-replies';
import { parseCookieHeader, serializeCookie } from './cookies';
import { registerEditorRoutes, type EditorRouteDeps } from './editor-routes';
import { qrMatrix } from '../whatsapp/qr-code';
import { createLoginLimiter } from './login-limiter';
import { verifyAgainstDummy, verifyPassword } from './passwords';
import { createSession, deleteSession, loadSession, sessionCookieName, tokensMatch, type ActiveSession } from './sessions';
import { findUserForLogin, listColleagues, toStaffUser, type StaffRole } from './users';

const STATIC_DIR = path.resolve(__dirname, 'static');
const TICKET_ROLES: StaffRole[] = ['counsellor', 'admin'];
const ANY_ROLE: StaffRole[] = ['counsellor', 'editor', 'admin'];

export interface ConsoleRouteDeps {
  db: Db;
  redis: Redis;
  /** REDIS_PREFIX: the login counters' keys. */
  prefix: string;
  live: LiveHub;
  outboundQueue: Queue;
  handoffQueue: Queue;
  texts: PersonTexts;
  /** The active knowledge base's institutions directory. */
  institutions: () => readonly Institution[];
  /** A topic's title, for the transcript ("which answers were given"). */
  topicTitle: (slug: string, locale: Locale) => string | null;
  cannedReplies: CannedReplies;
  /** Secure cookies (PUBLIC_BASE_URL is https). */
  secureCookies: boolean;
  sessionTtlMs: number;
  loginMaxAttempts: number;
  loginWindowMs: number;
  log: { warn(obj: object, msg: string): void };
  /** The editors' pages (knowledge base): absent when the service reads knowledge-base/ files (KB_SOURCE=files). */
  editor?: Omit<EditorRouteDeps, 'authenticate'>;
  /** WhatsApp's 24-hour window of a conversation (open / closed), null for channels without one. */
  replyWindowOf?: (person: { channel: string; botId: string; lastInboundAt: Date | null }) => { open: boolean; closesAt: string | null } | null;
  /** whatsapp-web.js pilots: login state and QR code, shown to admins. */
  pilotStatuses?: () => Promise<Array<{ botId: string; state: string; qr: string | null; updatedAt: string | null }>>;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function loadStatic(): Record<string, { body: string; type: string }> {
  const files: Record<string, string> = {
    'index.html': 'text/html; charset=utf-8',
    'app.js': 'text/javascript; charset=utf-8',
    'app.css': 'text/css; charset=utf-8',
    'editor.js': 'text/javascript; charset=utf-8',
    'whatsapp.js': 'text/javascript; charset=utf-8',
  };
  return Object.fromEntries(Object.entries(files).map(([name, type]) => [name, { body: readFileSync(path.join(STATIC_DIR, name), 'utf8'), type }]));
}

const HTTP_STATUS: Record<HandoffError['code'], number> = { 'not-found': 404, conflict: 409, forbidden: 403, invalid: 400 };

/** Referral text an institution inserts into the reply box: name (city) — what they help with, URL. */
export function referralText(inst: Institution, locale: Locale): string {
  const helpsWith = inst.helps_with[locale] ?? inst.helps_with.en ?? inst.helps_with.de ?? '';
  const head = `${inst.name}${inst.city ? ` (${inst.city})` : ''}${helpsWith ? ` — ${helpsWith}` : ''}`;
  return inst.url ? `${head}\n${inst.url}` : head;
}

function transcriptNote(kind: string, payload: unknown): string | null {
  const p = (payload ?? {}) as { value?: string; command?: string; media?: string };
  if (kind === 'choice' && p.value) return `button: ${p.value}`;
  if (kind === 'command' && p.command) return `/${p.command}`;
  if (kind === 'media' && p.media) return `sent a ${p.media} (not shown)`;
  return null;
}

export async function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): Promise<void> {
  const files = loadStatic();
  const limiter = createLoginLimiter(deps.redis, deps.prefix, deps.loginMaxAttempts, deps.loginWindowMs);
  const cookieName = sessionCookieName(deps.secureCookies);
  const cookieOptions = { path: '/', httpOnly: true, secure: deps.secureCookies, sameSite: 'Strict' as const };
  const sessionToken = (req: FastifyRequest) => parseCookieHeader(req.headers.cookie)[cookieName];
  const open = new Set<FastifyReply['raw']>();

  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.header('x-content-type-options', 'nosniff');
        reply.header('x-frame-options', 'DENY');
        reply.header('referrer-policy', 'no-referrer');
        reply.header('content-security-policy', CSP);
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });

      const sendFile = (name: string, reply: FastifyReply) => reply.header('content-type', files[name].type).header('cache-control', 'no-cache').send(files[name].body);
      scope.get('/', (_req, reply) => sendFile('index.html', reply));
      scope.get('/app.js', (_req, reply) => sendFile('app.js', reply));
      scope.get('/app.css', (_req, reply) => sendFile('app.css', reply));
      scope.get('/editor.js', (_req, reply) => sendFile('editor.js', reply));
      scope.get('/whatsapp.js', (_req, reply) => sendFile('whatsapp.js', reply));

      /** The session of the request, or a 401/403 already sent. POSTs also need the CSRF token and a same-origin Origin. */
      const authenticate = async (req: FastifyRequest, reply: FastifyReply, roles: StaffRole[]): Promise<ActiveSession | null> => {
        if (req.method === 'POST') {
          const origin = req.headers.origin;
          if (origin && safeHost(origin) !== req.host) {
            await reply.code(403).send({ error: 'bad_origin' });
            return null;
          }
        }
        const session = await loadSession(deps.db, sessionToken(req));
        if (!session) {
          await reply.code(401).send({ error: 'not_logged_in' });
          return null;
        }
        if (req.method === 'POST' && !tokensMatch(session.csrfToken, req.headers['x-csrf-token'])) {
          await reply.code(403).send({ error: 'bad_csrf_token' });
          return null;
        }
        if (!roles.includes(session.user.role)) {
          await reply.code(403).send({ error: 'forbidden', message: `the role ${session.user.role} cannot do this` });
          return null;
        }
        return session;
      };

      const actorOf = (s: ActiveSession): Actor => ({ id: s.user.id, name: s.user.name, role: s.user.role });
      const publish = (event: ConsoleEvent) => deps.live.publish(CONSOLE_TOPIC, event).catch((err: Error) => deps.log.warn({ err: err.message }, 'console live update failed'));

      scope.post<{ Body: { email?: unknown; password?: unknown } }>('/api/login', async (req, reply) => {
        const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 200) : '';
        const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 1024) : '';
        const origin = req.headers.origin;
        if (origin && safeHost(origin) !== req.host) return reply.code(403).send({ error: 'bad_origin' });
        const limit = await limiter.hit([`ip:${req.ip}`, `email:${email}`]);
        if (!limit.allowed) return reply.code(429).header('retry-after', String(limit.retryAfterS)).send({ error: 'too_many_attempts', retryAfterS: limit.retryAfterS });
        if (!email || !password) return reply.code(400).send({ error: 'invalid_login' });
        const row = await findUserForLogin(deps.db, email);
        const ok = row && row.active ? await verifyPassword(row.passwordHash, password) : await verifyAgainstDummy(password);
        if (!row || !ok) return reply.code(401).send({ error: 'invalid_login', message: 'E-mail address or password is wrong.' });
        await limiter.reset(`email:${email}`);
        const session = await createSession(deps.db, row.id, deps.sessionTtlMs);
        reply.header('set-cookie', serializeCookie(cookieName, session.token, { ...cookieOptions, expires: session.expiresAt }));
        return { user: publicUser(toStaffUser(row)), csrfToken: session.csrfToken };
      });

      scope.post('/api/logout', async (req, reply) => {
        const session = await authenticate(req, reply, ANY_ROLE);
        if (!session) return reply;
        await deleteSession(deps.db, sessionToken(req));
        reply.header('set-cookie', serializeCookie(cookieName, '', { ...cookieOptions, expires: new Date(0) }));
        return { ok: true };
      });

      scope.get('/api/me', async (req, reply) => {
        const session = await authenticate(req, reply, ANY_ROLE);
        if (!session) return reply;
        return { user: publicUser(session.user), csrfToken: session.csrfToken, outcomes: OUTCOMES, editing: !!deps.editor };
      });

      scope.get('/api/queue', async (req, reply) => {
        const session = await authenticate(req, reply, TICKET_ROLES);
        if (!session) return reply;
        const tickets = await listOpenTickets(deps.db);
        const routed = routeForCounsellor(tickets, session.user).map((t) => ({
          id: t.id,
          section: t.section,
          status: t.status,
          language: t.language,
          reason: t.reason,
          topic: t.topic,
          topicTitle: t.topic ? deps.topicTitle(t.topic, 'en') : null,
          channel: t.channel,
          createdAt: t.createdAt.toISOString(),
          claimedBy: t.claimedBy,
          claimedByName: t.claimedByName,
          lastInboundAt: t.lastInboundAt?.toISOString() ?? null,
          returnDueAt: t.returnDueAt.toISOString(),
        }));
        return { tickets: routed, waiting: waitingByLanguage(tickets) };
      });

      scope.get<{ Params: { id: string } }>('/api/tickets/:id', async (req, reply) => {
        const session = await authenticate(req, reply, TICKET_ROLES);
        if (!session) return reply;
        const view = await ticketView(deps.db, req.params.id);
        if (!view) return reply.code(404).send({ error: 'not-found' });
        const locale: Locale = isLocale(view.ticket.language) ? view.ticket.language : 'en';
        const mine = view.ticket.status === 'claimed' && (view.ticket.claimedBy === session.user.id || session.user.role === 'admin');
        return {
          ticket: {
            id: view.ticket.id,
            conversationId: view.ticket.conversationId,
            status: view.ticket.status,
            language: view.ticket.language,
            reason: view.ticket.reason,
            topic: view.ticket.topic,
            topicTitle: view.ticket.topic ? deps.topicTitle(view.ticket.topic, 'en') : null,
            createdAt: view.ticket.createdAt.toISOString(),
            claimedBy: view.ticket.claimedBy,
            claimedByName: view.ticket.claimedByName,
            claimedAt: view.ticket.claimedAt?.toISOString() ?? null,
            resolvedAt: view.ticket.resolvedAt?.toISOString() ?? null,
            outcome: view.ticket.outcome,
            returnDueAt: view.ticket.returnDueAt.toISOString(),
          },
          person: view.person,
          replyWindow: view.person && deps.replyWindowOf ? deps.replyWindowOf(view.person) : null,
          transcript: view.transcript.map((m) => ({
            id: m.id,
            author: m.author,
            direction: m.direction,
            text: m.text,
            note: m.direction === 'in' ? transcriptNote(m.kind, m.payload) : null,
            topic: m.topic,
            topicTitle: m.topic && m.author === 'bot' ? deps.topicTitle(m.topic, 'en') : null,
            status: m.status,
            staffName: m.staffName,
            at: m.createdAt.toISOString(),
          })),
          notes: view.notes.map((n) => ({ id: n.id, text: n.text, authorName: n.authorName, at: n.createdAt.toISOString() })),
          earlier: view.earlier.map((e) => ({ id: e.id, status: e.status, outcome: e.outcome, createdAt: e.createdAt.toISOString() })),
          permissions: { canClaim: view.ticket.status === 'waiting', canAct: mine },
          cannedReplies: cannedRepliesFor(deps.cannedReplies, locale),
          institutions: deps
            .institutions()
            .map((i) => ({ id: i.id, name: i.name, city: i.city ?? null, region: i.region, url: i.url ?? null, referral: referralText(i, locale) }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          colleagues: (await listColleagues(deps.db)).filter((c) => c.id !== session.user.id),
          outcomes: OUTCOMES,
        };
      });

      /** Runs a ticket action: errors → 4xx, replies queued after commit, timers cancelled, console told. */
      const action = (
        run: (actor: Actor, req: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>) => Promise<TicketChange | { ticket: TicketChange['ticket'] }>,
        opts: { cancelTimers?: boolean } = {},
      ) =>
        async (req: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>, reply: FastifyReply) => {
          const session = await authenticate(req, reply, TICKET_ROLES);
          if (!session) return reply;
          let change: TicketChange | { ticket: TicketChange['ticket'] };
          try {
            change = await run(actorOf(session), req);
          } catch (err) {
            if (err instanceof HandoffError) return reply.code(HTTP_STATUS[err.code]).send({ error: err.code, message: err.message, ...err.details });
            throw err;
          }
          if ('jobs' in change) await enqueueOutboundJobs(deps.outboundQueue, change.jobs);
          if (opts.cancelTimers) await cancelTicketTimers(deps.handoffQueue, change.ticket.id);
          await publish({ type: 'ticket', ticketId: change.ticket.id, conversationId: change.ticket.conversationId, status: change.ticket.status });
          return { ok: true, ticket: { id: change.ticket.id, status: change.ticket.status, claimedBy: change.ticket.claimedBy } };
        };

      type ActionRequest = { Params: { id: string }; Body: Record<string, unknown> | undefined };
      scope.post<ActionRequest>('/api/tickets/:id/claim', action((actor, req) => claimTicket(deps.db, deps.texts, req.params.id, actor), { cancelTimers: true }));
      scope.post<ActionRequest>('/api/tickets/:id/reply', action((actor, req) => replyToTicket(deps.db, req.params.id, actor, req.body?.text)));
      scope.post<ActionRequest>('/api/tickets/:id/notes', action((actor, req) => addNote(deps.db, req.params.id, actor, req.body?.text)));
      scope.post<ActionRequest>('/api/tickets/:id/resolve', action((actor, req) => resolveTicket(deps.db, deps.texts, req.params.id, actor, req.body?.outcome)));
      scope.post<ActionRequest>('/api/tickets/:id/hand-back', action((actor, req) => handBackToBot(deps.db, deps.texts, req.params.id, actor)));
      scope.post<ActionRequest>('/api/tickets/:id/transfer', action((actor, req) => transferTicket(deps.db, deps.texts, req.params.id, actor, req.body?.toUserId)));

      scope.get('/api/events', async (req, reply) => {
        const session = await authenticate(req, reply, TICKET_ROLES);
        if (!session) return reply;
        const stream = openEventStream(req, reply);
        const res = stream.res;
        open.add(res);
        const unsubscribe = deps.live.subscribe(CONSOLE_TOPIC, (event) => stream.send(event));
        // Sessions end: the stream closes when the session expires (the page logs in again).
        const expiry = setTimeout(() => res.end(), Math.max(0, Math.min(session.expiresAt.getTime() - Date.now(), 2 ** 31 - 1)));
        stream.onClose(() => {
          clearTimeout(expiry);
          unsubscribe();
          open.delete(res);
        });
        stream.send({ type: 'hello' });
      });

      if (deps.editor) await registerEditorRoutes(scope, { ...deps.editor, authenticate });

      // whatsapp-web.js pilots: admins see whether each is logged in, and its login QR code.
      scope.get('/api/whatsapp/pilots', async (req, reply) => {
        const session = await authenticate(req, reply, ['admin']);
        if (!session) return reply;
        const statuses = deps.pilotStatuses ? await deps.pilotStatuses() : [];
        return { pilots: statuses.map((p) => ({ ...p, qrModules: p.qr ? qrMatrix(p.qr) : null })) };
      });

      scope.addHook('preClose', async () => {
        for (const res of open) res.end();
        open.clear();
      });
    },
    { prefix: '/console' },
  );
}

function safeHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function publicUser(user: { id: string; email: string; name: string; role: string; languages: string[] }) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, languages: user.languages };
}
