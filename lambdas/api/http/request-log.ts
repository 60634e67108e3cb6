import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';

// One JSON line per request: method, route pattern (never the raw path, which holds ids an operator
// may not need and could hold anything a caller typed), status, latency, and what the handler chose
// to add (message id, masked recipient, problem code). Never the text, never headers or credentials;
// the logger's redaction (core/observability) holds to that whatever a handler adds.

/** The API's logger: the project's one format and redaction, under the service name `api`. */
export function apiLogger(write?: LogWriter): Logger {
  return createLogger({ service: 'api', ...(write ? { write } : {}) });
}

export interface ApiEnv {
  Variables: { logFields: Record<string, unknown> };
}

/** Adds fields to this request's log line (call from handlers and use-case result mapping). */
export function logFields(c: Context<ApiEnv>, fields: Record<string, unknown>): void {
  c.set('logFields', { ...c.get('logFields'), ...fields });
}

export function requestLog(log: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('logFields', {});
    await next();
    const status = c.res.status;
    const route = routePath(c, -1);
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    log[level]('request', {
      method: c.req.method,
      route: route === '*' || route === '/*' || route === '' ? 'unmatched' : route,
      status,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      ...c.get('logFields'),
    });
  };
}
