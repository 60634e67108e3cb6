// Per-account rate: a token bucket whose capacity equals the rate, so a burst of `rate` passes at
// once and throttling starts after it, then one token comes back every 1/rate seconds.
import { performance } from 'node:perf_hooks';

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly rate: number) {
    this.tokens = rate;
    this.last = performance.now();
  }

  /** Takes one token; false means the caller is above the rate. Rate 0 never throttles. */
  take(): boolean {
    if (this.rate <= 0) return true;
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
