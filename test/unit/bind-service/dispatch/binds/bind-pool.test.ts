import { describe, expect, it } from 'vitest';
import { BindPool, type PooledBind } from '#bind-service/dispatch/binds/bind-pool.ts';
import type { SessionState } from '#bind-service/smpp/index.ts';
import { MEGABYTE, retainedBytesAfter } from '#test/helpers/retained-heap.ts';

class FakeBind implements PooledBind {
  private waiters: (() => void)[] = [];

  constructor(
    public availableSlots: number,
    public state: SessionState = 'bound',
  ) {}

  get isBound(): boolean {
    return this.state === 'bound';
  }

  whenSlotFree(): Promise<void> {
    if (this.availableSlots > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  free(slots: number): void {
    this.availableSlots += slots;
    for (const wake of this.waiters.splice(0)) wake();
  }
}

describe('BindPool', () => {
  it('when several binds have room, then the one with the most free slots is picked', () => {
    // Prepare
    const a = new FakeBind(3);
    const b = new FakeBind(7);
    // Act / Assess
    expect(new BindPool([a, b]).pick()).toBe(b);
  });

  it('when every window is full, then acquire waits until a slot frees up', async () => {
    // Prepare
    const a = new FakeBind(0);
    const pool = new BindPool([a]);
    let got: FakeBind | undefined;
    // Act
    const acquiring = pool.acquire().then((bind) => {
      got = bind;
    });
    await Promise.resolve();
    const whileFull = got;
    a.free(1);
    await acquiring;
    // Assess
    expect(whileFull).toBeUndefined();
    expect(got).toBe(a);
  });

  it('when the stop signal aborts a wait, then acquire resolves with no bind', async () => {
    // Prepare
    const pool = new BindPool([new FakeBind(0)]);
    const stop = new AbortController();
    // Act
    const acquiring = pool.acquire(stop.signal);
    stop.abort();
    // Assess
    expect(await acquiring).toBeUndefined();
  });

  it('when every bind is stopped, then the pool is closed and acquire gives up', async () => {
    // Prepare
    const pool = new BindPool([new FakeBind(0, 'stopped'), new FakeBind(0, 'stopping')]);
    // Act / Assess
    expect(pool.closed).toBe(true);
    expect(await pool.acquire()).toBeUndefined();
  });

  it.each([
    ['a stop signal the pool outlives', true],
    ['no signal', false],
  ])(
    'when 20,000 waits for a free slot (with %s) have ended, then they leave nothing behind',
    async (_, withSignal) => {
      // Prepare: one bind with a full window.
      const bind = new FakeBind(0);
      const pool = new BindPool([bind]);
      const running = new AbortController();
      // Act: each wait ends when a slot frees, and the slot is taken again.
      const retained = await retainedBytesAfter(async () => {
        for (let i = 0; i < 20_000; i++) {
          const waiting = pool.whenAnySlotFree(withSignal ? running.signal : undefined);
          bind.free(1);
          await waiting;
          bind.availableSlots = 0;
        }
      });
      // Assess: a wait that kept a reaction on a promise living as long as the signal (or forever,
      // without one) kept a few hundred bytes each.
      expect(running.signal.aborted).toBe(false);
      expect(retained).toBeLessThan(MEGABYTE);
    },
  );
});
