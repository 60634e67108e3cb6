import { describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { ApiDeps } from '#lambdas/api/deps.ts';
import {
  type AcceptedBody,
  jsonOf,
  problemOf,
  useApiHarness,
  withOverrides,
} from '#test/helpers/api/api-harness.ts';

// A client that gave up on a slow POST retries with the same Idempotency-Key while the first
// request is still running: whichever of the two answers 202, that message must go out.

const MOBILE = '+79991234567';

/** A publish that hangs until released and then fails, as an SQS call timing out does. */
function slowFailingPublish() {
  let started!: () => void;
  let release!: () => void;
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    started: startedPromise,
    release,
    fail: async () => {
      started();
      await released;
      throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    },
  };
}

/** The API with each publish handed to `nth`: its 1-based number and the real publish. */
function withPublishes(nth: (count: number, publish: () => Promise<string>) => Promise<string>) {
  let count = 0;
  return {
    wrap: (deps: ApiDeps) => ({
      ...deps,
      queues: withOverrides(deps.queues, {
        publish: (lane, body, options) => nth(++count, () => deps.queues.publish(lane, body, options)),
      }),
    }),
  };
}

/** The API with each store (createAccepted) handed to `nth`: its 1-based number and the real store. */
function withStores(nth: (count: number, store: () => Promise<unknown>) => Promise<unknown>) {
  let count = 0;
  return {
    wrap: (deps: ApiDeps) => ({
      ...deps,
      messages: withOverrides(deps.messages, {
        createAccepted: ((...args: Parameters<ApiDeps['messages']['createAccepted']>) =>
          nth(++count, () => deps.messages.createAccepted(...args))) as ApiDeps['messages']['createAccepted'],
      }),
    }),
  };
}

/**
 * Two requests with one key: the first (the loser) is counted by the anti-loop rules, then its store
 * waits until the second (the winner) stored its message; both answers.
 */
async function keyRace(
  harness: ReturnType<typeof useApiHarness>,
  key: string,
  loserBody: object,
  winnerBody: object,
) {
  let releaseLoser!: () => void;
  const loserMayStore = new Promise<void>((resolve) => {
    releaseLoser = resolve;
  });
  let loserCounted!: () => void;
  const loserAtStore = new Promise<void>((resolve) => {
    loserCounted = resolve;
  });
  const api = await harness.start(
    withStores(async (count, store) => {
      if (count === 1) {
        loserCounted();
        await loserMayStore;
      }
      return store();
    }),
  );
  const loser = api.post('/v1/messages', loserBody, { 'idempotency-key': key });
  await loserAtStore;
  const winner = await api.post('/v1/messages', winnerBody, { 'idempotency-key': key });
  releaseLoser();
  return { api, winner, loser: await loser };
}

