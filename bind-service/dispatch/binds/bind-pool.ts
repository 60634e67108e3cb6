// The account's binds as one pool: a message goes to the bound session with the most free window
// slots (all its parts on that one session), and the dispatcher only takes work when some session
// can take it. Sessions come and go with the login slots this task holds (account/slot-sessions.ts):
// a session is added when its slot is taken and removed before it stops, so nothing new goes on it.
import type { SessionState, SmppClient } from '#bind-service/smpp/index.ts';
import { onAbort } from '../flow/abort.ts';

/** What the pool needs of an SMPP session (SmppClient satisfies it). */
/** A session the pool hands submits to (the engine's SmppClient is one). */
export interface PooledBind {
  readonly isBound: boolean;
  readonly availableSlots: number;
  readonly state: SessionState;
  whenSlotFree(): Promise<void>;
}

export class BindPool<T extends PooledBind = SmppClient> {
  private members: T[];
  /** Callers of whenAnySlotFree() still waiting; each leaves the set when its wait ends. */
  private readonly waiting = new Set<() => void>();
  /**
   * Sessions the pool is waiting on for a free slot: one wait per session however many callers
   * wait, so nothing is left behind per caller on a session that stays full or unbound for long.
   */
  private readonly watched = new Set<T>();

  constructor(binds: readonly T[] = []) {
    this.members = [...binds];
  }

  get binds(): readonly T[] {
    return this.members;
  }

  get anyBound(): boolean {
    return this.members.some((bind) => bind.isBound);
  }

  /** No session, or every one stopping or stopped: no bind will come back to this pool as it is. */
  get closed(): boolean {
    return this.members.every((bind) => bind.state === 'stopping' || bind.state === 'stopped');
  }

  add(bind: T): void {
    this.members.push(bind);
    this.changed();
  }

  remove(bind: T): void {
    this.members = this.members.filter((member) => member !== bind);
    this.changed();
  }

  /** The bound session with the most free slots, if one has any. */
  pick(): T | undefined {
    let best: T | undefined;
    for (const bind of this.members) {
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

  /** Resolves when some session has a free slot (or stops, or the signal aborts, or the pool changes). */
  whenAnySlotFree(signal?: AbortSignal): Promise<void> {
    if (this.pick() || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let forgetAbort: () => void = () => undefined;
      const wake = () => {
        this.waiting.delete(wake);
        forgetAbort();
        resolve();
      };
      this.waiting.add(wake);
      forgetAbort = onAbort(signal, wake);
      this.watchMembers();
    });
  }

  private watchMembers(): void {
    for (const bind of this.members) {
      if (this.watched.has(bind)) continue;
      this.watched.add(bind);
      const slotFree = () => {
        this.watched.delete(bind);
        this.changed();
      };
      bind.whenSlotFree().then(slotFree, slotFree);
    }
  }

  private changed(): void {
    for (const wake of [...this.waiting]) wake();
  }
}
