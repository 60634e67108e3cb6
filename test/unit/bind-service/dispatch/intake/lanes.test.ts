import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { HeldMessage } from '#bind-service/dispatch/intake/held-messages.ts';
import { Lanes } from '#bind-service/dispatch/intake/lanes.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { memoryLaneQueue } from './memory-lane-queue.ts';

// Both lanes feed one window. The urgent lane holds up to the limit on its own; the bulk lane's
// limit is shared with it, so a mass mailing never holds a second window of messages in memory
// while urgent ones already fill the first.

const LIMIT = 40;

/** Lanes whose every message waits until the test finishes it; `finish(lane, n)` lets n of them end. */
function heldLanes() {
  const queues = { urgent: memoryLaneQueue('urgent'), bulk: memoryLaneQueue('bulk') };
  const finishers: Record<Priority, Array<() => void>> = { urgent: [], bulk: [] };
  const lanes = new Lanes({
    queues,
    visibilitySeconds: { urgent: 60, bulk: 300 },
    pipeline: {
      process: (message: HeldMessage) =>
        new Promise<void>((resolve) => finishers[message.lane].push(resolve)),
    },
    binds: { whenAnySlotFree: async () => undefined },
    limit: () => LIMIT,
    waitSeconds: 0,
    stopTaking: new AbortController(),
    log: createLogger({ service: 'test', write: () => undefined }),
  });
  const finish = async (lane: Priority, count: number) => {
    for (let i = 0; i < count; i++) {
      finishers[lane].shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const stop = async () => {
    await lanes.stopTaking();
    for (const lane of ['urgent', 'bulk'] as const) for (const end of finishers[lane].splice(0)) end();
    await lanes.drain(1_000);
    await lanes.close();
  };
  return { lanes, queues, finish, stop };
}

describe('Lanes: messages held', () => {
  let stopLanes: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopLanes?.();
    stopLanes = undefined;
  });

  it('when urgent messages are held and a mass mailing waits, then bulk fills only what urgent leaves of the limit, and more as urgent ones finish', async () => {
    // Prepare: 30 urgent messages held, then a deep bulk queue.
    const { lanes, queues, finish, stop } = heldLanes();
    stopLanes = stop;
    queues.urgent.add(30);
    lanes.start();
    await waitUntil(() => lanes.holding().urgent === 30, 2_000, 'the urgent messages to be held');
    queues.bulk.add(1_000);
    await waitUntil(() => lanes.holding().bulk >= 10, 2_000, 'bulk to take the room urgent leaves');
    await delay(50);
    expect(lanes.holding()).toEqual({ urgent: 30, bulk: 10 });
    // Act: 10 urgent messages finish.
    await finish('urgent', 10);
    // Assess: bulk takes their places, and no more.
    await waitUntil(() => lanes.holding().bulk === 20, 2_000, 'bulk to take the freed places');
    await delay(50);
    expect(lanes.holding()).toEqual({ urgent: 20, bulk: 20 });
  });

  it('when bulk holds the whole limit and urgent messages arrive, then urgent receives up to the limit at once, never waiting for bulk', async () => {
    // Prepare: bulk holds all 40 places.
    const { lanes, queues, stop } = heldLanes();
    stopLanes = stop;
    queues.bulk.add(1_000);
    lanes.start();
    await waitUntil(() => lanes.holding().bulk === LIMIT, 2_000, 'bulk to fill the limit');
    // Act
    queues.urgent.add(100);
    // Assess
    await waitUntil(() => lanes.holding().urgent === LIMIT, 2_000, 'urgent to fill its own limit');
    await delay(50);
    expect(lanes.holding()).toEqual({ urgent: LIMIT, bulk: LIMIT });
  });
});
