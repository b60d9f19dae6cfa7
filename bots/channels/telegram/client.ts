/**
 * The Bot API client of one bot: grammY's `Api` (no `Bot`: updates are not handled by grammY's
 * middleware but stored and queued by the service, then processed by the shared engine).
 * Constructed by the composition root (services/build-service.ts), never elsewhere.
 */
import { Api } from 'grammy';

/** Bot API calls other than long polling give up after this long (an outbound job's lock is 30 s). */
export const TELEGRAM_CALL_TIMEOUT_S = 20;

/**
 * @param apiRoot `https://api.telegram.org`, a self-hosted Bot API server, or a test server
 * @param timeoutSeconds longer for the polling client than a long poll lasts
 * @example createTelegramApi(token, 'http://127.0.0.1:8081').sendMessage(42, 'Hallo')
 */
export function createTelegramApi(token: string, apiRoot: string, timeoutSeconds = TELEGRAM_CALL_TIMEOUT_S): Api {
  return new Api(token, { apiRoot: apiRoot.replace(/\/+$/, ''), timeoutSeconds });
}
