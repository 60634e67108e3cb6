// The SMPP window of one bind: at most `capacity` SUBMIT_SM without an answer. It also keeps the
// in-flight requests by sequence number. All submits share one response timeout, so a Map (which
// iterates in insertion order) is already sorted by deadline: one periodic sweep expires entries
// from the front instead of one timer per request (15,000+/s).
// An expired request is remembered a while longer (bounded in time and number), so an answer that
// comes after its timeout can still be told apart from a stray PDU and matched to its request.
import { Fifo } from '../../../core/support/fifo.ts';

type Grant = (granted: boolean) => void;

/**
 * Who is served first when the window is full: `part`, a later part of a long message whose first
 * part is on the wire (all parts must follow within the provider's window); `urgent`, a message
 * someone waits for; the rest after them. FIFO within each.
 */
export type WindowPriority = 'part' | 'urgent';

export interface LateRetention {
  /** How long an expired request is remembered. */
  ms: number;
  /** At most this many are remembered; the oldest are forgotten first. */
  max: number;
}

const DEFAULT_LATE_RETENTION: LateRetention = { ms: 300_000, max: 10_000 };

export class SubmitWindow<T> {
  private readonly entries = new Map<number, { value: T; deadline: number }>();
  /** Expired requests by sequence number, oldest first, with the time they are forgotten at. */
  private readonly expired = new Map<number, { value: T; forgetAt: number }>();
  /** Slots taken: tracked requests plus slots granted to a caller that has not sent yet. */
  private held = 0;
  /** Waiters by class, served in this order. */
  private readonly partWaiters = new Fifo<Grant>();
  private readonly urgentWaiters = new Fifo<Grant>();
  private readonly waiters = new Fifo<Grant>();
  private slotListeners: (() => void)[] = [];
  private emptyListeners: (() => void)[] = [];

  constructor(
    readonly capacity: number,
    private readonly late: LateRetention = DEFAULT_LATE_RETENTION,
  ) {}

  get inFlight(): number {
    return this.held;
  }

  get available(): number {
    return Math.max(0, this.capacity - this.held);
  }

  get waiting(): number {
    return this.partWaiters.size + this.urgentWaiters.size + this.waiters.size;
  }

  /** Takes a slot now if one is free and nobody of our class or a higher one queues (FIFO stays fair). */
  tryAcquire(priority?: WindowPriority): boolean {
    const ahead =
      priority === 'part'
        ? this.partWaiters.size
        : priority === 'urgent'
          ? this.partWaiters.size + this.urgentWaiters.size
          : this.waiting;
    if (this.held >= this.capacity || ahead > 0) return false;
    this.held += 1;
    return true;
  }

  /**
   * Resolves true when a slot is ours, false when the wait was cancelled (bind lost, stopping) or
   * `signal` gave up first (a later part past its parts window). Served by `priority`
   * (WindowPriority), FIFO within each class.
   */
  acquire(priority?: WindowPriority, signal?: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(priority)) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    const queue =
      priority === 'part' ? this.partWaiters : priority === 'urgent' ? this.urgentWaiters : this.waiters;
    return new Promise<boolean>((resolve) => {
      let gaveUp = false;
      const giveUp = () => {
        gaveUp = true;
        resolve(false);
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      // A waiter that gave up stays queued (the queue has no removal) and passes its slot on.
      queue.push((granted) => {
        signal?.removeEventListener('abort', giveUp);
        if (!gaveUp) resolve(granted);
        else if (granted) this.release();
      });
    });
  }

  /** Gives a slot back: straight to the oldest waiter if any, so the count never dips and refills. */
  release(): void {
    const next = this.partWaiters.shift() ?? this.urgentWaiters.shift() ?? this.waiters.shift();
    if (next) {
      next(true);
      return;
    }
    this.held = Math.max(0, this.held - 1);
    this.notifySlotFree();
  }

  /** Records a request that went on the wire; the caller already holds its slot. */
  track(sequenceNumber: number, value: T, deadline: number): void {
    this.entries.set(sequenceNumber, { value, deadline });
  }

  /** The answer arrived: forget the request and free its slot. */
  settle(sequenceNumber: number): T | undefined {
    const entry = this.entries.get(sequenceNumber);
    if (!entry) return undefined;
    this.entries.delete(sequenceNumber);
    this.release();
    return entry.value;
  }

  /** Removes and returns every request whose deadline has passed, oldest first (see takeLate). */
  expire(now: number): T[] {
    const expired: T[] = [];
    for (const [sequenceNumber, entry] of this.entries) {
      if (entry.deadline > now) break;
      this.entries.delete(sequenceNumber);
      expired.push(entry.value);
      this.expired.set(sequenceNumber, { value: entry.value, forgetAt: now + this.late.ms });
    }
    for (let i = 0; i < expired.length; i += 1) this.release();
    this.forget(now);
    return expired;
  }

  /** An answer for a request that expired: the request, once; undefined if it is not remembered. */
  takeLate(sequenceNumber: number, now: number): T | undefined {
    this.forget(now);
    const entry = this.expired.get(sequenceNumber);
    this.expired.delete(sequenceNumber);
    return entry?.value;
  }

  private forget(now: number): void {
    for (const [sequenceNumber, entry] of this.expired) {
      if (entry.forgetAt > now && this.expired.size <= this.late.max) break;
      this.expired.delete(sequenceNumber);
    }
  }

  get tracked(): number {
    return this.entries.size;
  }

  /**
   * The bind is gone: returns the in-flight requests (their fate is unknown), forgets the expired
   * ones (no answer can come for them now) and cancels every queued waiter (nothing was sent).
   */
  abandon(): T[] {
    const inFlight = [...this.entries.values()].map((entry) => entry.value);
    this.entries.clear();
    // Sequence numbers start over on the next connection: an old one must not match a new answer.
    this.expired.clear();
    this.held = Math.max(0, this.held - inFlight.length);
    for (const waiter of this.drainWaiters()) waiter(false);
    this.notifySlotFree();
    return inFlight;
  }

  /**
   * Stopping: queued callers get false (nothing of theirs was sent); in-flight stays tracked.
   * `keep: 'part'`: later parts stay queued (a graceful stop lets them go during its drain).
   */
  cancelWaiters(keep?: 'part'): void {
    const cancelled =
      keep === 'part' ? [...this.urgentWaiters.drain(), ...this.waiters.drain()] : this.drainWaiters();
    for (const waiter of cancelled) waiter(false);
  }

  /** Resolves when nothing is in flight or reserved (stop() drains the window with it). */
  whenEmpty(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.emptyListeners.push(resolve));
  }

  /** Resolves once at least one slot is free (immediately if one is). */
  whenSlotFree(): Promise<void> {
    if (this.available > 0 && this.waiting === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.slotListeners.push(resolve));
  }

  private notifySlotFree(): void {
    if (this.held === 0 && this.emptyListeners.length > 0) {
      const listeners = this.emptyListeners;
      this.emptyListeners = [];
      for (const listener of listeners) listener();
    }
    if (this.slotListeners.length === 0 || this.available === 0) return;
    const listeners = this.slotListeners;
    this.slotListeners = [];
    for (const listener of listeners) listener();
  }

  private drainWaiters(): Grant[] {
    return [...this.partWaiters.drain(), ...this.urgentWaiters.drain(), ...this.waiters.drain()];
  }
}
