import { afterEach, describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { requestHash, scopedIdempotencyKey } from '#lambdas/api/http/idempotency.ts';
import { ENQUEUE_FAILED } from '#lambdas/api/use-cases/unqueued.ts';
import {
  type AcceptedBody,
  jsonOf,
  problemOf,
  useApiHarness,
  withOverrides,
} from '#test/helpers/api/api-harness.ts';
import { startBlackHole } from '#test/helpers/net/black-hole.ts';

// Idempotency-Key and the failure paths after validation: a retry never creates a second message for
// an answer the caller already got, and never replays an answer for a message that was not queued.

const MOBILE = '+79991234567';
const HOUR_MS = 3_600_000;
/** The api Lambda's timeout in the CDK stack: an answer later than this never reaches the caller. */
const LAMBDA_TIMEOUT_MS = 28_000;
/** The API's call bounds as deployed (empty = the default): the harness loosens them for local runs. */
const AWS_LIMITS = {
  DYNAMODB_REQUEST_TIMEOUT_MS: '',
  SQS_REQUEST_TIMEOUT_MS: '',
  BATCH_ENQUEUE_BUDGET_MS: '',
};

/** A record as POST /v1/messages stores it for `{to: MOBILE, text: 'Hello'}`. */
function failedAttempt(now: Date): MessageRecord {
  const request = sendMessageSchema.parse({ to: MOBILE, text: 'Hello' });
  const prepared = prepareMessage(request, { isoMode: false, maxParts: 10 });
  return acceptedMessageRecord({ id: newMessageId(now.getTime()), request, prepared, now });
}

describe('API idempotency and failures (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

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
    // The replay found the message still `accepted` (no bind-service here) and enqueued it again: a
    // copy of the same message, which the bind-service's claim sends once.
    const queued = await harness.drain(api.queues.urgent);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    expect(queued).toEqual(queued.map(() => expect.objectContaining({ id: firstBody.id })));
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
    const queued = await harness.drain(queues.urgent);
    expect(queued.length).toBeGreaterThanOrEqual(1);
    expect(queued).toEqual(queued.map(() => expect.objectContaining({ id: retriedBody.id })));
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

  it('when a retry a day after a failed first attempt stored the message, then a retry an hour later replays it (the key lives from the message, not from its first attempt)', async () => {
    // Prepare: one API whose clock the test moves, its first publish failing
    let now = Date.UTC(2026, 0, 10, 8, 0, 0);
    let publishFails = true;
    const api = await harness.start({
      clock: () => new Date(now),
      wrap: (deps) => ({
        ...deps,
        queues: withOverrides(deps.queues, {
          publish: (lane, body, options) =>
            publishFails
              ? Promise.reject(new Error('SQS unavailable (test)'))
              : deps.queues.publish(lane, body, options),
        }),
      }),
    });
    const post = () =>
      api.post('/v1/messages', { to: MOBILE, text: 'Order 31 shipped' }, { 'idempotency-key': 'order-31' });
    expect((await post()).status).toBe(503);
    now += 23 * HOUR_MS;
    publishFails = false;
    const stored = await post();
    const { id } = await jsonOf<AcceptedBody>(stored);
    // Act: 24 h and 10 s after the first attempt
    now += HOUR_MS + 10_000;
    const again = await post();
    // Assess
    expect(stored.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await jsonOf<AcceptedBody>(again)).id).toBe(id);
    const queued = await harness.drain(api.queues.urgent);
    expect(new Set(queued.map((body) => body.id))).toEqual(new Set([id]));
  });

  // About 80 DynamoDB calls: seconds on an idle machine, more under load.
  it('when every retry of a key failed to enqueue, then the key is exhausted: 422 idempotency_key_exhausted without Retry-After', {
    timeout: 60_000,
  }, async () => {
    // Prepare: the key's first slot and its 19 follow-up slots each hold a message whose enqueue
    // failed, as 20 refused attempts would leave them (written directly: 20 HTTP round trips through
    // a broken queue take half a minute)
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Hello' };
    const scoped = scopedIdempotencyKey('anonymous', 'order-exhausted');
    let slot = scoped;
    for (let attempt = 0; attempt < 20; attempt++) {
      const record = failedAttempt(api.deps.clock());
      const answer = { id: record.id, status: 'accepted', encoding: 'gsm7', parts: 1 };
      await api.deps.messages.createAccepted(record, {
        key: slot,
        requestHash: requestHash(body),
        response: answer,
      });
      await api.deps.messages.markNotQueued(record.id, ENQUEUE_FAILED);
      slot = `${scoped}#after:${record.id}`;
    }
    // Act
    const response = await api.post('/v1/messages', body, { 'idempotency-key': 'order-exhausted' });
    // Assess: retrying with this key cannot help, so nothing invites a retry
    expect(response.status).toBe(422);
    expect(response.headers.get('retry-after')).toBeNull();
    const problem = await problemOf(response);
    expect(problem).toMatchObject({
      code: 'idempotency_key_exhausted',
      errors: [{ code: 'idempotency_key_exhausted', path: ['headers', 'Idempotency-Key'] }],
    });
    expect(await harness.items(api.tables.messages, 'MSG#')).toHaveLength(20);
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
  });

  it('when the bind-service claims the message while the API handles a publish error, then the record stays submitting and the answer is 202', async () => {
    // Prepare: SQS stores the message but its answer is lost; the bind-service receives and claims
    // the message at once. The API's read of the record is made to land just before that claim (it
    // sees `accepted`), its write just after: the worst interleaving of the two.
    let beforeClaim: MessageRecord | undefined;
    const api = await harness.start({
      wrap: (deps, { tables }) => {
        const bindService = new MessageRepository(harness.aws.document, tables.messages);
        return {
          ...deps,
          queues: withOverrides(deps.queues, {
            publish: async (lane, body, options) => {
              await deps.queues.publish(lane, body, options);
              const id = (body as { id: string }).id;
              beforeClaim = await deps.messages.get(id);
              await bindService.claimForSubmit(id);
              throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
            },
          }),
          messages: withOverrides(deps.messages, {
            get: async (id) => beforeClaim ?? deps.messages.get(id),
          }),
        };
      },
    });
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'On its way' });
    // Assess: the SMS may be on the wire: the caller must not be told to send it again
    expect(response.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(response);
    const [record] = await harness.items(api.tables.messages, 'MSG#');
    expect(record).toMatchObject({ id, status: 'submitting' });
    expect(record?.error).toBeUndefined();
  });

  it('when SQS takes the connection but never answers, then the answer comes within the Lambda timeout and the record is failed', {
    timeout: 60_000,
  }, async () => {
    // Prepare: every SQS call hangs; the api Lambda is killed at 28 s (cdk/constructs/sms-sender.ts)
    const hole = await startBlackHole();
    cleanups.push(() => hole.close());
    const api = await harness.start({ env: { AWS_ENDPOINT_URL_SQS: hole.url, ...AWS_LIMITS } });
    const started = Date.now();
    // Act
    const single = await api.post('/v1/messages', { to: MOBILE, text: 'Hello' });
    const singleMs = Date.now() - started;
    const batch = await api.post('/v1/batches', { to: ['+79991234501', '+79991234502'], text: 'Hi' });
    const batchMs = Date.now() - started - singleMs;
    // Assess: answered (and marked) in time, so nothing is left `accepted` by a killed Lambda
    expect(single.status).toBe(503);
    expect(await problemOf(single)).toMatchObject({ code: 'enqueue_failed' });
    expect(batch.status).toBe(503);
    expect(await problemOf(batch)).toMatchObject({ code: 'enqueue_failed' });
    expect(singleMs).toBeLessThan(LAMBDA_TIMEOUT_MS);
    expect(batchMs).toBeLessThan(LAMBDA_TIMEOUT_MS);
    const records = await harness.items(api.tables.messages, 'MSG#');
    expect(records.map((record) => record.status)).toEqual(['failed', 'failed', 'failed']);
    expect(hole.connections).toBeGreaterThan(0);
  });

  it('when a retry finds its first message still accepted (the first attempt died before enqueueing), then it enqueues it and replays the answer', async () => {
    // Prepare: what a Lambda killed between the store and the enqueue leaves: the record and the
    // idempotency record, and nothing on the queue
    const api = await harness.start();
    const body = { to: MOBILE, text: 'Hello' };
    const record = failedAttempt(api.deps.clock());
    const answer = { id: record.id, status: 'accepted', encoding: 'gsm7', parts: 1 };
    await api.deps.messages.createAccepted(record, {
      key: scopedIdempotencyKey('anonymous', 'order-killed'),
      requestHash: requestHash(body),
      response: answer,
    });
    // Act
    const retried = await api.post('/v1/messages', body, { 'idempotency-key': 'order-killed' });
    // Assess
    expect(retried.status).toBe(202);
    expect(await jsonOf(retried)).toEqual(answer);
    expect(await harness.drain(api.queues.urgent)).toEqual([
      { v: 1, id: record.id, to: MOBILE, text: 'Hello', kind: 'sms', priority: 'urgent', encoding: 'auto' },
    ]);
    expect(await harness.items(api.tables.messages, 'MSG#')).toEqual([
      expect.objectContaining({ id: record.id, status: 'accepted' }),
    ]);
  });
});
