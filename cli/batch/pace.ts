import { setTimeout as delay } from 'node:timers/promises';

// `--rate n`: at most n sends in any one second, spread evenly. Each send is due one interval (1/n s)
// after the one before it, or at once when that moment has passed: a row held up (a slow answer, the
// client's retries) leaves no slots behind for the rows after it to use in a burst. Paced from the
// start instead (row k at k/n s), every row that fell overdue during a stall would go at once.

/**
 * Timers fire late by a varying amount, more so on a busy machine: a send late by more than the one n
 * sends after it would put n + 1 sends within a second. So a send also waits until the n-th before it
 * went more than a second ago, counted from when that request was under way (`started`), and a
 * millisecond more.
 */
const WINDOW_MARGIN_MS = 1;
/** Sends remembered for that check at most: above 1000/s the HTTP requests are slower than the pace. */
const WINDOW_SENDS_MAX = 1_000;

export interface Pacer {
  /**
   * Waits for the next send's turn; undefined when `signal` ended the wait (the row is not sent).
   * The send then calls `started` once its request is under way.
   */
  turn(signal: AbortSignal): Promise<{ started(): void } | undefined>;
}

export function pacer(rate: number): Pacer {
  const interval = 1000 / rate;
  let nextDue = Number.NEGATIVE_INFINITY;
  // The last `window` sends' times, a ring: `oldest` is the next to be overwritten.
  const window = Math.min(rate, WINDOW_SENDS_MAX);
  const sentAt: number[] = Array.from({ length: window }, () => Number.NEGATIVE_INFINITY);
  let oldest = 0;
  return {
    async turn(signal) {
      // Taken at once, before waiting: the workers waiting together get successive turns.
      const due = Math.max(performance.now(), nextDue);
      nextDue = due + interval;
      for (;;) {
        const opens = (sentAt[oldest] ?? Number.NEGATIVE_INFINITY) + window * interval + WINDOW_MARGIN_MS;
        const wait = Math.max(due, opens) - performance.now();
        if (wait <= 0) break;
        await delay(wait, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return undefined;
      }
      const slot = oldest;
      sentAt[slot] = performance.now();
      oldest = (oldest + 1) % window;
      return {
        started() {
          sentAt[slot] = Math.max(sentAt[slot] ?? 0, performance.now());
        },
      };
    },
  };
}
