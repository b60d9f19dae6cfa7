/**
 * Login rate limit: a Redis counter per key (the client's IP address, the e-mail address
 * tried) in a fixed window, shared by every web process.
 */
import type { Redis } from 'ioredis';

export interface LoginLimiter {
  /** Counts one attempt for every key; `allowed` is false when any key is over the limit. */
  hit(keys: string[]): Promise<{ allowed: boolean; retryAfterS: number }>;
  /** Forgets the attempts of a key (after a successful login for its e-mail address). */
  reset(key: string): Promise<void>;
}

export function createLoginLimiter(redis: Redis, prefix: string, maxAttempts: number, windowMs: number): LoginLimiter {
  const keyOf = (key: string) => `${prefix}:console:login:${key}`;
  return {
    async hit(keys) {
      let allowed = true;
      let retryAfterMs = 0;
      for (const key of keys) {
        const k = keyOf(key);
        const result = await redis.multi().set(k, '0', 'PX', windowMs, 'NX').incr(k).pttl(k).exec();
        const attempts = Number(result?.[1]?.[1] ?? 0);
        const ttl = Number(result?.[2]?.[1] ?? windowMs);
        if (attempts > maxAttempts) {
          allowed = false;
          retryAfterMs = Math.max(retryAfterMs, ttl);
        }
      }
      return { allowed, retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    },
    async reset(key) {
      await redis.del(keyOf(key));
    },
  };
}
