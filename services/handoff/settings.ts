/**
 * The handoff service's settings, read once from the Config: office hours, timers, the
 * console's address, and the staff notifier the operator chose.
 */
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../config/config';
import { OfficeHoursError, parseOfficeHours, type OfficeHours } from './office-hours';
import { createLogStaffNotifier, createTelegramStaffNotifier, type StaffNotifier } from './staff-notifier';

export interface HandoffSettings {
  hours: OfficeHours;
  /** Unclaimed this long (office time) → the team is reminded. */
  slaMs: number;
  /** Unclaimed this long (office time) → back to the bot. */
  returnAfterMs: number;
  /** The console's queue, for staff notifications. */
  consoleUrl: string;
}

const MINUTE_MS = 60_000;

/** @throws ConfigError when the office hours or holidays cannot be read */
export function handoffSettingsFromConfig(config: Config): HandoffSettings {
  let hours: OfficeHours;
  try {
    hours = parseOfficeHours(config.HANDOFF_OFFICE_HOURS, config.HANDOFF_HOLIDAYS, config.HANDOFF_TIMEZONE);
  } catch (err) {
    if (err instanceof OfficeHoursError) throw new ConfigError(`HANDOFF_OFFICE_HOURS / HANDOFF_HOLIDAYS / HANDOFF_TIMEZONE: ${err.message}`);
    throw err;
  }
  return {
    hours,
    slaMs: Math.round(config.HANDOFF_SLA_MINUTES * MINUTE_MS),
    returnAfterMs: Math.round(config.HANDOFF_RETURN_AFTER_MINUTES * MINUTE_MS),
    consoleUrl: `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/console`,
  };
}

/** The staff notifier of HANDOFF_STAFF_NOTIFIER. @throws ConfigError when 'telegram' lacks its token or chat id */
export function createStaffNotifier(config: Config, logger: Logger): StaffNotifier {
  switch (config.HANDOFF_STAFF_NOTIFIER) {
    case 'telegram':
      if (!config.STAFF_TELEGRAM_BOT_TOKEN || !config.STAFF_TELEGRAM_CHAT_ID) {
        throw new ConfigError('HANDOFF_STAFF_NOTIFIER=telegram needs STAFF_TELEGRAM_BOT_TOKEN and STAFF_TELEGRAM_CHAT_ID');
      }
      return createTelegramStaffNotifier({ token: config.STAFF_TELEGRAM_BOT_TOKEN, chatId: config.STAFF_TELEGRAM_CHAT_ID, apiRoot: config.TELEGRAM_API_ROOT });
    case 'none':
      return { notify: async () => undefined };
    default:
      return createLogStaffNotifier(logger);
  }
}
