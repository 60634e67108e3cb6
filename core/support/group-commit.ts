// Group commit without a timer: while a call of one kind is in flight, the next requests of that kind
// queue and go together in the next call. A lone request goes at once; a busy stream batches itself,
// and the busier it is the larger the batches, up to the kind's limit. Each caller gets its own
// promise, settled with its own item's result or error.

/** One request's outcome in a flush, in the order the requests were given. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

export interface GroupCommitOptions<Request, Result> {
  /** Sends the batch as one call; answers one Settled per request, in order. A throw fails them all. */
  flush: (requests: readonly Request[]) => Promise<readonly Settled<Result>[]>;
  /** Most requests in one call (the call's own limit, e.g. 25 statements). */
  maxBatch: number;
  /** Calls of this kind in flight at once; requests wait only when all are busy. Default 1. */
  maxInFlight?: number;
  /**
   * With a weight, a batch holds requests up to `maxWeight` in total (e.g. items in a transaction).
   * A request heavier than that still goes, alone.
   */
  weigh?: (request: Request) => number;
  maxWeight?: number;
  /**
   * The keys a request touches. Two requests sharing a key never go in one call (DynamoDB refuses a
   * batch naming an item twice); the later one waits for a later call, in its turn.
   */
  keysOf?: (request: Request) => readonly string[];
  /**
   * Gives requests marked first calls of their own, as many in flight as `maxInFlight`: they never
   * wait behind, nor share a call with, the others, and the others' calls never carry them. A full
   * batch is answered later than a short one (DynamoDB Local under a bulk drain: an urgent claim
   * alone p99 192 ms, in a call with up to 24 bulk statements p99 1.25 s), and a steady stream of
   * first requests (every single send is urgent) must not keep the others (receipts) waiting.
   */
  firstCalls?: boolean;
}

/**
 * Where a request queues: `first` ahead of everything (an urgent message's claim), `last` behind
 * everything (a bulk claim: new work, which can wait while work already under way finishes).
 */
export interface SubmitOptions {
  first?: boolean;
  last?: boolean;
}

/** 2 first, 1 ordinary, 0 last: the queue is kept in rank order, FIFO within a rank. */
type Rank = 0 | 1 | 2;

interface Waiting<Request, Result> {
  request: Request;
  rank: Rank;
  resolve: (value: Result) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<Request, Result> {
  private readonly queue: Waiting<Request, Result>[] = [];
  private inFlight = 0;
  private firstsInFlight = 0;
  private readonly maxInFlight: number;

  constructor(private readonly options: GroupCommitOptions<Request, Result>) {
    if (options.maxBatch < 1) throw new RangeError(`maxBatch must be at least 1, not ${options.maxBatch}`);
    this.maxInFlight = options.maxInFlight ?? 1;
    if (this.maxInFlight < 1) throw new RangeError(`maxInFlight must be at least 1, not ${this.maxInFlight}`);
  }

  /** Requests waiting for a call (not those in flight). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * `first`: ahead of every waiting request not marked so, behind those that are (FIFO among them).
   * A busy stream of ordinary requests then delays a first one by the calls in flight, not the queue.
   * `last`: behind every waiting request, and behind ordinary ones that come later. Under a store
   * slower than the stream, writes that finish a message (a receipt) then do not queue behind a
   * backlog of writes that start new ones, so messages finish and free what they hold.
   */
  submit(request: Request, options: SubmitOptions = {}): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const rank: Rank = options.first === true ? 2 : options.last === true ? 0 : 1;
      const waiting = { request, rank, resolve, reject };
      // The queue is in rank order, so a request goes at the end unless the tail ranks below it;
      // only then is it searched (from the front: few first requests, at most a few hundred
      // ordinary ones, where a bulk drain's thousands of claims wait at the back).
      const tail = this.queue[this.queue.length - 1];
      const before =
        tail === undefined || tail.rank >= rank ? -1 : this.queue.findIndex((other) => other.rank < rank);
      if (before === -1) this.queue.push(waiting);
      else this.queue.splice(before, 0, waiting);
      this.pump();
    });
  }

  private pump(): void {
    const ownCalls = this.options.firstCalls === true;
    while (this.inFlight < this.maxInFlight && this.queue.length > (ownCalls ? this.leadingFirsts() : 0)) {
      const batch = this.takeBatch(ownCalls ? 'others' : 'all');
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    while (ownCalls && this.firstsInFlight < this.maxInFlight && this.queue[0]?.rank === 2) {
      const firsts = this.takeBatch('firsts');
      this.firstsInFlight += 1;
      void this.run(firsts).finally(() => {
        this.firstsInFlight -= 1;
        this.pump();
      });
    }
  }

  /** How many requests marked first wait at the front of the queue (the queue is in rank order). */
  private leadingFirsts(): number {
    let count = 0;
    while (this.queue[count]?.rank === 2) count += 1;
    return count;
  }

  /**
   * The requests at the front that fit, in queue order: all kinds, first ones only, or all but first ones;
   * a request whose key is taken keeps its place.
   */
  private takeBatch(which: 'all' | 'firsts' | 'others'): Waiting<Request, Result>[] {
    const { maxBatch, weigh, maxWeight = Number.POSITIVE_INFINITY, keysOf } = this.options;
    const batch: Waiting<Request, Result>[] = [];
    const keys = new Set<string>();
    let weight = 0;
    let index = which === 'others' ? this.leadingFirsts() : 0;
    while (index < this.queue.length && batch.length < maxBatch) {
      const waiting = this.queue[index] as Waiting<Request, Result>;
      if (which === 'firsts' && waiting.rank !== 2) break;
      const own = weigh?.(waiting.request) ?? 0;
      const ownKeys = keysOf?.(waiting.request) ?? [];
      if (batch.length > 0 && weight + own > maxWeight) break;
      if (ownKeys.some((key) => keys.has(key))) {
        index += 1;
        continue;
      }
      for (const key of ownKeys) keys.add(key);
      weight += own;
      batch.push(waiting);
      this.queue.splice(index, 1);
    }
    return batch;
  }

  private async run(batch: readonly Waiting<Request, Result>[]): Promise<void> {
    let settled: readonly Settled<Result>[];
    try {
      settled = await this.options.flush(batch.map((waiting) => waiting.request));
      if (settled.length !== batch.length) {
        throw new Error(`group commit: flush answered ${settled.length} of ${batch.length} requests`);
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const outcome = settled[index] as Settled<Result>;
      if (outcome.ok) waiting.resolve(outcome.value);
      else waiting.reject(outcome.error);
    });
  }
}
