import { describe, expect, it } from 'vitest';
import { SubmitWindow } from '#bind-service/smpp/connection/window.ts';

function filled(capacity: number, count: number, deadline: (i: number) => number = () => 1000) {
  const window = new SubmitWindow<string>(capacity);
  for (let i = 1; i <= count; i += 1) {
    expect(window.tryAcquire()).toBe(true);
    window.track(i, `m${i}`, deadline(i));
  }
  return window;
}

describe('SubmitWindow', () => {
  it('when the window is full, then no more slots are handed out until one is settled', () => {
    // Prepare
    const window = filled(3, 3);
    // Act
    const overfull = window.tryAcquire();
    const settled = window.settle(2);
    const afterSettle = window.tryAcquire();
    // Assess
    expect(overfull).toBe(false);
    expect(settled).toBe('m2');
    expect(afterSettle).toBe(true);
    expect(window.inFlight).toBe(3);
    expect(window.available).toBe(0);
  });

  it('when callers wait for a full window, then freed slots go to them in FIFO order', async () => {
    // Prepare
    const window = filled(1, 1);
    const order: string[] = [];
    const first = window.acquire().then((granted) => order.push(`first:${granted}`));
    const second = window.acquire().then((granted) => order.push(`second:${granted}`));
    // Act
    window.settle(1);
    await first;
    window.release();
    await second;
    // Assess
    expect(order).toEqual(['first:true', 'second:true']);
    expect(window.inFlight).toBe(1);
  });

  it('when later parts, urgent and ordinary submits wait, then freed slots go to the parts, then urgent, then ordinary ones, FIFO within each', async () => {
    // Prepare
    const window = filled(1, 1);
    const order: string[] = [];
    const waits = [
      window.acquire().then(() => order.push('bulk-1')),
      window.acquire('urgent').then(() => order.push('urgent-1')),
      window.acquire('part').then(() => order.push('part-1')),
      window.acquire().then(() => order.push('bulk-2')),
      window.acquire('urgent').then(() => order.push('urgent-2')),
      window.acquire('part').then(() => order.push('part-2')),
    ];
    // Act: one slot frees at a time.
    for (let freed = 0; freed < waits.length; freed++) {
      window.release();
      await Promise.resolve();
    }
    await Promise.all(waits);
    // Assess
    expect(order).toEqual(['part-1', 'part-2', 'urgent-1', 'urgent-2', 'bulk-1', 'bulk-2']);
  });

  it('when someone already waits, then tryAcquire does not jump the queue', () => {
    // Prepare
    const window = filled(1, 1);
    void window.acquire();
    window.settle(1);
    // Act
    const jumped = window.tryAcquire();
    // Assess
    expect(jumped).toBe(false);
    expect(window.waiting).toBe(0);
    expect(window.inFlight).toBe(1);
  });

  it('when the sweep runs, then only expired entries go, oldest first, and their slots free up', () => {
    // Prepare
    const window = filled(5, 5, (i) => i * 100);
    // Act
    const expired = window.expire(300);
    // Assess
    expect(expired).toEqual(['m1', 'm2', 'm3']);
    expect(window.tracked).toBe(2);
    expect(window.available).toBe(3);
    expect(window.expire(300)).toEqual([]);
  });

  it('when an answer arrives for an expired entry, then settle ignores it', () => {
    // Prepare
    const window = filled(2, 1, () => 10);
    window.expire(10);
    // Act
    const late = window.settle(1);
    // Assess
    expect(late).toBeUndefined();
    expect(window.inFlight).toBe(0);
  });

  it('when the bind is abandoned, then in-flight entries are returned and waiters get false', async () => {
    // Prepare
    const window = filled(2, 2);
    const waiter = window.acquire();
    // Act
    const inFlight = window.abandon();
    // Assess
    expect(inFlight).toEqual(['m1', 'm2']);
    await expect(waiter).resolves.toBe(false);
    expect(window.inFlight).toBe(0);
    expect(window.available).toBe(2);
  });

  it('when waiters are cancelled for a stop, then in-flight entries stay tracked', async () => {
    // Prepare
    const window = filled(1, 1);
    const waiter = window.acquire();
    // Act
    window.cancelWaiters();
    // Assess
    await expect(waiter).resolves.toBe(false);
    expect(window.tracked).toBe(1);
  });

  it('when waiters are cancelled for a graceful stop, then later parts stay queued and get the next slot', async () => {
    // Prepare
    const window = filled(1, 1);
    const plain = window.acquire();
    const urgent = window.acquire('urgent');
    const part = window.acquire('part');
    // Act
    window.cancelWaiters('part');
    window.settle(1);
    // Assess
    await expect(plain).resolves.toBe(false);
    await expect(urgent).resolves.toBe(false);
    await expect(part).resolves.toBe(true);
    expect(window.inFlight).toBe(1);
  });

  it('when a slot frees, then whenSlotFree and (once empty) whenEmpty resolve', async () => {
    // Prepare
    const window = filled(2, 2);
    let slotFree = false;
    let empty = false;
    const slot = window.whenSlotFree().then(() => {
      slotFree = true;
    });
    const drained = window.whenEmpty().then(() => {
      empty = true;
    });
    // Act
    window.settle(1);
    await slot;
    const emptyAfterOne = empty;
    window.settle(2);
    await drained;
    // Assess
    expect(slotFree).toBe(true);
    expect(emptyAfterOne).toBe(false);
    expect(empty).toBe(true);
  });

  it('when an expired request is answered late, then takeLate gives it back once', () => {
    // Prepare
    const window = filled(2, 2, (i) => i * 100);
    window.expire(150);
    // Act
    const late = window.takeLate(1, 200);
    const again = window.takeLate(1, 200);
    const notExpired = window.takeLate(2, 200);
    // Assess
    expect([late, again, notExpired]).toEqual(['m1', undefined, undefined]);
    expect(window.settle(2)).toBe('m2');
  });

  it('when expired requests outlive their retention or its count, then they are forgotten', () => {
    // Prepare
    const window = new SubmitWindow<string>(5, { ms: 1_000, max: 2 });
    for (let i = 1; i <= 3; i += 1) {
      window.tryAcquire();
      window.track(i, `m${i}`, 10);
    }
    window.expire(10);
    // Act
    const beyondCount = window.takeLate(1, 20);
    const kept = window.takeLate(2, 20);
    const beyondTime = window.takeLate(3, 1_011);
    // Assess
    expect([beyondCount, kept, beyondTime]).toEqual([undefined, 'm2', undefined]);
  });

  it('when the bind is lost, then expired requests are forgotten: the next bind reuses their numbers', () => {
    // Prepare
    const window = filled(1, 1, () => 10);
    window.expire(10);
    // Act
    window.abandon();
    // Assess
    expect(window.takeLate(1, 20)).toBeUndefined();
  });
});
