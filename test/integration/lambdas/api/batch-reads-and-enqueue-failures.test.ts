import { describe, expect, it } from 'vitest';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import {
  jsonOf,
  problemOf,
  startWithUnmarkableBulkLane,
  useApiHarness,
  withOverrides,
} from '#test/helpers/api/api-harness.ts';
import { type BatchBody, mobiles, oneEntryPerLane } from './batch-fixtures.ts';

// POST and GET /v1/batches through the real Node server, against DynamoDB Local and fauxqs.

describe('API /v1/batches: reads and enqueue failures (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when a batch is read, then GET gives the total and the count per status', async () => {
    // Prepare
    const api = await harness.start();
    const posted = await jsonOf<BatchBody>(await api.post('/v1/batches', { to: mobiles(3), text: 'Hi' }));
    // Act
    const response = await api.get(`/v1/batches/${posted.batchId}`);
    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      batchId: posted.batchId,
      total: 3,
      counts: {
        accepted: 3,
        submitting: 0,
        unknown: 0,
        submitted: 0,
        delivered: 0,
        undelivered: 0,
        expired: 0,
        rejected: 0,
        failed: 0,
      },
    });
  });

  it('when an unknown batch is read, then 404; when the id is malformed, then 400', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const unknown = await api.get('/v1/batches/b_01J00000000000000000000000');
    const malformed = await api.get('/v1/batches/01J00000000000000000000000');
    // Assess
    expect(unknown.status).toBe(404);
    expect(await problemOf(unknown)).toMatchObject({ code: 'not_found' });
    expect(malformed.status).toBe(400);
    expect(await problemOf(malformed)).toMatchObject({
      code: 'invalid_id',
      errors: [{ path: ['path', 'id'] }],
    });
  });

  it('when one lane cannot be enqueued, then its entries are failed and listed as enqueue_failed, the others accepted', async () => {
    // Prepare: the bulk queue URL names a queue fauxqs does not have; urgent works
    const queues = await harness.aws.freshQueues();
    const api = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    const [a, b] = mobiles(2);
    // Act
    const response = await api.post('/v1/batches', oneEntryPerLane(a, b));
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<BatchBody>(response);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([
      { index: 0, error: { code: 'enqueue_failed', path: ['messages', 0], message: expect.any(String) } },
    ]);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(
      records
        .map(({ to, status }) => ({ to, status }))
        .sort((x, y) => String(x.to).localeCompare(String(y.to))),
    ).toEqual([
      { to: a, status: 'failed' },
      { to: b, status: 'accepted' },
    ]);
    expect(await harness.drain(queues.urgent)).toEqual([expect.objectContaining({ to: b })]);
  });

  it('when no entry can be enqueued, then 503 enqueue_failed with Retry-After and every record is failed', async () => {
    // Prepare
    const queues = await harness.aws.freshQueues();
    const api = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    // Act
    const response = await api.post('/v1/batches', { to: mobiles(3), text: 'Hi' });
    // Assess
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await problemOf(response)).toMatchObject({ code: 'enqueue_failed', batchId: expect.any(String) });
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records.map((record) => record.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('when a lane cannot be enqueued and its records cannot be marked failed, then they count as accepted (the sweeper sends them), not as entries to send again', async () => {
    // Prepare: the bulk queue is missing and DynamoDB fails every try of the failed-marking writes
    const api = await startWithUnmarkableBulkLane(harness);
    const [a, b] = mobiles(2);
    // Act
    const response = await api.post('/v1/batches', oneEntryPerLane(a, b));
    // Assess
    expect(response.status).toBe(202);
    expect(await jsonOf(response)).toMatchObject({ accepted: 2, rejected: [] });
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records.map(({ status }) => status)).toEqual(['accepted', 'accepted']);
    expect(records.find(({ to }) => to === a)).toMatchObject({
      attention: expect.stringMatching(/^accepted#/),
    });
  });

  it('when the batch store fails with some records written and marking them failed fails too, then 503 store_outcome_unknown names the batch', async () => {
    // Prepare: the records are written, then DynamoDB fails every call, as in an outage
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAcceptedBatch: async (records) => {
            await deps.messages.createAcceptedBatch(records);
            throw new RepositoryUnavailableError('create messages: TimeoutError');
          },
          markNotQueued: async () => {
            throw new RepositoryUnavailableError('mark message failed: TimeoutError');
          },
        }),
      }),
    });
    // Act
    const response = await api.post('/v1/batches', { to: mobiles(2), text: 'Maybe stored' });
    // Assess: before, 503 repository_unavailable ("try again") with both records left accepted.
    const problem = await problemOf(response);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(problem).toMatchObject({ code: 'store_outcome_unknown', batchId: records[0]?.batchId });
    expect(records.map((record) => record.status)).toEqual(['accepted', 'accepted']);
  });
});
