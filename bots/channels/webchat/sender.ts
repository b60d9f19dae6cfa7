/** Web chat sending: the event is published to the person's live topic; open pages receive it. */
import { randomUUID } from 'node:crypto';
import type { ChannelSender } from '../channel';
import { renderWebchatReply, type WebchatEvent } from './render';

export function webchatTopic(sessionId: string): string {
  return `webchat:${sessionId}`;
}

export function createWebchatSender(publish: (topic: string, event: WebchatEvent) => Promise<void>): ChannelSender {
  return {
    channel: 'webchat',
    async send(target, reply, meta) {
      const id = meta.messageId !== undefined ? String(meta.messageId) : `x-${randomUUID()}`;
      await publish(webchatTopic(target.externalUserId), renderWebchatReply(reply, id, new Date(), meta.from ?? 'bot'));
      return { platformMessageId: id };
    },
  };
}
