import { describe, expect, it } from 'vitest';
import { StoringSlots } from '#bind-service/dispatch/deliveries/storing-slots.ts';
import { within } from '#test/helpers/wait.ts';

/** Whether `promise` has settled by the next turn of the event loop, and with what. */
async function settledNow<T>(promise: Promise<T>): Promise<{ settled: boolean; value?: T }> {
  const pending = Symbol('pending');
  const value = await Promise.race([promise, new Promise((resolve) => setImmediate(() => resolve(pending)))]);
  return value === pending ? { settled: false } : { settled: true, value: value as T };
}

describe('StoringSlots', () => {
  it('when slots are free, then each acquire holds one at once', async () => {
    // Prepare
    const slots = new StoringSlots({ max: 2, maxWaiting: 5, maxWaitMs: 1_000 });
    // Act
    const granted = [await slots.acquire(), await slots.acquire()];
    // Assess
    expect(granted).toEqual([true, true]);
    expect(slots.storing).toBe(2);
    expect(slots.waiting).toBe(0);
  });

  it('when every slot is taken, then the next wait in line and are granted oldest first as slots come free', async () => {
    // Prepare
    const slots = new StoringSlots({ max: 1, maxWaiting: 5, maxWaitMs: 10_000 });
    await slots.acquire();
    const first = slots.acquire();
    const second = slots.acquire();
    expect(await settledNow(first)).toEqual({ settled: false });
    expect(slots.waiting).toBe(2);
    // Act
    slots.release();
    // Assess: the slot went to the oldest, the other still waits, and the count held stays one.
    expect(await settledNow(first)).toEqual({ settled: true, value: true });
    expect(await settledNow(second)).toEqual({ settled: false });
    expect(slots.storing).toBe(1);
    slots.release();
    expect(await second).toBe(true);
  });

  it('when the line is full, then the next is refused at once', async () => {
    // Prepare
    const slots = new StoringSlots({ max: 1, maxWaiting: 2, maxWaitMs: 10_000 });
    await slots.acquire();
    const line = [slots.acquire(), slots.acquire()];
    // Act
    const refused = await settledNow(slots.acquire());
    // Assess
    expect(refused).toEqual({ settled: true, value: false });
    expect(slots.waiting).toBe(2);
    slots.release();
    slots.release();
    expect(await Promise.all(line)).toEqual([true, true]);
  });

  it('when no slot comes free within the wait, then the waiting are refused and hold nothing', async () => {
    // Prepare
    const slots = new StoringSlots({ max: 1, maxWaiting: 5, maxWaitMs: 50 });
    await slots.acquire();
    // Act
    const waited = await within(
      Promise.all([slots.acquire(), slots.acquire()]),
      1_000,
      'the wait to run out',
    );
    // Assess
    expect(waited).toEqual([false, false]);
    expect(slots.waiting).toBe(0);
    expect(slots.storing).toBe(1);
  });

  it('when a slot comes free after the oldest waiter ran out of time, then it goes to the next within its wait', async () => {
    // Prepare: a clock the test moves; the line's own timer is far enough not to fire first.
    let now = 0;
    const slots = new StoringSlots({ max: 1, maxWaiting: 5, maxWaitMs: 5_000, now: () => now });
    await slots.acquire();
    const overdue = slots.acquire();
    now = 3_000;
    const inTime = slots.acquire();
    // Act: the first is past its wait, the second is not.
    now = 6_000;
    slots.release();
    // Assess
    expect(await overdue).toBe(false);
    expect(await inTime).toBe(true);
    expect(slots.storing).toBe(1);
  });

  it('when there is no line, then a delivery with every slot taken is refused at once', async () => {
    // Prepare
    const slots = new StoringSlots({ max: 1, maxWaiting: 0, maxWaitMs: 1_000 });
    await slots.acquire();
    // Act
    const refused = await settledNow(slots.acquire());
    // Assess
    expect(refused).toEqual({ settled: true, value: false });
  });
});
