/**
 * What every channel provides. Receiving and sending are separate (Rasa's InputChannel /
 * OutputChannel split): `ChannelAdapter` normalises platform payloads into InboundMessage once,
 * at the boundary; `ChannelSender` renders channel-neutral Replies into platform calls.
 */
import type { InboundMessage, Reply } from '../engine/types';
import type { BotInstance } from '../instances';

/** Cheap identification of a raw update at the webhook, for dedupe and per-person order. */
export interface InboundIdentity {
  externalUserId: string;
  platformMessageId: string;
}

export interface ChannelAdapter {
  readonly channel: BotInstance['channel'];
  /** null: not for the bot (edited message, group chat, status update …): acknowledged, ignored. */
  identify(raw: unknown, bot: BotInstance): InboundIdentity | null;
  /** The full normalisation, run by the worker. null: nothing to answer. */
  toInbound(raw: unknown, bot: BotInstance): InboundMessage | null;
}

/** Where a reply goes. */
export interface DeliveryTarget {
  bot: BotInstance;
  externalUserId: string;
}

/**
 * A platform refusal, wrapped at the adapter boundary.
 * `retryable` false: give up (blocked bot, invalid chat); `unreachable`: mark the contact.
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly opts: { retryAfterMs?: number; unreachable?: boolean } = {},
  ) {
    super(message);
  }
}

export interface ChannelSender {
  readonly channel: BotInstance['channel'];
  /** Sends one Reply (it may become several platform messages). Throws ChannelError. */
  send(target: DeliveryTarget, reply: Reply, meta: { messageId?: number; locale?: string; from?: 'bot' | 'counsellor'; continuesBatch?: boolean }): Promise<{ platformMessageId?: string }>;
}
