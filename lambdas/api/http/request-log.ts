import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

// One JSON line per request: method, route pattern (never the raw path, which holds ids an operator
// may not need and could hold anything a caller typed), status, latency, and what the handler chose
// to add (message id, masked recipient, problem code). Never the text, never headers or credentials.

export type LogLevel = 'info' | 'warn' | 'error';
export type LogLine = { level: LogLevel; msg: string } & Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

/**
 * Written straight to stdout: Lambda's console.* would prefix a timestamp and request id, breaking
 * the one-JSON-object-per-line format that log queries rely on.
 */
export const stdoutLog: LogSink = (line) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

export interface ApiEnv {
  Variables: { logFields: Record<string, unknown> };
}

/** Adds fields to this request's log line (call from handlers and use-case result mapping). */
export function logFields(c: Context<ApiEnv>, fields: Record<string, unknown>): void {
  c.set('logFields', { ...c.get('logFields'), ...fields });
}

export function requestLog(log: LogSink): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    c.set('logFields', {});
    await next();
    const status = c.res.status;
    const route = routePath(c, -1);
    log({
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      msg: 'request',
      method: c.req.method,
      route: route === '*' || route === '/*' || route === '' ? 'unmatched' : route,
      status,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      ...c.get('logFields'),
    });
  };
}
