/**
 * What the WhatsApp bots keep in Redis (shared by every process, all short-lived):
 * - the numbered list a person was sent last (to read "2" back as the second choice), 24 h;
 * - each whatsapp-web.js pilot's connection state and login QR code, for the console.
 * Keys name a person only by a hash of their number, never by the number itself.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NumberedChoiceMemory } from '../../bots/channels/whatsapp/ports';
import type { WebConnectionState } from '../../bots/channels/whatsapp/web-client';

/** How long a numbered list can be answered. */
export const NUMBERED_CHOICES_TTL_S = 24 * 3600;

const personKey = (person: string) => createHash('sha256').update(person).digest('hex').slice(0, 32);

export function createRedisNumberedChoiceMemory(redis: Redis, prefix: string): NumberedChoiceMemory {
  const key = (botId: string, person: string) => `${prefix}:wa:numbered:${botId}:${personKey(person)}`;
  return {
    async remember(botId, person, values) {
      if (values && values.length > 0) await redis.set(key(botId, person), JSON.stringify(values), 'EX', NUMBERED_CHOICES_TTL_S);
      else await redis.del(key(botId, person));
    },
    async recall(botId, person) {
      const raw = await redis.get(key(botId, person));
      if (!raw) return null;
      try {
        const values = JSON.parse(raw) as unknown;
        return Array.isArray(values) && values.every((v) => typeof v === 'string') ? (values as string[]) : null;
      } catch {
        return null;
      }
    },
  };
}

/** A pilot's state as the console shows it. */
export interface PilotStatus {
  botId: string;
  state: WebConnectionState | 'not-running';
  /** The login QR code's content while `state` is `qr`. */
  qr: string | null;
  updatedAt: string | null;
}

/** A status not refreshed for this long is stale (the process holding the client stopped). */
export const PILOT_STATUS_TTL_S = 120;

export function createPilotStatusStore(redis: Redis, prefix: string) {
  const key = (botId: string) => `${prefix}:wa:web:${botId}:status`;
  return {
    async write(botId: string, state: WebConnectionState, qr: string | null): Promise<void> {
      const value: PilotStatus = { botId, state, qr: state === 'qr' ? qr : null, updatedAt: new Date().toISOString() };
      await redis.set(key(botId), JSON.stringify(value), 'EX', PILOT_STATUS_TTL_S);
    },
    async read(botId: string): Promise<PilotStatus> {
      const raw = await redis.get(key(botId));
      if (!raw) return { botId, state: 'not-running', qr: null, updatedAt: null };
      try {
        return JSON.parse(raw) as PilotStatus;
      } catch {
        return { botId, state: 'not-running', qr: null, updatedAt: null };
      }
    },
    async clear(botId: string): Promise<void> {
      await redis.del(key(botId));
    },
  };
}
