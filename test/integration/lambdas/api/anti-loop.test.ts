import { describe, expect, it } from 'vitest';
import { type AcceptedBody, jsonOf, problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';
import { numberKeyOf } from '../../core/aws/anti-loop/guard-rig.ts';
import { mobiles } from './batch-fixtures.ts';

// The provider's anti-loop rules at the API: refused before anything is stored or queued.

const MOBILE = '+79991234567';

describe('API anti-loop rules (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when an identical message is posted again within the minute, then 409 duplicate_request and only the first is stored', async () => {
    // Prepare
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Your code is 1234' };
    await api.post('/v1/messages', body);
    // Act
    const again = await api.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(409);
    // Until the window the first opened ends: 60 s, less the time the second post took to come.
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(58);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await problemOf(again)).toMatchObject({ status: 409, code: 'duplicate_request' });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
    expect(await harness.drain(api.queues.urgent)).toHaveLength(1);
  });

  it('when a message without from is followed within the minute by the same one with from = the default sender, then 409 duplicate_request: both go out as that sender', async () => {
    // Prepare
    const api = await harness.start({ env: { SMPP_DEFAULT_SENDER: 'Brand' } });
    const body = { to: MOBILE, text: 'Your code is 4321' };
    expect((await api.post('/v1/messages', body)).status).toBe(202);
    // Act
    const named = await api.post('/v1/messages', { ...body, from: 'Brand' });
    // Assess
    expect(named.status).toBe(409);
    expect(await problemOf(named)).toMatchObject({ status: 409, code: 'duplicate_request' });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
  });

  it('when a request is retried with its Idempotency-Key, then the first answer is replayed, not refused', async () => {
    // Prepare
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Retried' };
    const first = await jsonOf<AcceptedBody>(
      await api.post('/v1/messages', body, { 'idempotency-key': 'k-1' }),
    );
    // Act
    const retry = await api.post('/v1/messages', body, { 'idempotency-key': 'k-1' });
    // Assess
    expect(retry.status).toBe(202);
    expect((await jsonOf<AcceptedBody>(retry)).id).toBe(first.id);
  });

  it('when the 51st message to one number follows 50 less than 30 s apart, then 429 flood_limit and it is not stored', async () => {
    // Prepare
    const api = await harness.start();
    for (let index = 1; index <= 50; index++) {
      const response = await api.post('/v1/messages', {
        to: MOBILE,
        text: `Message ${index}`,
        priority: 'bulk',
      });
      expect(response.status).toBe(202);
    }
    // Act
    const fiftyFirst = await api.post('/v1/messages', { to: MOBILE, text: 'Message 51', priority: 'bulk' });
    // Assess
    expect(fiftyFirst.status).toBe(429);
    expect(fiftyFirst.headers.get('retry-after')).toBe('30');
    expect(await problemOf(fiftyFirst)).toMatchObject({ status: 429, code: 'flood_limit' });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(50);
  }, 60_000);

  it('when the rules are turned off, then an identical message is accepted again', async () => {
    // Prepare
    const api = await harness.start({
      env: { ANTI_LOOP_DUPLICATE_SECONDS: '0', ANTI_LOOP_FLOOD_LIMIT: '0' },
    });
    const body = { to: MOBILE, text: 'Twice on purpose' };
    await api.post('/v1/messages', body);
    // Act
    const again = await api.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(202);
  });

  it('when a batch repeats a message sent within the minute, then that entry is rejected with duplicate_request', async () => {
    // Prepare
    const api = await harness.start();
    await api.post('/v1/messages', { to: '+79990000002', text: 'Sale today' });
    // Act
    const response = await api.post('/v1/batches', {
      to: ['+79990000001', '+79990000002'],
      text: 'Sale today',
    });
    // Assess
    expect(response.status).toBe(202);
    const answer = await jsonOf<{ accepted: number; rejected: { index: number; error: { code: string } }[] }>(
      response,
    );
    expect(answer.accepted).toBe(1);
    expect(answer.rejected).toEqual([
      { index: 1, error: expect.objectContaining({ code: 'duplicate_request', path: ['to', 1] }) },
    ]);
  });

  it('when a message whose enqueue failed is sent again within the minute, then it is accepted, not refused as a duplicate of itself', async () => {
    // Prepare: the first attempt meets a bulk queue fauxqs does not have
    const queues = await harness.aws.freshQueues();
    const broken = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    const body = { to: MOBILE, text: 'Invoice 77 is paid', priority: 'bulk' };
    const failed = await broken.post('/v1/messages', body);
    expect(failed.status).toBe(503);
    expect(await problemOf(failed)).toMatchObject({ code: 'enqueue_failed' });
    // Act: the caller sends it again, as the answer asks, once the queue works
    const healthy = await harness.start({ tables: broken.tables, queues });
    const again = await healthy.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(202);
    const queued = await harness.drain(queues.bulk);
    expect(queued).toEqual([expect.objectContaining({ id: (await jsonOf<AcceptedBody>(again)).id })]);
  });

  it('when batch entries whose enqueue failed are sent again within the minute, then they are accepted, not refused as duplicates of themselves', async () => {
    // Prepare: bulk entries meet a queue fauxqs does not have, the urgent one goes
    const queues = await harness.aws.freshQueues();
    const broken = await harness.start({
      queues: { ...queues, bulk: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    const bulk = [
      { to: '+79990000011', text: 'Sale today', priority: 'bulk' },
      { to: '+79990000012', text: 'Sale today', priority: 'bulk' },
    ];
    const first = await broken.post('/v1/batches', {
      messages: [...bulk, { to: '+79990000013', text: 'Sale today', priority: 'urgent' }],
    });
    expect(first.status).toBe(202);
    const firstAnswer = await jsonOf<{ rejected: { index: number; error: { code: string } }[] }>(first);
    expect(firstAnswer.rejected.map(({ index, error }) => [index, error.code])).toEqual([
      [0, 'enqueue_failed'],
      [1, 'enqueue_failed'],
    ]);
    // Act: the caller sends the rejected entries again, as the answer asks
    const healthy = await harness.start({ tables: broken.tables, queues });
    const again = await healthy.post('/v1/batches', { messages: bulk });
    // Assess
    expect(again.status).toBe(202);
    expect(await jsonOf(again)).toMatchObject({ accepted: 2, rejected: [] });
    expect(await harness.drain(queues.bulk)).toHaveLength(2);
  });

  it('when a keyed request is counted but DynamoDB throttles its store, then its retry with the key is accepted, not refused as a duplicate of itself', async () => {
    // Prepare: the first store transaction (message and idempotency record) is throttled
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.dynamodb;
    let throttled = 0;
    proxy.setRule(({ call }) => call === 'TransactWriteItems' && throttled++ === 0);
    const body = { to: MOBILE, text: 'Order 5 shipped' };
    const key = { 'idempotency-key': 'order-5' };
    const failed = await api.post('/v1/messages', body, key);
    expect(failed.status).toBe(503);
    expect(await problemOf(failed)).toMatchObject({ code: 'repository_unavailable' });
    // Act: the caller retries with its key, as the 503 asks
    const retried = await api.post('/v1/messages', body, key);
    // Assess
    expect(retried.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(retried);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([expect.objectContaining({ id })]);
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id })]);
  });

  it("when one of a batch's anti-loop transactions fails after another committed, then the resent batch is accepted whole, none refused as its own duplicate", async () => {
    // Prepare: 150 numbers are two transactions; the one holding the 121st fails at every try
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.dynamodb;
    const numbers = mobiles(150);
    const failing = numberKeyOf(numbers[120] as string);
    proxy.setCallRule(({ call, body }) => call === 'TransactWriteItems' && body.includes(failing));
    const batch = { to: numbers, text: 'Sale today' };
    const failed = await api.post('/v1/batches', batch);
    expect(failed.status).toBe(503);
    expect(proxy.failedCount('TransactWriteItems (whole)')).toBeGreaterThan(0);
    // Act: DynamoDB answers again, and the caller resends the batch, as the 503 asks
    proxy.setCallRule();
    const again = await api.post('/v1/batches', batch);
    // Assess
    expect(again.status).toBe(202);
    expect(await jsonOf(again)).toMatchObject({ accepted: 150, rejected: [] });
  });

  it("when the number's anti-loop write lands but every answer is lost, then 503 and the resend is accepted, not refused as its own duplicate", async () => {
    // Prepare: DynamoDB applies the write and every answer to it (the SDK's retries too) is lost
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.dynamodb;
    const counted = numberKeyOf(MOBILE);
    proxy.setCallRule(({ call, body }) => call === 'PutItem' && body.includes(counted) && 'after-server');
    const body = { to: MOBILE, text: 'Lost in the middle' };
    const failed = await api.post('/v1/messages', body);
    expect(failed.status).toBe(503);
    expect(proxy.failedCount('PutItem (whole)')).toBeGreaterThan(0);
    // Act
    proxy.setCallRule();
    const again = await api.post('/v1/messages', body);
    // Assess
    expect(again.status).toBe(202);
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(1);
  });

  /** A keyed request whose first attempt met a missing queue (503), then `waitMs`, then its retry. */
  async function keyedRetryAfterFailedEnqueue(
    text: string,
    options: { env?: Record<string, string>; waitMs?: number } = {},
  ) {
    const queues = await harness.aws.freshQueues();
    const env = options.env ?? {};
    const broken = await harness.start({
      env,
      queues: { ...queues, urgent: `${harness.aws.sqsEndpoint}/000000000000/no-such-queue` },
    });
    const body = { to: MOBILE, text };
    const key = { 'idempotency-key': `key of ${text}` };
    expect((await broken.post('/v1/messages', body, key)).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, options.waitMs ?? 0));
    const healthy = await harness.start({ env, tables: broken.tables, queues });
    const retried = await healthy.post('/v1/messages', body, key);
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    return { healthy, queues, body };
  }

  it("when a keyed request's enqueue failed and its retry with the key sent it, then an identical request without the key is still refused as a duplicate", async () => {
    // Prepare: the first attempt meets a missing queue; the retry with the key goes
    const { healthy, queues, body } = await keyedRetryAfterFailedEnqueue('Order 9 confirmed');
    // Act
    const copy = await healthy.post('/v1/messages', body);
    // Assess
    expect(copy.status).toBe(409);
    expect(await harness.drain(queues.urgent)).toHaveLength(1);
  });

  it("when a keyed request's enqueue failed and its retry with the key sent it after the first attempt's window ended, then an identical request right after is refused as a duplicate", async () => {
    // Prepare: a 1.5 s window, and a caller that waits longer than that before its retry
    const windowSeconds = 1.5;
    const { healthy, queues, body } = await keyedRetryAfterFailedEnqueue('Order 77 confirmed', {
      env: { ANTI_LOOP_DUPLICATE_SECONDS: String(windowSeconds) },
      waitMs: windowSeconds * 1000 + 300,
    });
    // Act
    const copy = await healthy.post('/v1/messages', body);
    // Assess: before, the retry passed the rules by its key and opened no window of its own
    expect(copy.status).toBe(409);
    expect(await harness.drain(queues.urgent)).toHaveLength(1);
  });

  it('when an Idempotency-Key’s record has expired but TTL has not removed it yet, then the key no longer lets a message past the rules', async () => {
    // Prepare: a keyed message, then a day later (the key expired, its item still there) the same text without the key
    let now = Date.UTC(2026, 0, 10, 8, 0, 0);
    const api = await harness.start({ clock: () => new Date(now) });
    const body = { to: MOBILE, text: 'Your code is 1234' };
    const key = { 'idempotency-key': 'daily-1' };
    expect((await api.post('/v1/messages', body, key)).status).toBe(202);
    now += 25 * 3_600_000;
    expect((await api.post('/v1/messages', body)).status).toBe(202);
    // Act: the same message again within the minute, under the expired key
    const keyed = await api.post('/v1/messages', body, key);
    // Assess: an expired key's record is no key: the message it stores is counted, a duplicate
    expect(keyed.status).toBe(409);
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(2);
  });

  it('when a keyed request is counted but neither its store nor the marking lands, then its retry with the key is accepted, not refused as its own duplicate', async () => {
    // Prepare: DynamoDB fails the store transaction and every try to mark it, before applying them
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.dynamodb;
    proxy.setCallRule(({ call, body }) => call === 'TransactWriteItems' || body.includes('enqueue_failed'));
    const body = { to: MOBILE, text: 'Order 12 shipped' };
    const key = { 'idempotency-key': 'order-12' };
    expect((await api.post('/v1/messages', body, key)).status).toBe(503);
    // Act
    proxy.setCallRule();
    const retried = await api.post('/v1/messages', body, key);
    // Assess
    expect(retried.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(retried);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([expect.objectContaining({ id })]);
  });

  it('when a batch is stored in part and answered 503, then the resent batch is accepted whole, none refused as its own duplicate', {
    timeout: 60_000,
  }, async () => {
    // Prepare: one entry's record stays unprocessed at every try of the batch write
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.dynamodb;
    const numbers = mobiles(3);
    const unstored = numbers[2] as string;
    proxy.setRule(({ call, item }) => call === 'BatchWriteItem' && JSON.stringify(item).includes(unstored));
    const batch = { to: numbers, text: 'Stored in part' };
    const failed = await api.post('/v1/batches', batch);
    expect(failed.status).toBe(503);
    expect((await harness.items(api.tables.messages, 'MSG#')).map(({ status }) => status)).toEqual([
      'failed',
      'failed',
    ]);
    // Act
    proxy.setRule();
    const again = await api.post('/v1/batches', batch);
    // Assess
    expect(again.status).toBe(202);
    expect(await jsonOf(again)).toMatchObject({ accepted: 3, rejected: [] });
  });
});
