/**
 * The test app builder: the real service (real PostgreSQL database of its own, real Redis with a
 * unique key prefix) on a random port, with fake platform servers passed in as overrides.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig, type Config } from '../../services/config/config';
import { buildService, type Role, type Service, type ServiceOverrides } from '../../services/build-service';
import { createTestDb, type TestDb } from './db';
import { dropKeysWithPrefix } from './redis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestService {
  service: Service;
  baseUrl: string;
  testDb: TestDb;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(databaseUrl: string, prefix: string, extra: Record<string, string | number> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      PORT: '0',
      WORKER_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      KB_SOURCE: 'files',
      WORKER_CONCURRENCY: '4',
      MIGRATE_ON_START: 'false',
      // Tests start many services; building every answer each time would only cost CPU.
      WARM_ANSWERS_ON_START: 'false',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
    } as NodeJS.ProcessEnv,
  );
}

export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/** Removes every Redis key of a test prefix. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  await dropKeysWithPrefix(REDIS_URL, prefix);
}

export async function startTestService(
  label: string,
  opts: { role?: Role; overrides?: ServiceOverrides; env?: Record<string, string | number>; testDb?: TestDb; prefix?: string } = {},
): Promise<TestService> {
  const testDb = opts.testDb ?? (await createTestDb(label));
  const prefix = opts.prefix ?? uniquePrefix(label);
  const config = testConfig(testDb.url, prefix, opts.env);
  const service = await buildService(config, opts.role ?? 'all', {
    logger: pino({ level: config.LOG_LEVEL }),
    defaultMetrics: false,
    ...opts.overrides,
  });
  const address = await service.listen();
  return {
    service,
    baseUrl: address ?? '',
    testDb,
    config,
    async close() {
      await service.close();
      if (!opts.testDb) await testDb.close();
      if (!opts.prefix) await dropRedisPrefix(prefix);
    },
  };
}

/** Polls until `fn` returns a truthy value or the time is up. */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`waitFor timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
