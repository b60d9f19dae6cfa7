/**
 * Server-Sent Events for the web chat and the console: opens the stream on a hijacked fastify
 * reply, sends a heartbeat so proxies and cheap phones' networks keep the connection, and cleans
 * up (heartbeat, subscriptions) when the client goes away.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';

/** Proxies and mobile networks drop idle connections after about a minute. */
export const SSE_HEARTBEAT_MS = 25_000;

export interface EventStream {
  res: ServerResponse;
  /** One event; `id` (numeric ids only) lets the browser resume with Last-Event-ID. */
  send(data: unknown, id?: string): void;
  /** Runs when the client disconnects (or the stream is ended). */
  onClose(fn: () => void): void;
}

export function openEventStream(req: FastifyRequest, reply: FastifyReply, opts: { retryMs?: number; heartbeatMs?: number } = {}): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${opts.retryMs ?? 3000}\n\n`);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), opts.heartbeatMs ?? SSE_HEARTBEAT_MS);
  const closers: (() => void)[] = [() => clearInterval(heartbeat)];
  req.raw.on('close', () => {
    for (const fn of closers) fn();
  });
  return {
    res,
    send(data, id) {
      const idLine = id !== undefined && /^\d+$/.test(id) ? `id: ${id}\n` : '';
      res.write(`${idLine}data: ${JSON.stringify(data)}\n\n`);
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
}
