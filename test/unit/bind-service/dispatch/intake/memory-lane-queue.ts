// A lane's queue in memory for the intake's unit tests: answers a receive at once with as many of
// its waiting messages as asked for (`add(Infinity)` for a deep queue), notes each ask, and waits
// 5 ms on an empty receive, as a short long poll, so idle pollers do not spin. It also counts the
// receives under way at once (`maxInFlight`); `answerMs` makes a receive with messages take that long.
import { setTimeout as delay } from 'node:timers/promises';
import type { LaneQueue, ReceivedSqsMessage } from '#bind-service/dispatch/intake/sqs-lane.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';

export type MemoryLaneQueue = LaneQueue & {
  asked: number[];
  add(count: number): void;
  /** The most receives under way at once so far. */
  readonly maxInFlight: number;
};

export function memoryLaneQueue(lane: Priority, options: { answerMs?: number } = {}): MemoryLaneQueue {
  let waiting = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let next = 0;
  const asked: number[] = [];
  const message = (): ReceivedSqsMessage => {
    next += 1;
    return {
      lane,
      sqsMessageId: `${lane}-${next}`,
      receiptHandle: `${lane}-h${next}`,
      body: `${lane}-${next}`,
      sentTimestampMs: 0,
      receiveCount: 1,
    };
  };
  return {
    lane,
    asked,
    add: (count) => {
      waiting += count;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    receive: async (max) => {
      asked.push(max);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const count = Math.min(max, waiting);
        if (count === 0) {
          await delay(5);
          return [];
        }
        waiting -= count;
        if (options.answerMs) await delay(options.answerMs);
        return Array.from({ length: count }, message);
      } finally {
        inFlight -= 1;
      }
    },
    delete: async () => undefined,
    changeVisibility: async () => undefined,
    deadLetter: async () => undefined,
    visibilityTimeoutSeconds: async () => 60,
    flush: async () => undefined,
  };
}
