/**
 * Prometheus metrics: messages in and out by channel and language, queue depth, time from
 * receipt to reply handed to the channel.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';

export interface Metrics {
  registry: Registry;
  inbound(channel: string, locale: string): void;
  outbound(channel: string, locale: string, receivedAtMs?: number): void;
  watchQueues(queues: Queue[]): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const messagesIn = new Counter({
    name: 'eastside_messages_in_total',
    help: 'Messages received from people, by channel and language',
    labelNames: ['channel', 'language'] as const,
    registers: [registry],
  });
  const messagesOut = new Counter({
    name: 'eastside_messages_out_total',
    help: 'Replies handed to a channel, by channel and language',
    labelNames: ['channel', 'language'] as const,
    registers: [registry],
  });
  const timeToAnswer = new Histogram({
    name: 'eastside_time_to_answer_seconds',
    help: 'Time from receipt of a message to its reply handed to the channel',
    labelNames: ['channel'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const watched: Queue[] = [];
  new Gauge({
    name: 'eastside_queue_depth',
    help: 'Jobs waiting, delayed or active per queue',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of watched) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed').catch(() => null);
        if (!counts) continue;
        for (const [state, n] of Object.entries(counts)) this.set({ queue: queue.name, state }, n);
      }
    },
  });
  return {
    registry,
    inbound(channel, locale) {
      messagesIn.inc({ channel, language: locale });
    },
    outbound(channel, locale, receivedAtMs) {
      messagesOut.inc({ channel, language: locale });
      if (receivedAtMs) timeToAnswer.observe({ channel }, Math.max(0, Date.now() - receivedAtMs) / 1000);
    },
    watchQueues(queues) {
      watched.push(...queues);
    },
  };
}
