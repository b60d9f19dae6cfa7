/**
 * The fastify app: a thin shell whose routes are plugins. One error handler hides 5xx details
 * from callers; logs carry no message text (request bodies are never logged).
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  readiness: ReadinessCheck[];
  /** Requests are refused with 503 once shutdown has begun. */
  isShuttingDown?: () => boolean;
  /** Trust X-Forwarded-For from a reverse proxy (only behind one: otherwise clients could spoof their IP). */
  trustProxy?: boolean;
  bodyLimit?: number;
}

export function buildHttpApp(opts: AppOptions): FastifyInstance {
  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger as unknown as FastifyBaseLogger,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // Query strings may carry session ids: log the route, not the full URL.
    requestIdHeader: 'x-request-id',
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err: { message: err.message, code: err.code, stack: err.stack } }, 'request failed');
      return reply.code(status === 500 ? 500 : status).send({ error: status === 503 ? 'unavailable' : 'internal_error' });
    }
    return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found' }));

  app.addHook('onRequest', async (_req, reply) => {
    if (opts.isShuttingDown?.()) {
      reply.header('connection', 'close');
      return reply.code(503).send({ error: 'shutting_down' });
    }
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      opts.readiness.map(async (r) => {
        try {
          await withTimeout(r.check(), 2000);
          results[r.name] = 'ok';
        } catch (err) {
          ok = false;
          results[r.name] = err instanceof Error ? err.message : 'failed';
        }
      }),
    );
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  return app;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
