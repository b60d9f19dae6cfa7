/**
 * The Cloud API's webhook (Meta's Graph API webhooks for a WhatsApp Business Account):
 *
 * - the verification handshake: Meta calls `GET <callback>?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
 *   and expects the challenge back when the token is the one entered in its dashboard;
 * - the signature: every POST carries `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of
 *   the raw body with the app's secret; anything else is refused before the body is trusted;
 * - the payload: `{ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages',
 *   value: { metadata: { phone_number_id }, contacts, messages, statuses } }] }] }`. One POST
 *   may carry several messages and statuses, for several numbers of the same account; each is
 *   routed by `metadata.phone_number_id`.
 *
 * Pure: no I/O. The route is services/http/whatsapp-routes.ts.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The header Meta signs every webhook POST with. */
export const WHATSAPP_SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * A message as Meta documents it in the `messages` webhook (only the fields the service reads
 * are named; the rest passes through). whatsapp-web.js messages are mapped into this shape too
 * (./web-client.ts), so both paths share one normalisation.
 */
export interface CloudMessage {
  /** The sender's WhatsApp id (wa_id: the phone number in international format, digits only). */
  from: string;
  /** The WhatsApp message id (`wamid.…`): the platform message id, deduplicated by the inbox. */
  id: string;
  /** Unix seconds, as a string. */
  timestamp: string;
  type: string;
  text?: { body?: string };
  interactive?: { type?: string; button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string; description?: string } };
  /** A quick-reply button of a template message. */
  button?: { payload?: string; text?: string };
  image?: { caption?: string };
  video?: { caption?: string };
  document?: { caption?: string; filename?: string };
  audio?: { voice?: boolean };
  /** A message in a group chat carries the group's id. */
  group_id?: string;
  [field: string]: unknown;
}

/** A delivery or read receipt of a message the service sent (the `statuses` of the webhook). */
export interface WhatsAppStatusUpdate {
  /** The wamid the send call returned. */
  platformMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'other';
  at: string;
  /** Meta's error code when `failed` (131047: outside the customer-service window; 131026: undeliverable). */
  errorCode?: number;
}

/** The messages and statuses of one business number in one webhook POST. */
export interface WhatsAppWebhookBatch {
  phoneNumberId: string;
  messages: CloudMessage[];
  statuses: WhatsAppStatusUpdate[];
}

/**
 * What the inbox stores for one received message (the worker normalises it with
 * `toWhatsAppInbound`). Nothing else of the webhook is kept: not the profile name, not the
 * other messages of the POST.
 */
export interface WhatsAppInboxPayload {
  message: CloudMessage;
  /**
   * The values of the numbered list the bot sent last (index 0 is "1"), when the person
   * answered with a number: the numbered-text fallback for choices.
   */
  numberedChoices?: string[];
}

const messageSchema = z
  .object({ from: z.string().min(1), id: z.string().min(1), timestamp: z.union([z.string(), z.number()]).transform(String), type: z.string().min(1) })
  .passthrough();
const statusSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    timestamp: z.union([z.string(), z.number()]).optional(),
    errors: z.array(z.object({ code: z.number().optional() }).passthrough()).optional(),
  })
  .passthrough();
const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z
      .object({
        changes: z.array(
          z
            .object({
              field: z.string(),
              value: z
                .object({
                  metadata: z.object({ phone_number_id: z.union([z.string(), z.number()]).transform(String) }).passthrough(),
                  messages: z.array(z.unknown()).optional(),
                  statuses: z.array(z.unknown()).optional(),
                })
                .passthrough(),
            })
            .passthrough(),
        ),
      })
      .passthrough(),
  ),
});

function isoFromUnix(seconds: unknown, fallback = new Date()): string {
  const n = Number(seconds);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000).toISOString() : fallback.toISOString();
}

const STATUS_KINDS = new Set(['sent', 'delivered', 'read', 'failed']);

/**
 * Reads a webhook body into batches per business number. Malformed messages or statuses are
 * left out (never thrown); a body that is not a WhatsApp webhook gives `[]`.
 * @example readWhatsAppWebhook(body)[0] // { phoneNumberId: '106540352242922', messages: [{ from: '4915…', id: 'wamid.…', type: 'text', … }], statuses: [] }
 */
export function readWhatsAppWebhook(body: unknown): WhatsAppWebhookBatch[] {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) return [];
  const batches: WhatsAppWebhookBatch[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') continue;
      const value = change.value;
      const messages = (value.messages ?? []).flatMap((m) => {
        const r = messageSchema.safeParse(m);
        return r.success ? [r.data as CloudMessage] : [];
      });
      const statuses = (value.statuses ?? []).flatMap((s): WhatsAppStatusUpdate[] => {
        const r = statusSchema.safeParse(s);
        if (!r.success) return [];
        const code = r.data.errors?.[0]?.code;
        return [
          {
            platformMessageId: r.data.id,
            status: (STATUS_KINDS.has(r.data.status) ? r.data.status : 'other') as WhatsAppStatusUpdate['status'],
            at: isoFromUnix(r.data.timestamp),
            ...(typeof code === 'number' ? { errorCode: code } : {}),
          },
        ];
      });
      if (messages.length > 0 || statuses.length > 0) batches.push({ phoneNumberId: value.metadata.phone_number_id, messages, statuses });
    }
  }
  return batches;
}

/** Constant-time comparison of two strings of any lengths. */
function sameSecret(received: string, expected: string): boolean {
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * True when `header` is `sha256=<hex>` of the raw body with the app secret (constant time).
 * @example signatureMatches(Buffer.from('{}'), 'sha256=' + hmacHex, appSecret) // true
 */
export function signatureMatches(rawBody: Buffer, header: unknown, appSecret: string): boolean {
  if (typeof header !== 'string' || appSecret === '') return false;
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(m[1].toLowerCase(), 'hex'), expected);
}

/** The signature header value Meta would send for `rawBody` (tests and the fake Graph API). */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * The verification handshake: the challenge to answer with, or null (answer 403).
 * @example verifySubscription({ 'hub.mode': 'subscribe', 'hub.verify_token': 't', 'hub.challenge': '1158201444' }, ['t']) // '1158201444'
 */
export function verifySubscription(query: Record<string, unknown>, verifyTokens: readonly string[]): string | null {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string' || challenge === '' || challenge.length > 512) return null;
  // Every token is compared (no early exit), each in constant time.
  let ok = false;
  for (const expected of verifyTokens) if (expected !== '' && sameSecret(token, expected)) ok = true;
  return ok ? challenge : null;
}
