import { afterEach, describe, expect, it } from 'vitest';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { RecordStore } from '#lambdas/api/deps.ts';
import { freePort } from '#local/ports.ts';
import {
  type AcceptedBody,
  jsonOf,
  problemOf,
  startWithUnmarkableBulkLane,
  useApiHarness,
  withOverrides,
} from '#test/helpers/api/api-harness.ts';

// The failure paths after validation for a request without an Idempotency-Key: the caller gets a
// clear 5xx, and no record is left `accepted` for a message that was not queued.

const MOBILE = '+79991234567';

/** A store that lands, then fails as a call whose answer was lost does. */
function storedThenAnswerLost(messages: RecordStore): RecordStore['createAccepted'] {
  return async (record, idempotency) => {
    await messages.createAccepted(record, idempotency);
    throw new RepositoryUnavailableError('create message: TimeoutError');
  };
}
describe('API failures without an idempotency key (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
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

  it('when the store lands but its answer is lost, then 503, the record is failed so nothing sends it, and the resend is the one message queued', async () => {
    // Prepare: the record is written, then the call fails as a lost answer does
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAccepted: storedThenAnswerLost(deps.messages),
        }),
      }),
    });
    const body = { to: MOBILE, text: 'Lost answer' };
    const lost = await api.post('/v1/messages', body);
    expect(lost.status).toBe(503);
    const healthy = await harness.start({ tables: api.tables, queues: api.queues });
    // Act: the caller sends it again, as the 503 asks
    const again = await healthy.post('/v1/messages', body);
    // Assess: the first stays failed (the sweeper only sends `accepted`), the resend goes
    expect(again.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(again);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records.map(({ status }) => status).sort()).toEqual(['accepted', 'failed']);
    expect(records.find((record) => record.status === 'failed')).toMatchObject({
      error: expect.objectContaining({ code: 'enqueue_failed' }),
    });
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id })]);
  });

  it('when the store lands with its answer lost and marking it failed fails too, then 503 store_outcome_unknown names the message instead of asking for a resend', async () => {
    // Prepare: DynamoDB stores the record, then fails every call, as in an outage
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAccepted: storedThenAnswerLost(deps.messages),
          markNotQueued: async () => {
            throw new RepositoryUnavailableError('mark message failed: TimeoutError');
          },
        }),
      }),
    });
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Maybe stored' });
    // Assess: before, 503 repository_unavailable ("try again") while the record stayed accepted, so
    // the sweeper sent it and the caller's resend was a second copy.
    const problem = await problemOf(response);
    const [record] = await harness.items(api.tables.messages, 'MSG#');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(problem).toMatchObject({ code: 'store_outcome_unknown', messageId: record?.id });
    expect(problem.detail).toMatch(/GET \/v1\/messages\//);
    expect(record).toMatchObject({ status: 'accepted' });
  });

  it('when the enqueue fails and marking the record fails too, then 202: the record stays accepted for the sweeper, and the caller is not told to send a second copy', async () => {
    // Prepare: the bulk queue is missing and DynamoDB fails every try of the failed-marking write
    const api = await startWithUnmarkableBulkLane(harness);
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Late', priority: 'bulk' });
    // Assess
    expect(response.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(response);
    expect(api.proxies.dynamodb.failedCount('BatchExecuteStatement (whole)')).toBeGreaterThan(0);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ id, status: 'accepted', attention: expect.stringMatching(/^accepted#/) }),
    ]);
    expect(api.logs).toContainEqual(
      expect.objectContaining({ level: 'error', messageId: id, markError: 'RepositoryUnavailableError' }),
    );
  });
});
