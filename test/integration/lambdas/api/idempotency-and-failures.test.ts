import { describe, expect, it } from 'vitest';
import { freePort } from '#local/ports.ts';
import { type AcceptedBody, jsonOf, problemOf, useApiHarness } from '#test/helpers/api-harness.ts';

// Idempotency-Key and the failure paths after validation: a retry never creates a second message for
// an answer the caller already got, and never replays an answer for a message that was not queued.

const MOBILE = '+79991234567';

describe('API idempotency and failures (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when the same key comes with the same body, then the first answer is replayed and one message exists', async () => {
    // Prepare
    const api = await harness.start();
    const key = { 'idempotency-key': 'order-42' };
    const first = await api.post('/v1/messages', { to: MOBILE, text: 'Hello', clientRef: 'r1' }, key);
    // Act: the same body with its keys in another order and other whitespace
    const retry = await api.post(
      '/v1/messages',
      '{ "clientRef": "r1",  "text": "Hello", "to": "+79991234567" }',
      key,
    );
    // Assess
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    const firstBody = await jsonOf<AcceptedBody>(first);
    expect(await jsonOf(retry)).toEqual(firstBody);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.headers.get('location')).toBe(`/v1/messages/${firstBody.id}`);
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
    expect(await harness.items(api.tables.messages, 'IDEM#')).toHaveLength(1);
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id: firstBody.id })]);
    expect(api.logs[1]).toMatchObject({ status: 202, messageId: firstBody.id, replayed: true });
  });

  it('when the same key comes with a different body, then 422 idempotency_key_reused and nothing more is stored', async () => {
    // Prepare
    const api = await harness.start();
    const key = { 'idempotency-key': 'order-43' };
    const first = await jsonOf<AcceptedBody>(
      await api.post('/v1/messages', { to: MOBILE, text: 'Hello' }, key),
    );
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello again' }, key);
    // Assess
    expect(response.status).toBe(422);
    expect(await problemOf(response)).toMatchObject({
      code: 'idempotency_key_reused',
      errors: [{ code: 'idempotency_key_reused', path: ['headers', 'Idempotency-Key'] }],
    });
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ id: first.id }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id: first.id })]);
  });

  it('when the enqueue fails, then 503 with Retry-After, the record is failed, and a retry with the key sends a new message', async () => {
    // Prepare: the urgent queue URL names a queue fauxqs does not have
    const queues = await harness.aws.freshQueues();
    const broken = await harness.start({
      queues: { ...queues, urgent: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    const key = { 'idempotency-key': 'order-44' };
    const body = { to: MOBILE, text: 'Hello' };
    // Act
    const failed = await broken.post('/v1/messages', body, key);
    // Assess
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    const problem = await problemOf(failed);
    expect(problem).toMatchObject({ code: 'enqueue_failed', messageId: expect.any(String) });
    const [record] = await harness.items(broken.tables.messages, 'MSG#');
    expect(record).toMatchObject({
      id: problem.messageId,
      status: 'failed',
      error: { code: 'enqueue_failed', name: expect.any(String), description: expect.any(String) },
      history: [{ status: 'accepted' }, { status: 'failed' }],
    });

    // Act: the caller retries with the same key once the queue works again
    const healthy = await harness.start({ tables: broken.tables, queues });
    const retried = await healthy.post('/v1/messages', body, key);
    const replayed = await healthy.post('/v1/messages', body, key);
    // Assess
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const retriedBody = await jsonOf<AcceptedBody>(retried);
    expect(retriedBody.id).not.toBe(problem.messageId);
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await jsonOf(replayed)).toEqual(retriedBody);
    expect(await harness.drain(queues.urgent)).toEqual([expect.objectContaining({ id: retriedBody.id })]);
    const statuses = (await harness.items(broken.tables.messages, 'MSG#')).map(({ id, status }) => ({
      id,
      status,
    }));
    expect(statuses).toEqual(
      expect.arrayContaining([
        { id: problem.messageId, status: 'failed' },
        { id: retriedBody.id, status: 'accepted' },
      ]),
    );
    expect(statuses).toHaveLength(2);
  });

  it('when the enqueue fails for a request without a key, then 503 and the record is failed, not left accepted', async () => {
    // Prepare
    const queues = await harness.aws.freshQueues();
    const api = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello', priority: 'bulk' });
    // Assess
    expect(response.status).toBe(503);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({ code: 'enqueue_failed' }),
      }),
    ]);
    expect(api.logs).toEqual([
      expect.objectContaining({ level: 'error', status: 503, code: 'enqueue_failed' }),
    ]);
  });

  it('when DynamoDB cannot be reached, then 503 repository_unavailable with Retry-After and nothing is enqueued', async () => {
    // Prepare: a port nothing listens on
    const closedPort = await freePort();
    const api = await harness.start({ env: { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closedPort}` } });
    // Act
    const response = await api.post(
      '/v1/messages',
      { to: MOBILE, text: 'Hello' },
      { 'idempotency-key': 'k' },
    );
    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ code: 'repository_unavailable' });
    expect(JSON.stringify(problem)).not.toContain('127.0.0.1');
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
  });

  it('when an unexpected error happens, then 500 internal_error tells nothing of the internals and the log names the error', async () => {
    // Prepare: a table name that does not exist is a permanent DynamoDB error, not an outage
    const api = await harness.start({ env: { MESSAGES_TABLE: 'no-such-table' } });
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Hello' });
    // Assess
    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
    expect(JSON.stringify(problem)).not.toMatch(/no-such-table|ResourceNotFound|Exception|at /);
    expect(api.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        status: 500,
        code: 'internal_error',
        error: 'ResourceNotFoundException',
        frames: expect.any(Array),
      }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
  });
});
