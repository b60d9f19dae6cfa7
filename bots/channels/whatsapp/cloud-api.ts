/**
 * A minimal client of the Cloud API's messages endpoint (Graph API):
 * `POST <root>/<version>/<phone-number-id>/messages` with `Authorization: Bearer <token>`.
 * `root` is https://graph.facebook.com, or a test server (WHATSAPP_API_ROOT). Refusals come back
 * as `{ error: { message, type, code, error_subcode, error_data: { details } } }` and are
 * wrapped as {@link WhatsAppApiError}, then as ChannelError at the sender's boundary.
 */
import { ChannelError } from '../channel';

/** A call gives up after this long (an outbound job's lock is 30 s). */
export const WHATSAPP_CALL_TIMEOUT_MS = 20_000;

export interface GraphApi {
  /** e.g. https://graph.facebook.com (no trailing slash needed). */
  apiRoot: string;
  /** e.g. v23.0 */
  apiVersion: string;
  timeoutMs?: number;
  /** For tests; the global fetch by default. */
  fetch?: typeof fetch;
}

/** A refusal of the Graph API. */
export class WhatsAppApiError extends Error {
  constructor(
    message: string,
    /** The HTTP status (0: no answer). */
    readonly status: number,
    /** Meta's error code (131047, 130429 …), when it sent one. */
    readonly code: number | null,
  ) {
    super(message);
  }
}

/**
 * Sends one request body to the messages endpoint.
 * @returns the wamid of the message sent (absent for a read receipt)
 */
export async function postToMessages(api: GraphApi, phoneNumberId: string, accessToken: string, body: Record<string, unknown>): Promise<{ messageId?: string }> {
  const url = `${api.apiRoot.replace(/\/+$/, '')}/${api.apiVersion}/${encodeURIComponent(phoneNumberId)}/messages`;
  let res: Response;
  try {
    res = await (api.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', ...body }),
      signal: AbortSignal.timeout(api.timeoutMs ?? WHATSAPP_CALL_TIMEOUT_MS),
    });
  } catch (err) {
    throw new WhatsAppApiError(`WhatsApp unreachable: ${err instanceof Error ? err.message : String(err)}`, 0, null);
  }
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok || json?.error) {
    const e = json?.error ?? {};
    const details = typeof e.error_data?.details === 'string' ? ` (${e.error_data.details})` : '';
    throw new WhatsAppApiError(`WhatsApp ${res.status}: ${typeof e.code === 'number' ? `${e.code} ` : ''}${e.message ?? res.statusText}${details}`, res.status, typeof e.code === 'number' ? e.code : null);
  }
  const id = json?.messages?.[0]?.id;
  return typeof id === 'string' ? { messageId: id } : {};
}

/** Meta's codes for "too many messages": throughput of the number, pair rate, app or account limits. */
const RATE_LIMIT_WAIT_MS: Readonly<Record<number, number>> = {
  130429: 1_000, // the number's throughput
  131056: 6_000, // pair rate: one person, one number
  131048: 60_000, // spam rate limit
  4: 60_000, // application request limit
  80007: 60_000, // WhatsApp Business Account rate limit
};
/** The person cannot be reached at all (not on WhatsApp, an outdated app, …). */
const UNREACHABLE = new Set([131026]);
/** Refusals that will not change by trying again (bad request, template missing or paused …). */
const PERMANENT = new Set([100, 131008, 131009, 131021, 131030, 131045, 131051, 131052, 131053, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133010]);

/** Meta's code for a free-form message outside the customer-service window. */
export const REENGAGEMENT_ERROR_CODE = 131047;

/**
 * Wraps a Graph API refusal as a ChannelError (retryable or not, wait time, unreachable).
 * A wrong or expired token (190) is retried: an operator can fix it while the job waits.
 * @example toWhatsAppChannelError(new WhatsAppApiError('…', 400, 131056)) // ChannelError { code: 'whatsapp-131056', retryable: true, opts: { retryAfterMs: 6000 } }
 */
export function toWhatsAppChannelError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  if (!(err instanceof WhatsAppApiError)) return new ChannelError(err instanceof Error ? err.message : String(err), 'whatsapp-error', true);
  if (err.status === 0) return new ChannelError(err.message, 'whatsapp-network', true);
  const code = err.code;
  const name = `whatsapp-${code ?? err.status}`;
  if (code !== null && RATE_LIMIT_WAIT_MS[code] !== undefined) return new ChannelError(err.message, name, true, { retryAfterMs: RATE_LIMIT_WAIT_MS[code] });
  if (err.status === 429) return new ChannelError(err.message, name, true, { retryAfterMs: 1_000 });
  if (code !== null && UNREACHABLE.has(code)) return new ChannelError(err.message, name, false, { unreachable: true });
  if (code !== null && PERMANENT.has(code)) return new ChannelError(err.message, name, false);
  if (err.status >= 500 || err.status === 401 || err.status === 403 || code === 190 || code === 131000) return new ChannelError(err.message, name, true);
  return new ChannelError(err.message, name, err.status >= 500);
}
