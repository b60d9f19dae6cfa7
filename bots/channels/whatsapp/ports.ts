/**
 * What the WhatsApp senders need from the host, implemented in services/ (Redis) and by
 * in-memory fakes in tests. Structurally the same as the Telegram sender's, so the shared
 * Redis implementations (services/delivery/rate-limiter.ts) serve both channels.
 */
import type { WhatsAppRateLimits } from './options';

/** Shared send budget of all processes. */
export interface WhatsAppRateLimiter {
  /**
   * Reserves `count` messages from number `botId` to `person`.
   * @returns 0 when reserved (send now); otherwise the ms to wait, and nothing is reserved
   */
  reserve(botId: string, person: string, count: number, limits: WhatsAppRateLimits): Promise<number>;
}

/** Remembers how many messages of a split reply were sent, across retries of its job. */
export interface SentPartsLog {
  get(key: string): Promise<number>;
  set(key: string, sentParts: number): Promise<void>;
}

/**
 * The values of the numbered list a person was sent last (the numbered-text fallback for
 * choices), so that "2" can be read back as the second choice.
 */
export interface NumberedChoiceMemory {
  /** `null` forgets (the last reply had no numbered list). */
  remember(botId: string, person: string, values: string[] | null): Promise<void>;
  recall(botId: string, person: string): Promise<string[] | null>;
}
