import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadStatusStreamConfig } from '#lambdas/status-stream/config.ts';
import { handleStreamRecords } from '#lambdas/status-stream/handle-records.ts';
import { createStatusStreamPorts, statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { freePort } from '#local/ports.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { startBlackHole } from '#test/helpers/net/black-hole.ts';
import { deliveredRecord } from '#test/unit/lambdas/status-stream/records.ts';

// The status-stream Lambda is killed at its timeout (60 s), and a batch cut off there is retried
// whole: the events it had published are published again, and the shard waits 60 s a try. Its
// EventBridge client had no connection or request timeout (`new EventBridgeClient({ region })`): a
// PutEvents whose connection hung was never given up, so its records could not be reported in
// batchItemFailures. Now the client comes from core/aws/clients.ts with limits, and each invocation's
// calls end at a deadline from the Lambda's remaining time. EventBridge is a loopback black hole
// (takes connections, never answers); short limits and a small remaining time keep each case to a
// second or two.

/** How long a case waits for the handler to answer before calling it hung. */
const OBSERVE_MS = 4_000;

const still = <T>(work: Promise<T>): Promise<T | 'still running'> =>
  Promise.race([
    work,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), OBSERVE_MS)),
  ]);

/** A loopback URL nothing listens on: connections are refused at once. */
const refusedUrl = async (): Promise<string> => `http://127.0.0.1:${await freePort()}`;

describe('status stream: time budget against a hung EventBridge (loopback only)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.unstubAllEnvs();
  });

  it('when EventBridge takes the connection and never answers, then the ports give up after their attempts and the record is reported failed', async () => {
    // Prepare
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const sqs = await refusedUrl();
    const config = loadStatusStreamConfig({
      EVENT_BUS_NAME: 'default',
      CALLBACK_QUEUE_URL: `${sqs}/000000000000/callbacks`,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_EVENTBRIDGE: hole.url,
      AWS_ENDPOINT_URL_SQS: sqs,
    });
    const limits = { maxAttempts: 2, connectionTimeoutMs: 200, requestTimeoutMs: 300 };
    const { lines, write } = captureLogs();
    const ports = createStatusStreamPorts(config, statusStreamLogger(write), {
      eventBridge: limits,
      sqs: limits,
    });
    const record = deliveredRecord({ callbackUrl: 'https://hooks.example.com/sms' });

    // Act
    const started = Date.now();
    const answer = await still(handleStreamRecords([record], ports));
    const tookMs = Date.now() - started;

    // Assess: two attempts of 300 ms, then the record comes back alone, its reason logged
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber }] });
    expect(hole.connections).toBe(limits.maxAttempts);
    expect(tookMs).toBeLessThan(2_000);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'status event not published', errorCode: 'TimeoutError' }),
    );
  });

  it('when EventBridge hangs longer than the invocation has left, then the handler reports the record failed by its deadline', async () => {
    // Prepare: the deployed limits (2 attempts of 1 s + 3 s), an invocation with 3 s left
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const sqs = await refusedUrl();
    vi.stubEnv('EVENT_BUS_NAME', 'default');
    vi.stubEnv('EVENT_RESOURCE_ARN', undefined);
    vi.stubEnv('CALLBACK_QUEUE_URL', `${sqs}/000000000000/callbacks`);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', hole.url);
    vi.stubEnv('AWS_ENDPOINT_URL_SQS', sqs);
    const { handler } = await import('#lambdas/status-stream/handler.ts');
    const record = deliveredRecord();
    // Less the handler's 2 s margin: a deadline 1 s away.
    const context = { getRemainingTimeInMillis: () => 3_000 };

    // Act
    const started = Date.now();
    const answer = await still(handler({ Records: [record] }, context));
    const tookMs = Date.now() - started;

    // Assess
    expect(hole.connections).toBeGreaterThan(0);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber }] });
    expect(tookMs).toBeLessThan(2_000);
  });
});
