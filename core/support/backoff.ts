import { setTimeout as delay } from 'node:timers/promises';

// Capped exponential back-off, the one every retry in this code base uses: the n-th retry waits
// about base × multiplier^n, never more than the cap, spread by jitter so that parties that failed
// together (writers that collided, binds that lost the same link) do not retry in lockstep.

export interface BackoffPolicy {
  /** The delay of retry 0, before jitter. */
  baseMs: number;
  /** No delay is longer. */
  capMs: number;
  /** Growth per retry; default 2. */
  multiplier?: number;
  /**
   * How the delay d is spread: 'full' draws it from [0, d) ("full jitter", for writers that
   * collided: they spread out instead of colliding again); a fraction j draws it from d ± j·d;
   * 0 (the default) keeps it exact.
   */
  jitter?: 'full' | number;
}

/** A number in [0, 1), as Math.random; injectable so tests can pin the jitter. */
export type Random = () => number;

/** The delay before retry `retry` (0-based), in whole milliseconds. */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: Random = Math.random): number {
  const { baseMs, capMs, multiplier = 2, jitter = 0 } = policy;
  const delayMs = Math.min(capMs, baseMs * multiplier ** retry);
  if (jitter === 'full') return Math.floor(random() * delayMs);
  if (jitter === 0) return Math.round(delayMs);
  const spread = delayMs * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(capMs, delayMs + spread)));
}

export function sleepBackoff(retry: number, policy: BackoffPolicy, random?: Random): Promise<void> {
  return delay(backoffDelayMs(retry, policy, random));
}

/** Counts failures and gives the next delay; `reset()` after a success starts again from the base. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: Random = Math.random,
  ) {}

  /** Failed or ended attempts since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const delayMs = backoffDelayMs(this.failures, this.policy, this.random);
    this.failures += 1;
    return delayMs;
  }

  reset(): void {
    this.failures = 0;
  }
}
