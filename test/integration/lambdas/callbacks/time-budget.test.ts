import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '#core/observability/json-logger.ts';
import { loadCallbackWorkerConfig } from '#lambdas/callbacks/config.ts';
import { createCallbackWorkerPorts } from '#lambdas/callbacks/ports.ts';
import { freePort } from '#local/ports.ts';
import { startBlackHole } from '#test/helpers/net/black-hole.ts';
import { callbackJob } from '#test/unit/lambdas/callbacks/jobs.ts';

// The worker Lambda is killed at its timeout (30 s), and a batch cut off there comes back whole: the
// callbacks it had delivered are posted again, and each job counts one more receive toward the DLQ.
// With the SDK's defaults (SQS 30 s a request, 3 attempts) one hung ChangeMessageVisibility (the
// back-off of a job whose receiver answered 503) did that. Now the worker's clients give up on their
// own, and the batch ends at a deadline from the Lambda's remaining time, handing back only the jobs
// not finished. SQS is a loopback black hole (takes connections, never answers); short limits and a
// small remaining time keep each case to a second or two.

/** How long a case waits for the worker to answer before calling it hung. */
const OBSERVE_MS = 4_000;

const still = <T>(work: Promise<T>): Promise<T | 'still running'> =>
  Promise.race([
    work,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), OBSERVE_MS)),
  ]);

describe('callback worker: time budget against hung AWS endpoints (loopback only)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.unstubAllEnvs();
  });

  /** A loopback URL nothing listens on: connections are refused at once. */
  const refusedUrl = async (): Promise<string> => `http://127.0.0.1:${await freePort()}`;

  it('when SQS hangs on the back-off of one failed callback, then the handler answers by its deadline and hands back only that job, not the delivered one', async () => {
    // Prepare: a receiver (/ok 200, /busy 503), SQS a black hole, DynamoDB refusing
    const posted: string[] = [];
    const receiver: Server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        posted.push(request.url ?? '');
        response.writeHead(request.url === '/busy' ? 503 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    vi.stubEnv('CALLBACK_QUEUE_URL', `${hole.url}/000000000000/callbacks`);
    vi.stubEnv('MESSAGES_TABLE', 'messages');
    vi.stubEnv('CALLBACK_SIGNING_SECRET', 'test-signing-secret-not-real');
    vi.stubEnv('CALLBACK_SIGNING_SECRET_ARN', undefined);
    vi.stubEnv('ALLOW_LOOPBACK_CALLBACKS', 'true');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', hole.url);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', await refusedUrl());
    const { handler } = await import('#lambdas/callbacks/handler.ts');
    const delivered = callbackJob({ url: `${base}/ok`, event: { id: 'delivered-one' } });
    const retried = callbackJob({ url: `${base}/busy`, event: { id: 'retried-one' } });
    // 3 s left of the invocation: less the handler's 2 s margin, a deadline 1 s away.
    const context = { getRemainingTimeInMillis: () => 3_000 };

    // Act
    const started = Date.now();
    const answer = await still(handler({ Records: [delivered, retried] }, context));
    const tookMs = Date.now() - started;

    // Assess: both posted once; only the job whose back-off hung comes back
    expect(posted.sort()).toEqual(['/busy', '/ok']);
    expect(hole.connections).toBeGreaterThan(0);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: retried.messageId }] });
    expect(tookMs).toBeLessThan(2_000);
  });

  it('when SQS takes the connection and never answers, then the worker ports give up after their attempts instead of the SDK default 30 s each', async () => {
    // Prepare
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const config = loadCallbackWorkerConfig({
      CALLBACK_QUEUE_URL: `${hole.url}/000000000000/callbacks`,
      MESSAGES_TABLE: 'messages',
      CALLBACK_SIGNING_SECRET: 'test-signing-secret-not-real',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SQS: hole.url,
    });
    const limits = { maxAttempts: 2, connectionTimeoutMs: 200, requestTimeoutMs: 300 };
    const ports = createCallbackWorkerPorts(
      { ...config, limits: { ...config.limits, sqs: limits } },
      createLogger({ service: 'test', write: () => undefined }),
    );

    // Act
    const started = Date.now();
    const outcome = await still(
      ports.delayRetry('receipt-1', 10).then(
        () => 'answered',
        (error: Error) => error.name,
      ),
    );
    const tookMs = Date.now() - started;

    // Assess: two attempts of 300 ms each, then a timeout the worker logs and moves past
    expect(outcome).toBe('TimeoutError');
    expect(hole.connections).toBe(limits.maxAttempts);
    expect(tookMs).toBeLessThan(2_000);
  });
});
