import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { CallbackError } from '#core/callbacks/callback.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';
import { type ApiEnv, apiLogger, logFields, requestLog } from '#lambdas/api/http/request-log.ts';
import { handleCallbackJobs } from '#lambdas/callbacks/handle-jobs.ts';
import { callbackWorkerLogger } from '#lambdas/callbacks/ports.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { callbackJob } from '#test/unit/lambdas/callbacks/jobs.ts';

// Every runtime's logger, built the way that runtime builds it, holds to the same rules: a phone
// number in a field or quoted by an error is masked, message text and credentials never appear.

const PHONE = '+79991234567';
const MASKED = '+7999*****67';
const TEXT = 'Your code is 4711';
const PASSWORD = 'fake-password-1';

/** What a careless caller might hand a logger. */
function carelessFields(): Record<string, unknown> {
  return {
    to: PHONE,
    error: new Error(`submit refused for ${PHONE.slice(1)}`),
    text: TEXT,
    password: PASSWORD,
    secret: PASSWORD,
    credentials: { systemId: 'acme', password: PASSWORD },
    comment: TEXT,
  };
}

function expectRedacted(written: string): void {
  expect(written).toContain(MASKED);
  expect(written).not.toContain(PHONE.slice(1));
  expect(written).not.toContain(TEXT);
  expect(written).not.toContain(PASSWORD);
}

const runtimes: [string, (write: LogWriter) => Logger][] = [
  ['bind-service', (write) => bindServiceLogger('debug', write).child({ component: 'pipeline' })],
  ['api', (write) => apiLogger(write)],
  ['status-stream', (write) => statusStreamLogger(write)],
  ['callback-worker', (write) => callbackWorkerLogger(write)],
];

describe.each(runtimes)('the %s logger', (service, build) => {
  it('when a line carries a phone number, an error quoting it, text and a password, then only the masked number is written', () => {
    // Prepare
    const raw: string[] = [];
    const log = build((line) => raw.push(line));
    // Act
    log.error('submit failed', carelessFields());
    // Assess
    expect(raw).toHaveLength(1);
    const line = JSON.parse(raw[0] ?? '');
    expect(line).toMatchObject({
      level: 'error',
      service,
      to: MASKED,
      error: { name: 'Error', message: `submit refused for ${MASKED}` },
    });
    for (const dropped of ['text', 'password', 'secret', 'credentials', 'comment']) {
      expect(line).not.toHaveProperty(dropped);
    }
    expectRedacted(raw.join('\n'));
  });
});

describe('the api request log', () => {
  it('when a handler adds a phone number, an error, text and a password to its line, then the request line is redacted', async () => {
    // Prepare
    const { lines, write } = captureLogs();
    const app = new Hono<ApiEnv>();
    app.use('*', requestLog(apiLogger(write)));
    app.post('/v1/messages', (c) => {
      logFields(c, carelessFields());
      return c.json({ ok: true }, 202);
    });
    // Act
    const response = await app.request('/v1/messages', { method: 'POST' });
    // Assess
    expect(response.status).toBe(202);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request',
        service: 'api',
        method: 'POST',
        route: '/v1/messages',
        status: 202,
        to: MASKED,
      }),
    ]);
    expectRedacted(JSON.stringify(lines));
  });
});

describe('the callback worker', () => {
  it('when a callback fails with an error quoting a phone number, then the logged reason has it masked', async () => {
    // Prepare
    const { lines, write } = captureLogs();
    const ports = {
      sendCallback: async () => {
        throw new CallbackError(`receiver refused ${PHONE}`, 400);
      },
      recordOutcome: async () => undefined,
      delayRetry: async () => undefined,
      maxAttempts: 8,
      log: callbackWorkerLogger(write),
    };
    // Act
    await handleCallbackJobs([callbackJob()], ports);
    // Assess
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'callback failed',
        reason: `receiver refused ${MASKED}`,
        httpStatus: 400,
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(PHONE.slice(1));
  });
});
