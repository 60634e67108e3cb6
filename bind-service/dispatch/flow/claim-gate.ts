// Bounds how many messages of a lane are claimed (or being claimed) while they wait for their first
// rate token. The token is taken after the claim, right before the SUBMIT_SM, so that a stalled claim
// write cannot hoard tokens and release them all at once (a burst above the account's rate). But a
// message claimed and not yet sent is one a crash would leave `submitting`, and so `unknown` on
// redelivery although it never left: this gate keeps that group to about what the rate sends in a
// moment, instead of every message the lane holds. FIFO; a waiter that gives up takes no place.

import { raceAbort } from '#core/support/abort.ts';
import { Fifo } from '#core/support/fifo.ts';

interface Waiter {
  admit(): void;
  admitted: boolean;
  cancelled: boolean;
}

export class ClaimGate {
  private inside = 0;
  private readonly waiters = new Fifo<Waiter>();

  /** `capacity` is read at each admission, so it can follow an adaptive rate. */
  constructor(private readonly capacity: () => number) {}

  /** Messages holding a place now. */
  get holding(): number {
    return this.inside;
  }

  /** True with a place taken (give it back with leave()); false when the signal aborted first. */
  async enter(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    if (this.waiters.size === 0 && this.inside < this.capacity()) {
      this.inside += 1;
      return true;
    }
    let admit: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => {
      admit = resolve;
    });
    const waiter: Waiter = { admit: () => admit(), admitted: false, cancelled: false };
    this.waiters.push(waiter);
    this.admitWaiting();
    await raceAbort(admitted, signal);
    // Admitted in the same turn as the abort: the place is taken and the caller gives it back.
    if (waiter.admitted) return true;
    waiter.cancelled = true;
    return false;
  }

  /**
   * A place for a message already claimed that is unsent again (its SUBMIT_SM was answered with
   * throttling): it counts against the capacity, over it if need be, so no new claim is admitted
   * while it waits for its resend. Given back with leave().
   */
  occupy(): void {
    this.inside += 1;
  }

  leave(): void {
    this.inside = Math.max(0, this.inside - 1);
    this.admitWaiting();
  }

  private admitWaiting(): void {
    while (this.inside < this.capacity()) {
      const waiter = this.waiters.shift();
      if (!waiter) return;
      if (waiter.cancelled) continue;
      waiter.admitted = true;
      this.inside += 1;
      waiter.admit();
    }
  }
}
