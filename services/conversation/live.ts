/**
 * Live fan-out across processes over Redis pub/sub: the worker publishes (a reply for a web-chat
 * session, a console update), every web process delivers to its own open connections.
 */
import type { Redis } from 'ioredis';

export type LiveListener = (event: unknown) => void;

export interface LiveHub {
  publish(topic: string, event: unknown): Promise<void>;
  subscribe(topic: string, listener: LiveListener): () => void;
  close(): Promise<void>;
}

/** `sub` must be a connection of its own (Redis puts it in subscriber mode). */
export function createLiveHub(pub: Redis, sub: Redis, prefix: string): LiveHub {
  const channelPrefix = `${prefix}:live:`;
  const listeners = new Map<string, Set<LiveListener>>();
  let subscribed: Promise<unknown> | null = null;
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const set = listeners.get(channel.slice(channelPrefix.length));
    if (!set) return;
    let event: unknown;
    try {
      event = JSON.parse(message);
    } catch {
      return;
    }
    for (const listener of set) listener(event);
  });
  return {
    async publish(topic, event) {
      await pub.publish(channelPrefix + topic, JSON.stringify(event));
    },
    subscribe(topic, listener) {
      subscribed ??= sub.psubscribe(`${channelPrefix}*`);
      let set = listeners.get(topic);
      if (!set) listeners.set(topic, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    async close() {
      listeners.clear();
      if (subscribed) await sub.punsubscribe().catch(() => undefined);
    },
  };
}
