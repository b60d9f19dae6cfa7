/**
 * The web chat channel over HTTP: the page at `/` (and `/embed` for the widget's iframe),
 * `/widget.js` for other websites, POST /webchat/messages (store + queue, then 202),
 * GET /webchat/events (Server-Sent Events, resumable by Last-Event-ID) and GET /webchat/history.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Queue } from 'bullmq';
import { and, asc, eq, gt, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { LOCALES, isLocale } from '../../bots/engine/types';
import { webchatAdapter, webchatPostSchema } from '../../bots/channels/webchat/to-inbound';
import { webchatTopic } from '../../bots/channels/webchat/sender';
import type { WebchatEvent } from '../../bots/channels/webchat/render';
import type { BotInstance } from '../../bots/instances';
import type { Db } from '../db/client';
import { contacts, conversations, messages } from '../db/schema';
import { acceptInbound } from '../conversation/inbox';
import type { LiveHub } from '../conversation/live';
import { openEventStream } from './sse';

const STATIC_DIR = path.resolve(__dirname, '../../bots/channels/webchat/static');
const LOCALES_DIR = path.resolve(__dirname, '../../bots/channels/webchat/locales');
const HISTORY_LIMIT = 200;

export interface WebchatRouteDeps {
  db: Db;
  inboundQueue: Queue;
  live: LiveHub;
  bot: BotInstance;
  allowedOrigins: string;
}

const sessionQuery = z.object({
  sessionId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  after: z.coerce.number().int().min(0).optional(),
});

function loadStatic(): Record<string, { body: string; type: string }> {
  const files: Record<string, string> = {
    'index.html': 'text/html; charset=utf-8',
    'app.js': 'text/javascript; charset=utf-8',
    'app.css': 'text/css; charset=utf-8',
    'widget.js': 'text/javascript; charset=utf-8',
  };
  const out: Record<string, { body: string; type: string }> = {};
  for (const [name, type] of Object.entries(files)) out[name] = { body: readFileSync(path.join(STATIC_DIR, name), 'utf8'), type };
  return out;
}

export async function registerWebchatRoutes(app: FastifyInstance, deps: WebchatRouteDeps): Promise<void> {
  const files = loadStatic();
  const strings = Object.fromEntries(LOCALES.map((l) => [l, readFileSync(path.join(LOCALES_DIR, `${l}.json`), 'utf8')]));
  const frameAncestors = deps.allowedOrigins.trim() === '*' ? '*' : deps.allowedOrigins.split(',').map((o) => o.trim()).join(' ');
  const open = new Set<FastifyReply['raw']>();

  const sendFile = (name: string, reply: FastifyReply, cache = 'no-cache') =>
    reply.header('content-type', files[name].type).header('cache-control', cache).send(files[name].body);

  app.get('/', (_req, reply) => sendFile('index.html', reply.header('x-frame-options', 'DENY')));
  app.get('/embed', (_req, reply) =>
    sendFile('index.html', reply.header('content-security-policy', `frame-ancestors 'self' ${frameAncestors}`)),
  );
  app.get('/webchat/app.js', (_req, reply) => sendFile('app.js', reply, 'public, max-age=300'));
  app.get('/webchat/app.css', (_req, reply) => sendFile('app.css', reply, 'public, max-age=300'));
  app.get('/widget.js', (_req, reply) => sendFile('widget.js', reply.header('access-control-allow-origin', '*'), 'public, max-age=300'));
  app.get<{ Params: { locale: string } }>('/webchat/strings/:locale', (req, reply) => {
    const locale = isLocale(req.params.locale) ? req.params.locale : 'en';
    return reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(strings[locale]);
  });

  app.post('/webchat/messages', async (req, reply) => {
    const parsed = webchatPostSchema.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).send({ error: 'invalid_message', details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    }
    const identity = webchatAdapter.identify(parsed.data, deps.bot)!;
    const result = await acceptInbound(
      { db: deps.db, inboundQueue: deps.inboundQueue },
      { channel: 'webchat', botId: deps.bot.id, ...identity, payload: parsed.data },
    );
    return reply.code(202).send({ accepted: true, duplicate: result.duplicate });
  });

  const findConversation = async (sessionId: string): Promise<string | null> => {
    const [row] = await deps.db
      .select({ id: conversations.id })
      .from(contacts)
      .innerJoin(conversations, eq(conversations.contactId, contacts.id))
      .where(and(eq(contacts.channel, 'webchat'), eq(contacts.botId, deps.bot.id), eq(contacts.externalId, sessionId)));
    return row?.id ?? null;
  };

  const transcript = async (conversationId: string, afterId: number, onlyOut: boolean): Promise<WebchatEvent[]> => {
    const conditions = [eq(messages.conversationId, conversationId), gt(messages.id, afterId), isNotNull(messages.text)];
    if (onlyOut) conditions.push(eq(messages.direction, 'out'));
    const rows = await deps.db.select().from(messages).where(and(...conditions)).orderBy(asc(messages.id)).limit(HISTORY_LIMIT);
    return rows.map((m) => {
      const payload = (m.payload ?? {}) as { choices?: WebchatEvent['choices']; links?: WebchatEvent['links'] };
      return {
        id: String(m.id),
        from: m.direction === 'in' ? 'user' : m.author === 'counsellor' ? 'counsellor' : m.author === 'system' ? 'system' : 'bot',
        text: m.text ?? '',
        choices: m.direction === 'out' ? (payload.choices ?? []) : [],
        links: m.direction === 'out' ? (payload.links ?? []) : [],
        at: m.createdAt.toISOString(),
      };
    });
  };

  app.get('/webchat/history', async (req, reply) => {
    const q = sessionQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'invalid_session' });
    const conversationId = await findConversation(q.data.sessionId);
    return { events: conversationId ? await transcript(conversationId, 0, false) : [] };
  });

  app.get('/webchat/events', async (req, reply) => {
    const q = sessionQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'invalid_session' });
    const lastEventId = Number(req.headers['last-event-id'] ?? q.data.after ?? 0) || 0;
    const stream = openEventStream(req, reply);
    open.add(stream.res);
    const write = (ev: WebchatEvent) => stream.send(ev, ev.id);
    const unsubscribe = deps.live.subscribe(webchatTopic(q.data.sessionId), (ev) => write(ev as WebchatEvent));
    stream.onClose(() => {
      unsubscribe();
      open.delete(stream.res);
    });
    // Replies sent while the page was away (subscribed first, so nothing falls in between).
    const conversationId = await findConversation(q.data.sessionId).catch(() => null);
    if (conversationId && lastEventId > 0) {
      for (const ev of await transcript(conversationId, lastEventId, true).catch(() => [])) write(ev);
    }
  });

  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
}
