import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RateLimiter,
  RateLimiterClosedError,
  type RateLimiterOptions,
} from '#bind-service/dispatch/flow/rate-limiter.ts';

function limiter(options: Omit<RateLimiterOptions, 'now'>): RateLimiter {
  return new RateLimiter({ ...options, now: () => Date.now() });
}

/** Starts `count` waits and records the fake time at which each one is let through. */
function track(rateLimiter: RateLimiter, count: number, lane: 'urgent' | 'bulk' = 'bulk') {
  const times: number[] = [];
  const start = Date.now();
  for (let i = 0; i < count; i += 1) {
    rateLimiter
      .wait(lane)
      .then(() => times.push(Date.now() - start))
      .catch(() => undefined);
  }
  return times;
}

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the bucket is empty, then waiters are let through at the configured rate', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 10 });
    // Act
    const times = track(rateLimiter, 5);
    await vi.advanceTimersByTimeAsync(1000);
    // Assess
    expect(times).toEqual([0, 100, 200, 300, 400]);
    rateLimiter.close();
  });

  it('when many callers wait, then at most one timer is armed (no busy loop)', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 50 });
    // Act
    const times = track(rateLimiter, 200);
    await vi.advanceTimersByTimeAsync(0);
    const timers = vi.getTimerCount();
    await vi.advanceTimersByTimeAsync(1000);
    // Assess
    expect(timers).toBe(1);
    // A full bucket at once, then 50/s; no second, wherever it starts, carries more than the cap (the
    // bucket alone put 55 in the first).
    const busiest = Math.max(
      ...times.map((from) => times.filter((at) => at >= from && at < from + 1000).length),
    );
    expect(times.length).toBeGreaterThanOrEqual(50);
    expect(busiest).toBe(50);
    rateLimiter.close();
  });

  it.each([30, 7.5, 200])(
    'when a mailing starts on an idle %s msg/s limiter, then no second carries more than the cap',
    async (ratePerSecond) => {
      // Prepare: the bucket is full after idle.
      const rateLimiter = limiter({ ratePerSecond });
      await vi.advanceTimersByTimeAsync(5_000);
      // Act
      const times = track(rateLimiter, Math.ceil(ratePerSecond * 3));
      await vi.advanceTimersByTimeAsync(3_000);
      // Assess: every window of one second from a grant on (the provider counts per second); a share
      // of 7.5 msg/s puts 7 or 8 in a second.
      const busiest = Math.max(
        ...times.map((from) => times.filter((at) => at >= from && at < from + 1000).length),
      );
      expect(busiest).toBeLessThanOrEqual(Math.ceil(ratePerSecond));
      rateLimiter.close();
    },
  );

  it.each([
    [30, 10],
    [20, 15],
  ])(
    'when the timer fires late (%s msg/s, the loop busy in %s ms stretches), then the rate is still met and no second carries more',
    async (ratePerSecond, stretchMs) => {
      // Prepare: a busy event loop runs a due timer only after its stretch of work, so the limiter
      // reads the clock at the stretch's end
      const clock = { ms: 0 };
      const rateLimiter = new RateLimiter({ ratePerSecond, now: () => clock.ms });
      const times: number[] = [];
      for (let i = 0; i < ratePerSecond * 12; i += 1) {
        rateLimiter
          .wait('bulk')
          .then(() => times.push(clock.ms))
          .catch(() => undefined);
      }
      await vi.advanceTimersByTimeAsync(0);
      // Act: ten seconds
      while (clock.ms < 10_000) {
        clock.ms += stretchMs;
        await vi.advanceTimersByTimeAsync(stretchMs);
      }
      // Assess: before, a bucket of one token lost each wake's lateness (about 27 of 30 msg/s)
      const inTenSeconds = times.filter((at) => at <= 10_000).length;
      const busiest = Math.max(
        ...times.map((from) => times.filter((at) => at >= from && at < from + 1000).length),
      );
      expect(inTenSeconds).toBeGreaterThanOrEqual(ratePerSecond * 10 * 0.98);
      expect(busiest).toBeLessThanOrEqual(ratePerSecond);
      rateLimiter.close();
    },
  );

  it('when urgent and bulk callers wait together, then urgent ones go first', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 10 });
    await rateLimiter.wait();
    const order: string[] = [];
    void rateLimiter.wait('bulk').then(() => order.push('bulk-1'));
    void rateLimiter.wait('bulk').then(() => order.push('bulk-2'));
    void rateLimiter.wait('urgent').then(() => order.push('urgent'));
    // Act
    await vi.advanceTimersByTimeAsync(400);
    // Assess
    expect(order).toEqual(['urgent', 'bulk-1', 'bulk-2']);
    rateLimiter.close();
  });

  it('when background work waits with both lanes, then it gets a token only after every lane waiter', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 10, burstSeconds: 0.1 });
    await rateLimiter.wait();
    const order: string[] = [];
    // Act
    void rateLimiter.wait('background').then(() => order.push('background'));
    void rateLimiter.wait('bulk').then(() => order.push('bulk'));
    void rateLimiter.wait('urgent').then(() => order.push('urgent'));
    await vi.advanceTimersByTimeAsync(250);
    const beforeLast = [...order];
    await vi.advanceTimersByTimeAsync(100);
    // Assess
    expect(beforeLast).toEqual(['urgent', 'bulk']);
    expect(order).toEqual(['urgent', 'bulk', 'background']);
    rateLimiter.close();
  });

  it('when the task holds 1 of 3 slots and then all 3, then waiters go through at a third, then all of the login rate', async () => {
    // Prepare: a login of 30 msg/s over 3 slots; this task holds one.
    const rateLimiter = limiter({ ratePerSecond: 30 / 3, burstSeconds: 0.01 });
    const times = track(rateLimiter, 3);
    await vi.advanceTimersByTimeAsync(300);
    // Act: the other two slots come to this task.
    rateLimiter.setCap((30 * 3) / 3);
    const after = track(rateLimiter, 3);
    await vi.advanceTimersByTimeAsync(1_000);
    // Assess
    expect(times).toEqual([0, 100, 200]);
    expect(after[2]! - after[1]!).toBeCloseTo(1000 / 30, -1);
    expect(rateLimiter.cap).toBe(30);
    expect(rateLimiter.currentRate).toBe(30);
    rateLimiter.close();
  });

  it('when the share changes on a throttled login, then the rate keeps its place relative to the cap', () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 20, decreaseCooldownMs: 0 });
    rateLimiter.onThrottled();
    // Act
    rateLimiter.setCap(10);
    // Assess: 0.7 of the cap before and after.
    expect(rateLimiter.currentRate).toBeCloseTo(7);
    rateLimiter.close();
  });

  it('when a task that took every slot of a login is throttled, then it climbs back at 5% of the login rate, not of one slot', () => {
    // Prepare: as account-runtime.ts builds it, at one slot's share of a 60 msg/s login of 3 binds,
    // then the task takes all 3 slots.
    const shared = limiter({ ratePerSecond: 60 / 3 });
    shared.setCap(60);
    const whole = limiter({ ratePerSecond: 60 });
    // Act: one throttling answer (42 msg/s), then ten seconds of accepted submits at the rate.
    for (const rateLimiter of [shared, whole]) {
      rateLimiter.onThrottled();
      for (let second = 0; second < 10; second += 1) {
        for (let sent = 0; sent < rateLimiter.currentRate; sent += 1) rateLimiter.onSuccess();
      }
    }
    // Assess: 3 msg/s regained a second, as a 60 msg/s limiter does (with 1, 52 after ten seconds).
    expect(whole.currentRate).toBeCloseTo(60, 0);
    expect(shared.currentRate).toBeCloseTo(whole.currentRate, 0);
    shared.close();
    whole.close();
  });

  it('when the SMSC throttles, then the rate shrinks by the factor and sending pauses', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 100, throttlePauseMs: 300, burstSeconds: 0.01 });
    // Act
    rateLimiter.onThrottled();
    const times = track(rateLimiter, 2);
    await vi.advanceTimersByTimeAsync(1000);
    // Assess
    expect(rateLimiter.currentRate).toBeCloseTo(70);
    expect(times[0]).toBeGreaterThanOrEqual(300);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(14);
    rateLimiter.close();
  });

  it('when a burst of throttled answers arrives at once, then they count as one decrease', () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 200, decreaseCooldownMs: 500 });
    // Act
    for (let i = 0; i < 150; i += 1) rateLimiter.onThrottled();
    const afterBurst = rateLimiter.currentRate;
    vi.advanceTimersByTime(500);
    rateLimiter.onThrottled();
    // Assess
    expect(afterBurst).toBeCloseTo(140);
    expect(rateLimiter.currentRate).toBeCloseTo(98);
    rateLimiter.close();
  });

  it('when throttling goes on and on, then the rate stops at the floor', () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 30, minRatePerSecond: 2, decreaseCooldownMs: 0 });
    // Act
    for (let i = 0; i < 50; i += 1) rateLimiter.onThrottled();
    // Assess
    expect(rateLimiter.currentRate).toBe(2);
    rateLimiter.close();
  });

  it('when submits succeed after throttling, then the rate grows back slowly and never above the cap', () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 30, recoveryPerSecond: 3, decreaseCooldownMs: 0 });
    rateLimiter.onThrottled();
    rateLimiter.onThrottled();
    const low = rateLimiter.currentRate;
    // Act
    for (let i = 0; i < 15; i += 1) rateLimiter.onSuccess();
    const afterABit = rateLimiter.currentRate;
    for (let i = 0; i < 10_000; i += 1) rateLimiter.onSuccess();
    // Assess
    expect(low).toBeCloseTo(14.7);
    expect(afterABit).toBeGreaterThan(low);
    expect(afterABit).toBeLessThan(low + 4);
    expect(rateLimiter.currentRate).toBe(30);
  });

  it('when closed, then waiters are rejected and no timer is left behind', async () => {
    // Prepare
    const rateLimiter = limiter({ ratePerSecond: 1 });
    await rateLimiter.wait();
    const waiting = rateLimiter.wait();
    // Act
    rateLimiter.close();
    // Assess
    await expect(waiting).rejects.toBeInstanceOf(RateLimiterClosedError);
    expect(vi.getTimerCount()).toBe(0);
    await expect(rateLimiter.wait()).rejects.toBeInstanceOf(RateLimiterClosedError);
  });

  it('when configured with a non-positive rate, then it refuses to start', () => {
    // Act
    const act = () => limiter({ ratePerSecond: 0 });
    // Assess
    expect(act).toThrow(/ratePerSecond/);
  });
});
