/**
 * The service's configuration: one zod schema over the environment, parsed once at start.
 * This is the only module that reads `process.env` (ARCHITECTURE rule 5).
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const LOCALE = z.enum(['ru', 'vi', 'es', 'de', 'en']);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .default('true')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every variable the service reads, with the local defaults listed in `.env.example`. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Port of the worker's own health/metrics server when it runs alone. */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/eastside'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so several deployments can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('eastside'),
  /** Inbound worker: how many conversations are processed at once per process. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** BullMQ lock of a job: a worker that dies holding a job loses it after this time. */
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30000),
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).default(15000),
  /** Inbox rows not processed after this time are queued again at start and periodically. */
  RECOVERY_AFTER_MS: z.coerce.number().int().min(100).default(60000),
  DEFAULT_LOCALE: LOCALE.default('en'),
  /** Bot instances (channel, language, credentials by env-var name). */
  BOTS_CONFIG: z.string().min(1).default('config/bots.yaml'),
  /** Version of the privacy notice people accept; bump it when the notice changes. */
  PRIVACY_POLICY_VERSION: z.string().min(1).default('2026-11-27'),
  /** Conversations with no activity for this many days are deleted by the retention job. */
  DATA_RETENTION_DAYS: z.coerce.number().int().min(1).default(180),
  /** Where the running service reads the knowledge base: 'db' (imported versions) or 'files'. */
  KB_SOURCE: z.enum(['db', 'files']).default('db'),
  KB_DIR: z.string().min(1).default('knowledge-base'),
  /** Origins allowed to embed the web chat widget (comma-separated, '*' for any). */
  WEBCHAT_ALLOWED_ORIGINS: z.string().default('*'),
  /** Set true only behind a reverse proxy that sets X-Forwarded-For (rate limits key on the client IP). */
  TRUST_PROXY: z.enum(['true', 'false', '1', '0', 'yes', 'no']).default('false').transform((v) => v === 'true' || v === '1' || v === 'yes'),
  /** Counsellors' office hours in HANDOFF_TIMEZONE, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-13:00" (empty: never on duty). */
  HANDOFF_OFFICE_HOURS: z.string().default('Mon-Fri 09:00-17:00'),
  /** Public holidays (closed all day), ISO dates separated by commas. */
  HANDOFF_HOLIDAYS: z.string().default(''),
  HANDOFF_TIMEZONE: z.string().min(1).default('Europe/Berlin'),
  /** A ticket unclaimed this long (office time) alerts the team again. Fractions allowed (tests). */
  HANDOFF_SLA_MINUTES: z.coerce.number().positive().default(15),
  /** A ticket unclaimed this long (office time) goes back to the bot, and the person is told. */
  HANDOFF_RETURN_AFTER_MINUTES: z.coerce.number().positive().default(120),
  /** Where new tickets and SLA reminders are announced: 'log', or 'telegram' (a staff group). */
  HANDOFF_STAFF_NOTIFIER: z.enum(['log', 'telegram', 'none']).default('log'),
  /** Staff group notifications: token of a bot in the staff group and the group's chat id. */
  STAFF_TELEGRAM_BOT_TOKEN: z.string().optional(),
  STAFF_TELEGRAM_CHAT_ID: z.string().optional(),
  /** Telegram Bot API root (a local Bot API server, or a fake one in tests). */
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  /** Canned replies of the console, per language (YAML). */
  HANDOFF_CANNED_REPLIES: z.string().min(1).default('config/canned-replies.yaml'),
  /** Console sessions expire after this many hours. */
  CONSOLE_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Console logins allowed per IP address and per e-mail address in the window below. */
  CONSOLE_LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  CONSOLE_LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  /** Apply migrations and import the knowledge base (if none is active) at start. */
  MIGRATE_ON_START: bool,
  /** Build every answer of the day in the background when a worker starts and when the day changes (services/knowledge/warm-answers.ts). */
  WARM_ANSWERS_ON_START: bool,
  /** Public base URL Telegram posts webhooks to (`<base>/telegram/<botId>/webhook`); PUBLIC_BASE_URL when unset. */
  TELEGRAM_WEBHOOK_BASE_URL: z.string().url().optional(),
  /** Long polling (bots with `mode: polling`): seconds one getUpdates call waits for updates. */
  TELEGRAM_POLL_TIMEOUT_S: z.coerce.number().int().min(0).max(50).default(25),
  /** WhatsApp Cloud API (Graph API) root: Meta's, or a test server. */
  WHATSAPP_API_ROOT: z.string().url().default('https://graph.facebook.com'),
  /** Graph API version of the Cloud API calls (Meta supports each for about two years). */
  WHATSAPP_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'a Graph API version such as v23.0').default('v23.0'),
  /** whatsapp-web.js pilots: where LocalAuth keeps the login sessions (one folder per bot). */
  WHATSAPP_WEB_SESSION_DIR: z.string().min(1).default('.wwebjs_auth'),
  /** whatsapp-web.js pilots: the system's Chromium (no browser is ever downloaded). */
  WHATSAPP_WEB_CHROMIUM: z.string().min(1).default('/usr/bin/chromium'),
});

export type Config = z.infer<typeof configSchema>;

/** A configuration problem a person can act on; start-up stops with this message. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
}

/** Reads `KEY=value` lines of a `.env` file (no expansion); the real environment wins. */
export function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/**
 * Parses the configuration once. Empty strings count as unset (so `.env.example` copied as
 * `.env` works). Throws ConfigError naming every missing or invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const fromFile = env === process.env ? readDotEnv(path.resolve('.env')) : {};
  const merged: Record<string, unknown> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') merged[k] = v;
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable and its default.`);
  }
  return parsed.data;
}

/** The raw value of a secret named in the bot configuration (credentials live in the environment). */
export function readSecret(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name] ?? readDotEnv(path.resolve('.env'))[name];
  return value === '' ? undefined : value;
}
