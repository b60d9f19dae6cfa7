/**
 * Telling the counsellors on duty that someone is waiting, even when nobody has the console
 * open: a message to a staff channel the operator configured (a staff Telegram group), or the
 * log. A notice carries only the language, how many people wait and a link to the console —
 * never anything the person wrote (the {@link StaffNotice} type has no field for it).
 */
import type { Logger } from 'pino';

/** What the team is told. */
export interface StaffNotice {
  kind: 'new-ticket' | 'sla-reminder';
  /** The waiting person's language (ru, vi, es, de, en). */
  language: string;
  /** People waiting right now, all languages. */
  waitingCount: number;
  /** sla-reminder: how long this ticket has waited, whole minutes. */
  waitingMinutes?: number;
  /** Where to answer: the console's queue. */
  consoleUrl: string;
}

/** Port: where staff notices go. Throws {@link StaffNotifyError} (the job is retried when retryable). */
export interface StaffNotifier {
  notify(notice: StaffNotice): Promise<void>;
}

export class StaffNotifyError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

const LANGUAGE_NAMES: Record<string, string> = { ru: 'Russian', vi: 'Vietnamese', es: 'Spanish', de: 'German', en: 'English' };

/**
 * The notice as one plain-text message (English: the team's common language).
 * @example formatStaffNotice({ kind: 'new-ticket', language: 'ru', waitingCount: 2, consoleUrl: 'https://x/console' })
 * // "New conversation waiting for a counsellor: Russian (ru).\nWaiting now: 2.\nConsole: https://x/console"
 */
export function formatStaffNotice(notice: StaffNotice): string {
  const language = `${LANGUAGE_NAMES[notice.language] ?? notice.language} (${notice.language})`;
  const head =
    notice.kind === 'new-ticket'
      ? `New conversation waiting for a counsellor: ${language}.`
      : `Reminder: a conversation in ${language} has waited ${notice.waitingMinutes ?? '?'} min without a counsellor.`;
  return `${head}\nWaiting now: ${notice.waitingCount}.\nConsole: ${notice.consoleUrl}`;
}

/** Writes notices to the log (the default; useful when no staff channel is configured). */
export function createLogStaffNotifier(log: Pick<Logger, 'info'>): StaffNotifier {
  return {
    async notify(notice) {
      log.info({ staffNotice: notice }, formatStaffNotice(notice).split('\n')[0]);
    },
  };
}

export interface TelegramStaffNotifierOptions {
  /** Token of the bot that posts into the staff group (not one of the public advice bots). */
  token: string;
  /** The staff group's chat id (negative for groups), or @channelusername. */
  chatId: string;
  /** Bot API root, https://api.telegram.org unless a local Bot API server is used. */
  apiRoot: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Posts notices into a Telegram group with the Bot API's sendMessage. */
export function createTelegramStaffNotifier(opts: TelegramStaffNotifierOptions): StaffNotifier {
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.apiRoot.replace(/\/+$/, '')}/bot${opts.token}/sendMessage`;
  return {
    async notify(notice) {
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ chat_id: opts.chatId, text: formatStaffNotice(notice), link_preview_options: { is_disabled: true } }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        throw new StaffNotifyError(`staff notification failed: ${err instanceof Error ? err.message : String(err)}`, 'network', true);
      }
      if (res.ok) return;
      const body = (await res.json().catch(() => ({}))) as { description?: string; error_code?: number };
      // Never put the URL (it contains the token) into the error.
      throw new StaffNotifyError(
        `Telegram refused the staff notification: ${res.status} ${body.description ?? ''}`.trim(),
        `telegram-${res.status}`,
        res.status === 429 || res.status >= 500,
      );
    },
  };
}
