// Collects single SQS calls (DeleteMessage, ChangeMessageVisibility) into the batch APIs, 10 per
// call: at 1,000 msg/s that is 100 requests a second instead of 1,000. An entry waits at most
// `lingerMs` for company, so a lone delete is not held back noticeably.

/** Sends one batch; returns, per entry index, the error of entries that failed. */
export type BatchSender<T> = (entries: readonly T[]) => Promise<Map<number, Error>>;

interface Pending<T> {
  entry: T;
  resolve(): void;
  reject(error: Error): void;
}

export class Batcher<T> {
  private pending: Pending<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly send: BatchSender<T>,
    private readonly maxSize = 10,
    private readonly lingerMs = 5,
  ) {}

  add(entry: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ entry, resolve, reject });
      if (this.pending.length >= this.maxSize) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.lingerMs);
    });
  }

  /** Sends what is pending and waits for every batch in flight. */
  async flush(): Promise<void> {
    this.flushNow();
    await Promise.allSettled([...this.inFlight]);
  }

  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxSize);
      const sent = this.sendBatch(batch);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
  }

  private async sendBatch(batch: Pending<T>[]): Promise<void> {
    try {
      const failures = await this.send(batch.map((p) => p.entry));
      batch.forEach((pending, index) => {
        const failure = failures.get(index);
        if (failure) pending.reject(failure);
        else pending.resolve();
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const pending of batch) pending.reject(failure);
    }
  }
}
