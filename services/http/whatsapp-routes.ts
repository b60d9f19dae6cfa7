/**
 * The WhatsApp Cloud API webhook:
 *
 *   GET  /whatsapp/webhook            the verification handshake (hub.mode, hub.verify_token, hub.challenge)
 *   POST /whatsapp/webhook            messages and statuses of every configured number (Meta's app-wide callback URL)
 *   GET|POST /whatsapp/<botId>/webhook  the same for one bot (a per-number callback URL)
 *
 * The signature (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with the app secret) is
 * checked before the body is parsed: the routes live in an encapsulated plugin whose content
 * type parser keeps the raw bytes. A wrong or missing signature gets 401 and nothing is
 * processed. A batch is handled only for numbers whose app secret signed it. Then messages are
 * stored and queued, receipts stored, and Meta gets its 200 at once; a failure to store gets a
 * 5xx, and Meta delivers the webhook again (the inbox deduplicates by wamid).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readWhatsAppWebhook, signatureMatches, verifySubscription, WHATSAPP_SIGNATURE_HEADER, type WhatsAppWebhookBatch } from '../../bots/channels/whatsapp/webhook';

export interface WhatsAppWebhookBot {
  botId: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
}

export interface WhatsAppRouteDeps {
  bots: readonly WhatsAppWebhookBot[];
  /** Stores and queues the messages, stores the receipts, of batches already routed to their bot. */
  accept(batches: Array<{ botId: string; batch: WhatsAppWebhookBatch }>): Promise<void>;
  log: { debug(obj: object, msg: string): void };
  /** Largest body accepted (Meta's webhooks are a few KB). */
  bodyLimit?: number;
}

export async function registerWhatsAppRoutes(app: FastifyInstance, deps: WhatsAppRouteDeps): Promise<void> {
  const byId = new Map(deps.bots.map((b) => [b.botId, b]));

  const handshake = (req: FastifyRequest, reply: FastifyReply, bots: readonly WhatsAppWebhookBot[]) => {
    const challenge = verifySubscription(req.query as Record<string, unknown>, bots.map((b) => b.verifyToken));
    if (challenge === null) return reply.code(403).type('text/plain').send('forbidden');
    return reply.code(200).type('text/plain').send(challenge);
  };

  const receive = async (req: FastifyRequest, reply: FastifyReply, bots: readonly WhatsAppWebhookBot[]) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const header = req.headers[WHATSAPP_SIGNATURE_HEADER];
    const secrets = [...new Set(bots.map((b) => b.appSecret))];
    const signedWith = new Set(secrets.filter((secret) => signatureMatches(raw, header, secret)));
    if (signedWith.size === 0) return reply.code(401).send({ error: 'unauthorized' });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ error: 'invalid_json' });
    }
    const routed: Array<{ botId: string; batch: WhatsAppWebhookBatch }> = [];
    for (const batch of readWhatsAppWebhook(body)) {
      const bot = bots.find((b) => b.phoneNumberId === batch.phoneNumberId && signedWith.has(b.appSecret));
      if (bot) routed.push({ botId: bot.botId, batch });
      else deps.log.debug({ phoneNumberId: batch.phoneNumberId }, 'whatsapp webhook for a number no bot serves; ignored');
    }
    if (routed.length > 0) await deps.accept(routed);
    return reply.code(200).send({ ok: true });
  };

  await app.register(async (scope) => {
    // The signature covers the exact bytes Meta sent: keep them (any content type), parse after the check.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.bodyLimit ?? 1024 * 1024 }, (_req, body, done) => done(null, body));

    scope.get('/whatsapp/webhook', (req, reply) => handshake(req, reply, deps.bots));
    scope.post('/whatsapp/webhook', (req, reply) => receive(req, reply, deps.bots));
    scope.get<{ Params: { botId: string } }>('/whatsapp/:botId/webhook', (req, reply) => {
      const bot = byId.get(req.params.botId);
      return bot ? handshake(req, reply, [bot]) : reply.code(404).send({ error: 'not_found' });
    });
    scope.post<{ Params: { botId: string } }>('/whatsapp/:botId/webhook', (req, reply) => {
      const bot = byId.get(req.params.botId);
      return bot ? receive(req, reply, [bot]) : reply.code(404).send({ error: 'not_found' });
    });
  });
}
