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
});
