// Capped exponential back-off with jitter, reset after a good bind (fiorix go-smpp): a flapping
// link is retried quickly, a dead one is not hammered, and many binds do not retry in lockstep.
import type { ResolvedReconnect } from '../config.ts';

export class Backoff {
  private failures = 0;

  constructor(
    private readonly settings: ResolvedReconnect,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failed or ended attempts since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialDelayMs, maxDelayMs, multiplier, jitter } = this.settings;
    const base = Math.min(maxDelayMs, initialDelayMs * multiplier ** this.failures);
    this.failures += 1;
    const spread = base * jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(maxDelayMs, base + spread)));
  }

  reset(): void {
    this.failures = 0;
  }
}
