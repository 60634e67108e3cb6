import { describe, expect, it } from 'vitest';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import {
  jsonOf,
  problemOf,
  startWithUnmarkableBulkLane,
  useApiHarness,
  withOverrides,
} from '#test/helpers/api/api-harness.ts';
import type { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { type BatchBody, mobiles, oneEntryPerLane } from './batch-fixtures.ts';

// POST and GET /v1/batches through the real Node server, against DynamoDB Local and fauxqs.

/**
 * DynamoDB throttling a batch's store: each BatchWriteItem call writes its first item and gives the
 * others back unprocessed, each item at most `times` times (the repository tries a chunk 8 times, so
 * every chunk lands in the end, after about 3.5 s of back-off).
 */
function throttleBatchWrites(proxy: ItemFaultProxy, times: number): void {
  let firstInCall = false;
  const seen = new Map<string, number>();
  proxy.setCallRule(({ call }) => {
    if (call === 'BatchWriteItem') firstInCall = true;
    return false;
  });
  proxy.setRule(({ call, item }) => {
    if (call !== 'BatchWriteItem') return false;
    if (firstInCall) {
      firstInCall = false;
      return false;
    }
    const pk = JSON.stringify((item as { PutRequest?: { Item?: { pk?: unknown } } }).PutRequest?.Item?.pk);
    const count = seen.get(pk) ?? 0;
    if (count >= times) return false;
    seen.set(pk, count + 1);
    return true;
  });
}

/** How many times each value occurs. */
function tally(values: readonly unknown[]): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

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

  it('when the batch store fails and only some records can be marked failed, then 503 store_outcome_unknown lists the entries never to go as rejected and those in doubt with their message ids', async () => {
    // Prepare: the records are written, then the store fails; the mark of one of them fails too
    const [sure, doubtful] = mobiles(2);
    const created: { id: string; to: string }[] = [];
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAcceptedBatch: async (records) => {
            created.push(...records.map(({ id, to }) => ({ id, to })));
            await deps.messages.createAcceptedBatch(records);
            throw new RepositoryUnavailableError('create messages: TimeoutError');
          },
          markNotQueued: async (id, error) => {
            if (created.find((record) => record.id === id)?.to === doubtful) {
              throw new RepositoryUnavailableError('mark message failed: TimeoutError');
            }
            return deps.messages.markNotQueued(id, error);
          },
        }),
      }),
    });
    // Act
    const response = await api.post('/v1/batches', { to: ['12', sure, doubtful], text: 'Maybe stored' });
    // Assess: before, only the batch id: the caller could tell neither the invalid entry nor the one
    // certain not to go from the one that may be sent, and resending any of them risked a copy.
    const problem = await problemOf(response);
    expect(response.status).toBe(503);
    expect(problem).toMatchObject({
      code: 'store_outcome_unknown',
      accepted: 0,
      rejected: [
        { index: 0, error: { code: expect.not.stringMatching(/^enqueue_failed$/), path: ['to', 0] } },
        { index: 1, error: { code: 'enqueue_failed', path: ['to', 1] } },
      ],
      inDoubt: [{ index: 2, messageId: created.find(({ to }) => to === doubtful)?.id }],
    });
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(
      records
        .map(({ to, status }) => ({ to, status }))
        .sort((x, y) => String(x.to).localeCompare(String(y.to))),
    ).toEqual([
      { to: sure, status: 'failed' },
      { to: doubtful, status: 'accepted' },
    ]);
  });

  it('when the only entry whose write was in doubt had landed and moved on before it could be marked, then the batch is accepted whole, not 503 with nothing in doubt', async () => {
    // Prepare: the store cannot tell whether the second record landed (it did); before it is marked
    // failed, the bind-service claims it (the sweeper queued it): it is on its way, as a 202 says.
    const [first, second] = mobiles(2);
    let claims: MessageRepository | undefined;
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAcceptedBatch: async (records, options) => {
            await deps.messages.createAcceptedBatch(records, options);
            return { unwritten: [], inDoubt: records.slice(1) };
          },
          markNotQueued: async (id, error) => {
            await claims?.claimForSubmit(id, 'sqs-sweeper-copy#1');
            return deps.messages.markNotQueued(id, error);
          },
        }),
      }),
    });
    claims = new MessageRepository(harness.aws.document, api.tables.messages);
    // Act
    const response = await api.post('/v1/batches', { to: [first, second], text: 'Landed after all' });
    // Assess: before, 503 store_outcome_unknown listing no entry in doubt, so nothing to act on.
    const body = await jsonOf<BatchBody>(response);
    expect({ status: response.status, accepted: body.accepted, rejected: body.rejected }).toEqual({
      status: 202,
      accepted: 2,
      rejected: [],
    });
  });

  it('when no entry can be enqueued and one entry was invalid, then 503 enqueue_failed lists it as rejected, so a resend leaves it out', async () => {
    // Prepare
    const queues = await harness.aws.freshQueues();
    const api = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    // Act
    const response = await api.post('/v1/batches', { to: ['12', ...mobiles(2)], text: 'Hi' });
    // Assess
    expect(response.status).toBe(503);
    expect(await problemOf(response)).toMatchObject({
      code: 'enqueue_failed',
      rejected: [{ index: 0, error: { path: ['to', 0] } }],
    });
  });
  it('when DynamoDB throttles the store past the batch budget, then the API answers within it: the unstored entries are enqueue_failed and certain not to go, the stored ones queued once, and resending the first adds no duplicate', {
    timeout: 30_000,
  }, async () => {
    // Prepare: a 2.5 s budget for a store that would take about 9 s (8 chunks, 4 at a time). The
    // anti-loop rules are off: their writes per number on DynamoDB Local would eat a short budget
    // (closing their windows for the resend is the next test's)
    const budgetMs = 2_500;
    const api = await harness.startBehindProxies({
      env: {
        BATCH_ENQUEUE_BUDGET_MS: String(budgetMs),
        ANTI_LOOP_DUPLICATE_SECONDS: '0',
        ANTI_LOOP_FLOOD_LIMIT: '0',
      },
    });
    throttleBatchWrites(api.proxies.dynamodb, 7);
    const numbers = mobiles(200);
    const text = 'Sale starts today';
    // Act
    const started = performance.now();
    const response = await api.post('/v1/batches', { to: numbers, text });
    const answeredAfterMs = performance.now() - started;
    const body = await jsonOf<BatchBody>(response);
    const firstRecords = await harness.items(api.tables.messages, 'MSG#');
    const firstQueued = await harness.drain(api.queues.bulk);
    api.proxies.dynamodb.setRule(undefined);
    api.proxies.dynamodb.setCallRule(undefined);
    const notQueued = body.rejected.map(({ index }) => numbers[index]);
    const resent = await api.post('/v1/batches', { to: notQueued, text });
    const resentBody = await jsonOf<BatchBody>(resent);
    const records = await harness.items(api.tables.messages, 'MSG#');
    const queued = [...firstQueued, ...(await harness.drain(api.queues.bulk))];
    // Assess: the answer comes inside the budget (and the marks after it), not after the whole store
    expect(answeredAfterMs).toBeLessThan(budgetMs + 1_500);
    expect(response.status).toBe(202);
    expect(body.accepted).toBeGreaterThan(0);
    expect(body.rejected.length).toBeGreaterThan(0);
    expect(body.accepted + body.rejected.length).toBe(numbers.length);
    expect(new Set(body.rejected.map(({ error }) => error.code))).toEqual(new Set(['enqueue_failed']));
    // No entry answered "send again" is left `accepted` for the sweeper: each is failed or absent
    const statusOf = new Map(firstRecords.map(({ to, status }) => [to, status]));
    expect(notQueued.filter((to) => statusOf.get(to) !== undefined && statusOf.get(to) !== 'failed')).toEqual(
      [],
    );
    // Every entry answered accepted is stored and queued exactly once; no other is queued
    const acceptedNumbers = numbers.filter((to) => !notQueued.includes(to));
    expect(acceptedNumbers.filter((to) => statusOf.get(to) !== 'accepted')).toEqual([]);
    expect([...tally(firstQueued.map(({ to }) => to))].sort()).toEqual(
      acceptedNumbers.map((to) => [to, 1]).sort(),
    );
    // The resend is taken whole, and every number ends with one message on its way and one queued copy
    expect({ status: resent.status, accepted: resentBody.accepted, rejected: resentBody.rejected }).toEqual({
      status: 202,
      accepted: notQueued.length,
      rejected: [],
    });
    const once = numbers.map((to) => [to, 1]).sort();
    const live = records.filter(({ status }) => status !== 'failed').map(({ to }) => to);
    expect([...tally(live)].sort()).toEqual(once);
    expect([...tally(queued.map(({ to }) => to))].sort()).toEqual(once);
  });
  it('when the batch runs out of time with a store call cut off on its way, then its entries are marked failed whether written or not, they and the unstored ones are answered enqueue_failed, and their resend is taken', async () => {
    // Prepare: of four records the store writes the first two; the deadline cuts off the call that
    // held the second and third (the second written, its answer lost; the third never) before the
    // fourth was sent. Once only: the resend is stored as usual. The anti-loop rules are on.
    let cutOff = true;
    const api = await harness.start({
      wrap: (deps) => ({
        ...deps,
        messages: withOverrides(deps.messages, {
          createAcceptedBatch: async (records, options) => {
            if (!cutOff) return deps.messages.createAcceptedBatch(records, options);
            cutOff = false;
            await deps.messages.createAcceptedBatch(records.slice(0, 2));
            return { unwritten: records.slice(3), inDoubt: records.slice(1, 3) };
          },
        }),
      }),
    });
    const [a, b, c, d] = mobiles(4);
    const text = 'Cut off';
    // Act
    const response = await api.post('/v1/batches', { to: [a, b, c, d], text });
    const firstRecords = await harness.items(api.tables.messages, 'MSG#');
    const firstQueued = await harness.drain(api.queues.bulk);
    const resent = await api.post('/v1/batches', { to: [b, c, d], text });
    // Assess: the resend is not refused as a duplicate of messages that never went
    expect(response.status).toBe(202);
    expect(await jsonOf(response)).toMatchObject({
      accepted: 1,
      rejected: [1, 2, 3].map((index) => ({ index, error: { code: 'enqueue_failed' } })),
    });
    const byNumber = (x: Record<string, unknown>, y: Record<string, unknown>) =>
      String(x.to).localeCompare(String(y.to));
    expect(firstRecords.map(({ to, status }) => ({ to, status })).sort(byNumber)).toEqual([
      { to: a, status: 'accepted' },
      { to: b, status: 'failed' },
    ]);
    expect(firstQueued.map(({ to }) => to)).toEqual([a]);
    expect(resent.status).toBe(202);
    expect(await jsonOf(resent)).toMatchObject({ accepted: 3, rejected: [] });
  });
});
