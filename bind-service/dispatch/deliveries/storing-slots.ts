// Who may store a delivery now. At most `max` are being stored at once; the next ones wait in line,
// oldest first, for a slot to come free, but no longer than `maxWaitMs` and no more than
// `maxWaiting` of them: a delivery refused is one the SMSC sends again only after its own retry
// interval (the simulator's: 1 s; an SMSC may wait minutes), so a burst that a store catches up with
// in a moment is better held for that moment than refused. Past the line, or past the wait, the
// answer is still a refusal, so memory stays bounded and the SMSC still hears back well within its
// answer timeout.
import { Fifo } from '#core/support/fifo.ts';

export interface StoringSlotsOptions {
  /** Deliveries being stored at once. */
  max: number;
  /** Deliveries waiting for a slot at once; 0 refuses at once when every slot is taken. */
  maxWaiting: number;
  /** Longest a delivery waits for a slot before it is refused. */
  maxWaitMs: number;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  deadline: number;
  grant: (granted: boolean) => void;
}

export class StoringSlots {
  private taken = 0;
  private readonly line = new Fifo<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: StoringSlotsOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Deliveries holding a slot. */
  get storing(): number {
    return this.taken;
  }

  /** Deliveries waiting in line for one. */
  get waiting(): number {
    return this.line.size;
  }

  /** Takes a free slot at once when there is one and nobody waits for it (give it back with release()). */
  tryTake(): boolean {
    if (this.taken >= this.options.max || this.line.size > 0) return false;
    this.taken += 1;
    return true;
  }

  /** True once a slot is held (give it back with release()); false when the delivery is refused. */
  acquire(): Promise<boolean> {
    if (this.tryTake()) return Promise.resolve(true);
    if (this.line.size >= this.options.maxWaiting || this.options.maxWaitMs <= 0) {
      return Promise.resolve(false);
    }
    return new Promise<boolean>((grant) => {
      this.line.push({ deadline: this.now() + this.options.maxWaitMs, grant });
      this.arm();
    });
  }

  /** A delivery finished storing: its slot goes to the oldest one still within its wait. */
  release(): void {
    this.taken -= 1;
    this.refuseOverdue();
    const next = this.line.shift();
    if (next) {
      this.taken += 1;
      next.grant(true);
    }
    this.arm();
  }

  private refuseOverdue(): void {
    const now = this.now();
    for (let head = this.line.peek(); head !== undefined && head.deadline <= now; head = this.line.peek()) {
      this.line.shift();
      head.grant(false);
    }
  }

  /** One timer, for the head of the line: every waiter has the same wait, so it is due first. */
  private arm(): void {
    const head = this.line.peek();
    if (this.timer !== undefined || head === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.refuseOverdue();
        this.arm();
      },
      Math.max(0, head.deadline - this.now()),
    );
    // A stopping process does not wait for it: the line empties within maxWaitMs by itself.
    this.timer.unref();
  }
}
