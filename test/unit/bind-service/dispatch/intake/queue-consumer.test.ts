import { describe, expect, it } from 'vitest';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import { QueueConsumer } from '#bind-service/dispatch/intake/queue-consumer.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { memoryLaneQueue } from './memory-lane-queue.ts';

/**
 * A consumer of a deep queue whose every message waits until the test lets it finish, started and
 * filled to 40 held; `filled` is how many receives that took.
 */
async function filledConsumer(limit: () => number) {
  const queue = memoryLaneQueue('bulk');
  queue.add(Number.POSITIVE_INFINITY);
  const finishers: Array<() => void> = [];
  const consumer = new QueueConsumer({
    queue,
    held: new HeldMessages(),
    limit,
    pollers: 2,
    waitSeconds: 0,
    visibilitySeconds: 60,
    whenBindFree: async () => undefined,
    process: () => new Promise<void>((resolve) => finishers.push(resolve)),
    log: createLogger({ service: 'test', write: () => undefined }),
  });
  consumer.start();
  await waitUntil(() => consumer.holding === 40, 2_000, 'the lane to fill');
  return { queue, consumer, finishers, filled: queue.asked.length };
}

/** Lets `count` held messages finish, one at a time, each seen by the consumer before the next. */
async function finishOneByOne(finishers: Array<() => void>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    finishers.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('QueueConsumer', () => {
  it('when the lane is full and its messages finish one by one, then it asks SQS for 10 at a time, not for each freed place', async () => {
    // Prepare: 40 places; every message waits until the test lets it finish.
    const { queue, consumer, finishers, filled } = await filledConsumer(() => 40);
    // Act: 30 messages finish one at a time.
    await finishOneByOne(finishers, 30);
    await waitUntil(() => consumer.holding === 40, 2_000, 'the lane to fill again');
    await consumer.stopReceiving();
    for (const finish of finishers.splice(0)) finish();
    // Assess
    expect(queue.asked.slice(filled)).toEqual([10, 10, 10]);
  });

  it('when the limit falls (a slot given up), then the lane refills only to the new limit', async () => {
    // Prepare: 40 places, then 20 once the task holds half the slots.
    let limit = 40;
    const { queue, consumer, finishers, filled } = await filledConsumer(() => limit);
    // Act: the limit halves, then 30 messages finish one at a time.
    limit = 20;
    await finishOneByOne(finishers, 30);
    await waitUntil(() => consumer.holding === 20, 2_000, 'the lane to refill to 20');
    await consumer.stopReceiving();
    for (const finish of finishers.splice(0)) finish();
    // Assess: one receive of 10 once only 10 were held, none while more were.
    expect(queue.asked.slice(filled)).toEqual([10]);
  });

  /** A consumer with 4 pollers whose messages finish at once; `processed` counts them. */
  function quickConsumer(queue: ReturnType<typeof memoryLaneQueue>) {
    let processed = 0;
    const consumer = new QueueConsumer({
      queue,
      held: new HeldMessages(),
      limit: () => 100,
      pollers: 4,
      waitSeconds: 0,
      visibilitySeconds: 60,
      whenBindFree: async () => undefined,
      process: async () => {
        processed += 1;
      },
      log: createLogger({ service: 'test', write: () => undefined }),
    });
    return { consumer, processed: () => processed };
  }

  it('when messages trickle in, then one poller at a time asks SQS (the others would only get empty answers)', async () => {
    // Prepare
    const queue = memoryLaneQueue('urgent');
    const { consumer, processed } = quickConsumer(queue);
    consumer.start();
    // Act: ten messages, one every 10 ms.
    for (let i = 0; i < 10; i++) {
      queue.add(1);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await waitUntil(() => processed() === 10, 2_000, 'the ten messages');
    await consumer.stopReceiving();
    // Assess
    expect(queue.maxInFlight).toBe(1);
  });

  it('when a receive comes back full, then every poller asks SQS, and after a short answer one does again', async () => {
    // Prepare: each receive with messages takes 5 ms, as a round trip to SQS.
    const queue = memoryLaneQueue('bulk', { answerMs: 5 });
    const { consumer, processed } = quickConsumer(queue);
    consumer.start();
    // Act: a burst of 200, then a pause, then a trickle.
    queue.add(200);
    await waitUntil(() => processed() === 200, 2_000, 'the burst');
    const duringBurst = queue.maxInFlight;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const asksBeforeTrickle = queue.asked.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const idleAsks = queue.asked.length - asksBeforeTrickle;
    await consumer.stopReceiving();
    // Assess: idle, one poller asks every 5 ms (an empty receive's wait): about 10 asks in 50 ms, not 40.
    expect(duringBurst).toBe(4);
    expect(idleAsks).toBeLessThanOrEqual(12);
  });
});
