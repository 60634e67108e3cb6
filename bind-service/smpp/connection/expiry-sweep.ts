// The timer that ends submits whose answer is overdue: it ticks at a quarter of the response
// timeout (10 ms to 1 s), so a submit is declared timed out at most that late.
export class ExpirySweep {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly expireOverdue: () => void,
    private readonly responseTimeoutMs: number,
  ) {}

  start(): void {
    this.stop();
    const everyMs = Math.max(10, Math.min(1_000, Math.floor(this.responseTimeoutMs / 4)));
    this.timer = setInterval(this.expireOverdue, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
