import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelayMs } from '#core/support/backoff.ts';

// The SMPP reconnect settings (500 ms doubling to 30 s, ±20 %).
const reconnect = { baseMs: 500, capMs: 30_000, multiplier: 2, jitter: 0.2 };
const noJitter = () => 0.5;

describe('Backoff', () => {
  it('when attempts keep failing, then the delay doubles up to the cap', () => {
    // Prepare
    const backoff = new Backoff(reconnect, noJitter);
    // Act
    const delays = Array.from({ length: 9 }, () => backoff.next());
    // Assess
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.attempts).toBe(9);
  });

  it('when reset after a good bind, then the next delay is the initial one again', () => {
    // Prepare
    const backoff = new Backoff(reconnect, noJitter);
    backoff.next();
    backoff.next();
    backoff.next();
    // Act
    backoff.reset();
    // Assess
    expect(backoff.next()).toBe(500);
  });

  it('when jitter draws its extremes, then the delay stays within ±jitter and under the cap', () => {
    // Prepare
    const low = new Backoff(reconnect, () => 0);
    const high = new Backoff(reconnect, () => 0.999_999);
    const capped = new Backoff({ ...reconnect, baseMs: 30_000 }, () => 0.999_999);
    // Act
    const lowest = low.next();
    const highest = high.next();
    const atCap = capped.next();
    // Assess
    expect(lowest).toBe(400);
    expect(highest).toBe(600);
    expect(atCap).toBe(30_000);
  });
});

describe('backoffDelayMs', () => {
  it('when no jitter is asked for, then the delays are exact and double up to the cap', () => {
    // Prepare
    const policy = { baseMs: 100, capMs: 2_000 };
    // Act
    const delays = [0, 1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy, () => 0.9));
    // Assess
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 2_000]);
  });

  it('when jitter is full, then the delay is drawn from zero up to the capped delay', () => {
    // Prepare
    const policy = { baseMs: 50, capMs: 1_000, jitter: 'full' } as const;
    // Act
    const lowest = backoffDelayMs(3, policy, () => 0);
    const half = backoffDelayMs(3, policy, () => 0.5);
    const highest = backoffDelayMs(3, policy, () => 0.999_999);
    const capped = backoffDelayMs(10, policy, () => 0.999_999);
    // Assess
    expect(lowest).toBe(0);
    expect(half).toBe(200);
    expect(highest).toBe(399);
    expect(capped).toBe(999);
  });

  it('when the multiplier is not 2, then the delay grows by it', () => {
    // Act
    const delay = backoffDelayMs(2, { baseMs: 100, capMs: 10_000, multiplier: 3 });
    // Assess
    expect(delay).toBe(900);
  });
});
