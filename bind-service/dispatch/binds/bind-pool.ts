// The account's binds as one pool: a message goes to the bound session with the most free window
// slots (all its parts on that one session), and the dispatcher only takes work when some session
// can take it.
import type { SmppClient } from '#bind-service/smpp/index.ts';
import { whenAborted } from '../flow/abort.ts';

/** What the pool needs of an SMPP session (SmppClient satisfies it). */
export type PooledBind = Pick<SmppClient, 'isBound' | 'availableSlots' | 'whenSlotFree' | 'state'>;

export class BindPool<T extends PooledBind = SmppClient> {
  constructor(readonly binds: readonly T[]) {
    if (binds.length === 0) throw new RangeError('a bind pool needs at least one bind');
  }

  get anyBound(): boolean {
    return this.binds.some((bind) => bind.isBound);
  }

  /** Every session is stopping or stopped: no bind will come back. */
  get closed(): boolean {
    return this.binds.every((bind) => bind.state === 'stopping' || bind.state === 'stopped');
  }

  /** The bound session with the most free slots, if one has any. */
  pick(): T | undefined {
    let best: T | undefined;
    for (const bind of this.binds) {
      if (bind.availableSlots > 0 && (!best || bind.availableSlots > best.availableSlots)) best = bind;
    }
    return best;
  }

  /**
   * Resolves with a session that has a free slot now (it may still be taken by a concurrent caller,
   * in which case submit() waits in that session's window queue), or undefined once the pool is
   * closed or the signal aborted.
   */
  async acquire(signal?: AbortSignal): Promise<T | undefined> {
    for (;;) {
      if (signal?.aborted || this.closed) return undefined;
      const bind = this.pick();
      if (bind) return bind;
      await this.whenAnySlotFree(signal);
    }
  }

  /** Resolves when some session has a free slot (or stops, or the signal aborts). */
  whenAnySlotFree(signal?: AbortSignal): Promise<void> {
    if (this.pick() || signal?.aborted) return Promise.resolve();
    return Promise.race([...this.binds.map((bind) => bind.whenSlotFree()), whenAborted(signal)]);
  }
}
