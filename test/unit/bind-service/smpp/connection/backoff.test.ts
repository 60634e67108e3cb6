import { describe, expect, it } from 'vitest';
import { Backoff } from '#bind-service/smpp/connection/backoff.ts';

const settings = { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };
const noJitter = () => 0.5;

describe('Backoff', () => {
  it('when attempts keep failing, then the delay doubles up to the cap', () => {
    // Prepare
    const backoff = new Backoff(settings, noJitter);
    // Act
    const delays = Array.from({ length: 9 }, () => backoff.next());
    // Assess
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoff.attempts).toBe(9);
  });

  it('when reset after a good bind, then the next delay is the initial one again', () => {
    // Prepare
    const backoff = new Backoff(settings, noJitter);
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
    const low = new Backoff(settings, () => 0);
    const high = new Backoff(settings, () => 0.999_999);
    const capped = new Backoff({ ...settings, initialDelayMs: 30_000 }, () => 0.999_999);
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