describe('API retries while the first attempt still runs (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when the retry answered 202 and queued the message, then the first attempt’s failed publish does not fail it', async () => {
    // Prepare: the first publish hangs, then fails; the retry's publish works
    const slow = slowFailingPublish();
    const api = await harness.start(
      withPublishes((count, publish) => (count === 1 ? slow.fail() : publish())),
    );
    const body = { to: MOBILE, text: 'Your order shipped' };
    const key = { 'idempotency-key': 'order-77' };
    const firstAttempt = api.post('/v1/messages', body, key);
    await slow.started;
    // Act: the retry comes while the first publish hangs; then the first publish fails
    const retry = await api.post('/v1/messages', body, key);
    slow.release();
    const first = await firstAttempt;
    // Assess: before, the first attempt marked the message failed (enqueue_failed) after the retry's
    // 202, and the bind-service dropped the queued copy: a 202 for a message never sent.
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const { id } = await jsonOf<AcceptedBody>(retry);
    expect(first.status).toBe(202);
    const read = await jsonOf<{ status: string }>(await api.get(`/v1/messages/${id}`));
    expect(read.status).toBe('accepted');
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id })]);
  });

  it('when the first attempt marked the message failed before the retry could note its copy queued, then the retry answers 503 and the next retry sends a new message', async () => {
    // Prepare: the retry's publish works, but the first attempt's failure is recorded meanwhile
    const slow = slowFailingPublish();
    let firstDone: Promise<Response> | undefined;
    const api = await harness.start(
      withPublishes(async (count, publish) => {
        if (count === 1) return slow.fail();
        const queued = await publish();
        if (count === 2) {
          slow.release();
          await firstDone;
        }
        return queued;
      }),
    );
    const body = { to: MOBILE, text: 'Your order shipped' };
    const key = { 'idempotency-key': 'order-78' };
    firstDone = api.post('/v1/messages', body, key);
    await slow.started;
    // Act
    const retry = await api.post('/v1/messages', body, key);
    const next = await api.post('/v1/messages', body, key);
    // Assess: the first message is failed (its queued copies are dropped), so the retry must not
    // answer 202 for it; the next retry creates the message that goes.
    const first = await firstDone;
    expect(await problemOf(first)).toMatchObject({ code: 'enqueue_failed' });
    expect(await problemOf(retry)).toMatchObject({ code: 'enqueue_failed' });
    expect(next.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(next);
    const read = await jsonOf<{ status: string }>(await api.get(`/v1/messages/${id}`));
    expect(read.status).toBe('accepted');
  });

  it('when two requests with one key but different texts race and the loser gets 422, then the loser’s text sent again with a new key is accepted, not refused as a duplicate', async () => {
    // Prepare
    const { api, winner, loser } = await keyRace(
      harness,
      'order-79',
      { to: MOBILE, text: 'Parcel at the door' },
      { to: MOBILE, text: 'Parcel delayed' },
    );
    // Act
    const sentAgain = await api.post(
      '/v1/messages',
      { to: MOBILE, text: 'Parcel at the door' },
      { 'idempotency-key': 'order-80' },
    );
    // Assess: nothing of the loser was stored, so nothing of it can be a duplicate.
    expect(winner.status).toBe(202);
    expect(await problemOf(loser)).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect(sentAgain.status).toBe(202);
  });

  it('when two requests with one key race with the same text (another clientRef) and the loser gets 422, then an identical message right after the winner’s is still refused as a duplicate', async () => {
    // Prepare: the winner passes the rules on the window the loser opened with the key
    const text = 'Parcel 81 at the door';
    const { api, winner, loser } = await keyRace(
      harness,
      'order-81',
      { to: MOBILE, text, clientRef: 'try-1' },
      { to: MOBILE, text, clientRef: 'try-2' },
    );
    expect(winner.status).toBe(202);
    expect(await problemOf(loser)).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    // Act
    const copy = await api.post('/v1/messages', { to: MOBILE, text }, { 'idempotency-key': 'order-82' });
    // Assess: before, the loser closed the window that counts the winner's message
    expect(copy.status).toBe(409);
  });

  it('when the first attempt queued the message and a retry’s own publish fails, then the message stays accepted and its queued copy is claimed', async () => {
    // Prepare: the first publish lands on the queue, its answer slow; the retry's publish fails.
    let releaseFirst!: () => void;
    const firstMayAnswer = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstQueued!: () => void;
    const firstIsQueued = new Promise<void>((resolve) => {
      firstQueued = resolve;
    });
    const api = await harness.start(
      withPublishes(async (count, publish) => {
        if (count > 1) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
        const sqsId = await publish();
        firstQueued();
        await firstMayAnswer;
        return sqsId;
      }),
    );
    const body = { to: MOBILE, text: 'Your order shipped' };
    const key = { 'idempotency-key': 'order-90' };
    const firstAttempt = api.post('/v1/messages', body, key);
    await firstIsQueued;
    // Act
    const retry = await api.post('/v1/messages', body, key);
    releaseFirst();
    const first = await firstAttempt;
    // Assess: before, the retry marked it failed enqueue_failed, and the bind-service dropped the
    // queued copy of the message answered 202.
    const { id } = await jsonOf<AcceptedBody>(first);
    expect([first.status, retry.status]).toEqual([202, 503]);
    expect(await problemOf(retry)).toMatchObject({ code: 'enqueue_failed', messageId: id });
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id })]);
    const store = new MessageRepository(harness.aws.document, api.tables.messages);
    expect(await store.get(id)).toMatchObject({ status: 'accepted' });
    expect(await store.claimForSubmit(id, 'copy-1#1')).toBe('claimed');
  });

  it('when the bind-service gave a queued message back and a retry’s own publish fails, then its next receive still claims it', async () => {
    // Prepare: queued and answered 202; claimed and released (throttled: nothing on the wire), its
    // queue message given back for later.
    const api = await harness.start(
      withPublishes((count, publish) => {
        if (count === 1) return publish();
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }),
    );
    const body = { to: MOBILE, text: 'Your order shipped' };
    const key = { 'idempotency-key': 'order-91' };
    const { id } = await jsonOf<AcceptedBody>(await api.post('/v1/messages', body, key));
    const store = new MessageRepository(harness.aws.document, api.tables.messages);
    await store.claimForSubmit(id, 'sqs-1#r1');
    await store.releaseClaim(id, 'sqs-1#r1');
    // Act: the client, its first answer lost, retries with the key.
    const retry = await api.post('/v1/messages', body, key);
    // Assess
    expect(retry.status).toBe(503);
    expect(await store.claimForSubmit(id, 'sqs-1#r2')).toBe('claimed');
  });
});
