/**
 * A lease in Redis: one process at a time holds a named key (the Telegram long-polling loop of a
 * bot, a whatsapp-web.js pilot). The holder renews it before it expires; if the holder dies, the
 * key expires and another process takes over.
 */
import type { Redis } from 'ioredis';

/** Takes the lease if free, renews it if `owner` holds it; 1 when `owner` holds it afterwards. */
const RENEW = `
local v = redis.call('GET', KEYS[1])
if v == false then return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) and 1 or 0 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Takes or renews the lease `key` for `owner` for `ttlMs`; true when `owner` holds it now.
 * @example if (await renewLease(redis, keys.lock, owner, 60_000)) poll();
 */
export async function renewLease(redis: Redis, key: string, owner: string, ttlMs: number): Promise<boolean> {
  return Number(await redis.eval(RENEW, 1, key, owner, ttlMs)) === 1;
}

/** Gives the lease up if `owner` holds it (never another holder's). */
export async function releaseLease(redis: Redis, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, owner);
}
