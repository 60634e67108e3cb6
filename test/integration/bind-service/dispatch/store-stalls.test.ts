import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { deriveMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { type HeldMessage, HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, publishRaw, statusIs, useCleanup, waitForEmptyQueue, waitForRecord } from './fixtures.ts';
import { startPipelineRig } from './submit/pipeline-rig.ts';

// The submit pipeline against a store that stalls or fails, with real DynamoDB Local, fauxqs and the
// simulator underneath. The store's trouble is played by a wrapper around the real repository (its
// writes still happen, only later or never), not by stubbing the SDK.

/**
 * The real repository, with claims held until `claimsWaitFor` settles, claims whose write lands but
 * whose answer is lost while `claimAnswersLost()`, or markSubmitted always failing.
 */
function troubledStore(
  repository: MessageRepository,
  trouble: { claimsWaitFor?: Promise<void>; claimAnswersLost?: () => boolean; failMarkSubmitted?: boolean },
): MessageStore {
  return {
    createAccepted: (...args) => repository.createAccepted(...args),
    createAwaitingRules: (...args) => repository.createAwaitingRules(...args),
    createRejected: (...args) => repository.createRejected(...args),
    claimForSubmit: async (...args) => {
      await trouble.claimsWaitFor;
      const claimed = await repository.claimForSubmit(...args);
      if (claimed === 'claimed' && trouble.claimAnswersLost?.()) {
        throw new RepositoryUnavailableError('DynamoDB timed out (test)');
      }
      return claimed;
    },
    releaseClaim: (...args) => repository.releaseClaim(...args),
    markSubmitted: async (...args) => {
      if (trouble.failMarkSubmitted) throw new RepositoryUnavailableError('DynamoDB timed out (test)');
      return repository.markSubmitted(...args);
    },
    markUnknown: (...args) => repository.markUnknown(...args),
    markUnknownIfClaimedBy: (...args) => repository.markUnknownIfClaimedBy(...args),
    get: (...args) => repository.get(...args),
    claimOf: (...args) => repository.claimOf(...args),
    markFailed: (...args) => repository.markFailed(...args),
    markExpired: (...args) => repository.markExpired(...args),
    markRejected: (...args) => repository.markRejected(...args),
  };
}

/**
 * When the limiter let each send go. The bucket's promise is about these times: the simulator's
 * arrival times add the socket and the event loop, which spread sends 0.3-40 ms apart on a loaded
 * host, enough to squeeze one more into a second there than the limiter let go.
 */
function recordGrants(limiter: RateLimiter): number[] {
  const grants: number[] = [];
  const wait = limiter.wait.bind(limiter);
  limiter.wait = (...args: Parameters<RateLimiter['wait']>) => {
    const granted = wait(...args);
    // The first reaction on the grant: it runs before the pipeline's own, in the same tick.
    granted.then(
      () => grants.push(performance.now()),
      () => undefined,
    );
    return granted;
  };
  return grants;
}

/** Most of `times` within any one second. */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= 1_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('bind-service dispatch: a stalling store (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** `rate`: the simulator's account rate and ours (0: the simulator does not limit, we send 100/s). */
  /** `guard`: the provider's anti-loop rules, as the service applies them to messages straight from SQS. */
  async function rig(options: {
    rate: number;
    store: (repository: MessageRepository) => MessageStore;
    guard?: boolean;
  }) {
    const { queues, simulator, messages, pipeline, bulk, stats, rate } = await startPipelineRig(aws, defer, {
      rate: options.rate,
      receiptDelayMs: 50,
      store: options.store,
      pipeline: (tables) => ({
        patientRetry: { baseMs: 50, capMs: 200 },
        writeRetry: { attempts: 3, baseMs: 20, capMs: 100 },
        requeueBackoff: { baseSeconds: 1, capSeconds: 1 },
        ...(options.guard
          ? { guard: new AntiLoopGuard(aws.document, tables.messages, PROVIDER_ANTI_LOOP) }
          : {}),
      }),
    });
    const held = new HeldMessages();
    /** Receives `count` queue messages, held as a lane would hold them (invisible for `visibilitySeconds`). */
    const receive = async (count: number, visibilitySeconds: number): Promise<HeldMessage[]> => {
      const received: HeldMessage[] = [];
      for (let polls = 0; polls < 20 && received.length < count; polls++) {
        for (const message of await bulk.receive(count - received.length, 1)) {
          const holding = held.hold(message, visibilitySeconds);
          if (holding) received.push(holding);
        }
      }
      return received;
    };
    /** Done with, as the queue consumer is once the pipeline returns: its next receive is taken on. */
    const release = (message: HeldMessage) => held.release(message);
    return { queues, simulator, messages, pipeline, receive, release, stats, rate };
  }

  it('when claims stall for 2.5 s at 20 msg/s, then the sends that follow keep to the rate and nothing is throttled', async () => {
    // Prepare
    let endStall: () => void = () => undefined;
    const stall = new Promise<void>((resolve) => {
      endStall = resolve;
    });
    const r = await rig({
      rate: 20,
      store: (repository) => troubledStore(repository, { claimsWaitFor: stall }),
    });
    const grants = recordGrants(r.rate);
    const count = 40;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        publishRaw(aws, r.queues.bulk, JSON.stringify({ v: 1, to: mobile(300 + i), text: `Stalled ${i}` })),
      ),
    );
    const messages = await r.receive(count, 300);
    // Act
    const processing = Promise.all(messages.map((message) => r.pipeline.process(message)));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const sentDuringStall = r.simulator.stats.submits;
    endStall();
    await processing;
    // Assess
    expect(messages).toHaveLength(count);
    expect(sentDuringStall).toBe(0);
    expect(r.simulator.stats.throttled).toBe(0);
    expect(r.stats.throttled).toBe(0);
    expect(r.simulator.stats.submits).toBe(count);
    // The provider's view is the simulator's: nothing throttled (above). Our bucket holds 2 tokens
    // (0.1 s) on top of the rate.
    expect(grants).toHaveLength(count);
    expect(busiestSecond(grants)).toBeLessThanOrEqual(22);
    await waitForEmptyQueue(aws, r.queues.bulk);
  });

  it('when markSubmitted keeps failing until the visibility deadline, then the message is unknown with its SMSC id and its receipt delivers it', async () => {
    // Prepare: visible again in 8 s, so the submitted write is given up about 3 s in.
    const r = await rig({
      rate: 0,
      store: (repository) => troubledStore(repository, { failMarkSubmitted: true }),
    });
    await publishRaw(aws, r.queues.bulk, JSON.stringify({ v: 1, to: mobile(400), text: 'Store down' }));
    const [message] = await r.receive(1, 8);
    if (!message) throw new Error('nothing received');
    const id = deriveMessageId(message.sqsMessageId, message.sentTimestampMs);
    // Act
    await r.pipeline.process(message);
    const record = await waitForRecord(r, id, statusIs('delivered'));
    // Assess
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'unknown', 'delivered']);
    expect(record.smscIds).toEqual(r.simulator.messages[0]?.messageIds);
    expect(r.simulator.stats.submits).toBe(1);
    expect(r.stats).toMatchObject({ submitted: 0, unknown: 1 });
    await waitForEmptyQueue(aws, r.queues.bulk);
  });

  it('when a claim lands but every answer to it is lost, then the claim is released and the next receive sends the message once', async () => {
    // Prepare: the first receive's claim writes all land, and all their answers time out.
    let answersLost = true;
    const r = await rig({
      rate: 0,
      store: (repository) => troubledStore(repository, { claimAnswersLost: () => answersLost }),
    });
    await publishRaw(aws, r.queues.bulk, JSON.stringify({ v: 1, to: mobile(450), text: 'Claim unanswered' }));
    const [first] = await r.receive(1, 30);
    if (!first) throw new Error('nothing received');
    const id = deriveMessageId(first.sqsMessageId, first.sentTimestampMs);
    // Act: the pipeline gives the claim up and the message back; its next receive finds the store well.
    await r.pipeline.process(first);
    r.release(first);
    answersLost = false;
    const [again] = await r.receive(1, 30);
    if (!again) throw new Error('not received again');
    await r.pipeline.process(again);
    const record = await waitForRecord(r, id, statusIs('delivered', 'unknown'));
    // Assess: nothing went out under the lost claim, so nothing made it `unknown`.
    expect(record.history.map((h) => h.status)).toEqual([
      'accepted',
      'submitting',
      'accepted',
      'submitting',
      'submitted',
      'delivered',
    ]);
    expect(r.simulator.stats.submits).toBe(1);
    expect(r.stats).toMatchObject({ submitted: 1, unknown: 0 });
    await waitForEmptyQueue(aws, r.queues.bulk);
  });

  it('when two copies of one keyed publish both find no record after a claim stall, then the anti-loop rules do not reject the message as its own duplicate', async () => {
    // Prepare: an SDK retry of SendMessage (one idempotencyKey, so one message id); both copies are
    // read before either is recorded, so both create the record and both reach the anti-loop rules.
    let endStall: () => void = () => undefined;
    const stall = new Promise<void>((resolve) => {
      endStall = resolve;
    });
    const r = await rig({
      rate: 0,
      guard: true,
      store: (repository) => troubledStore(repository, { claimsWaitFor: stall }),
    });
    const body = JSON.stringify({
      v: 1,
      to: mobile(500),
      text: 'Sent twice by the SDK',
      idempotencyKey: 'k-500',
    });
    await publishRaw(aws, r.queues.bulk, body);
    await publishRaw(aws, r.queues.bulk, body);
    const copies = await r.receive(2, 300);
    // Act
    const processing = Promise.all(copies.map((copy) => r.pipeline.process(copy)));
    endStall();
    await processing;
    await waitForEmptyQueue(aws, r.queues.bulk);
    // Assess
    expect(copies).toHaveLength(2);
    expect(r.simulator.stats.submits).toBe(1);
    expect(r.stats.rejected).toBe(0);
  });
});
