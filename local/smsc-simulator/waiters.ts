// waitFor() for tests: a predicate is checked after every simulator event and, for state the
// simulator does not announce, on a short poll; it fails with a clear message when time runs out.

interface Waiter {
  predicate: () => boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  poll: NodeJS.Timeout;
  deadline: NodeJS.Timeout;
}

const POLL_MS = 20;

export class Waiters {
  private readonly pending = new Set<Waiter>();

  add(predicate: () => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (predicate()) {
        resolve();
        return;
      }
      const waiter: Waiter = {
        predicate,
        resolve,
        reject,
        poll: setInterval(() => this.checkOne(waiter), POLL_MS),
        deadline: setTimeout(
          () => this.settle(waiter, new Error(`waitFor: condition not met within ${timeoutMs} ms`)),
          timeoutMs,
        ),
      };
      this.pending.add(waiter);
    });
  }

  /** Cheap when nobody waits, which is the case on a benchmark's hot path. */
  check(): void {
    if (this.pending.size === 0) return;
    for (const waiter of this.pending) this.checkOne(waiter);
  }

  cancelAll(error: Error): void {
    for (const waiter of this.pending) this.settle(waiter, error);
  }

  private checkOne(waiter: Waiter): void {
    try {
      if (waiter.predicate()) this.settle(waiter);
    } catch (error) {
      this.settle(waiter, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private settle(waiter: Waiter, error?: Error): void {
    if (!this.pending.delete(waiter)) return;
    clearInterval(waiter.poll);
    clearTimeout(waiter.deadline);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }
}
