// The account's binds as one pool: a message goes to the bound session with the most free window
// slots (all its parts on that one session), and the dispatcher only takes work when some session
// can take it. Sessions come and go with the login slots this task holds (account/slot-sessions.ts):
// a session is added when its slot is taken and removed before it stops, so nothing new goes on it.
// The session is chosen at the message's first SUBMIT_SM, not when the pipeline acquires the pool:
// between the two lie the claim write and the rate token, and a choice made then reserves nothing,
// so every message acquired meanwhile saw the same free slots and chose the same session, queueing
// on its full window while the other binds idled (SPEC: "A window per bind"). Chosen in the same
// tick as the engine's submit() takes the slot, the choice needs no reservation: nothing is held
// (nor can leak) for a message that is never sent (stopping, expired, claimed elsewhere), and no
// slot sits idle through a claim write or a token wait while submits could use it.
import type {
  SessionState,
  SmppClient,
  SubmitFields,
  SubmitOutcome,
  SubmitTag,
  WindowPriority,
} from '#bind-service/smpp/index.ts';
import { onAbort } from '#core/support/abort.ts';

/** A session the pool hands submits to (the engine's SmppClient is one). */
export interface PooledBind {
  readonly isBound: boolean;
  readonly availableSlots: number;
  /** Submits waiting for a window slot. */
  readonly queuedSubmits: number;
  readonly state: SessionState;
  whenSlotFree(): Promise<void>;
  /** Takes its window slot synchronously when one is free (the pool's choice relies on it). */
  submit(
    fields: SubmitFields,
    tag?: SubmitTag,
    options?: { priority?: WindowPriority; signal?: AbortSignal },
  ): Promise<SubmitOutcome>;
  /** The message's sender sends no more of its parts (SmppClient.messageEnded). */
  messageEnded?(messageId: string): void;
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

  /**
   * The bound session with the most free slots, if one has any: choose()'s answer while it has a
   * free slot (a window hands a freed slot straight to a queued submit, so one with free slots has
   * none queued).
   */
  pick(): T | undefined {
    const best = this.choose();
    return best && best.availableSlots > 0 ? best : undefined;
  }

  /**
   * Where a message's first SUBMIT_SM goes now: the bound session with the most free slots, or,
   * every window full, the one with the fewest submits queued for a slot (ties: the first). One
   * pass over the sessions; undefined when none is bound.
   */
  choose(): T | undefined {
    let best: T | undefined;
    let bestRoom = Number.NEGATIVE_INFINITY;
    for (const bind of this.members) {
      if (!bind.isBound) continue;
      const room = bind.availableSlots - bind.queuedSubmits;
      if (room > bestRoom) {
        best = bind;
        bestRoom = room;
      }
    }
    return best;
  }

  /**
   * Resolves, once some session has a free slot, with the submitter for one message (its session is
   * chosen at its first submit, see PoolSubmitter), or undefined once the pool is closed or the
   * signal aborted. Nothing is reserved: a message that never submits leaves nothing to give back.
   */
  async acquire(signal?: AbortSignal): Promise<PoolSubmitter<T> | undefined> {
    for (;;) {
      if (signal?.aborted || this.closed) return undefined;
      const bind = this.pick();
      if (bind) return new PoolSubmitter(this, bind);
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

/**
 * One message's way into the pool: its first submit goes to the session the pool chooses at that
 * moment (the engine takes the slot in the same tick, so the next message sees one slot fewer);
 * its later parts and resends follow on that same session. With no session bound then, the submit
 * goes to the session free at acquire(), whose engine answers it as not sent (not bound, stopping).
 */
export class PoolSubmitter<T extends PooledBind = SmppClient> {
  private chosen: T | undefined;

  constructor(
    private readonly pool: BindPool<T>,
    private readonly fallback: T,
  ) {}

  /** The session this message's submits go to; undefined until its first submit. */
  get session(): T | undefined {
    return this.chosen;
  }

  submit(
    fields: SubmitFields,
    tag?: SubmitTag,
    options?: { priority?: WindowPriority; signal?: AbortSignal },
  ): Promise<SubmitOutcome> {
    this.chosen ??= this.pool.choose() ?? this.fallback;
    return this.chosen.submit(fields, tag, options);
  }

  messageEnded(messageId: string): void {
    this.chosen?.messageEnded?.(messageId);
  }
}
