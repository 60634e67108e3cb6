// The SQS messages this process is working on, by SQS MessageId. A redelivery of one of them (its
// visibility ran out despite the keeper) is not worked twice: the newer receipt handle is adopted,
// since SQS only honours the latest one for delete and visibility changes. A delivery adopted after
// the worker's last word gets that word when the worker ends (last-word.ts).
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { ReceivedSqsMessage } from './sqs-lane.ts';

/** What a worker last told SQS about its message, and with which receipt handle (last-word.ts). */
export type LastWord =
  | { kind: 'delete'; receiptHandle: string }
  | { kind: 'visibility'; receiptHandle: string; seconds: number };

export interface HeldMessage extends ReceivedSqsMessage {
  /** Monotonic ms at which SQS makes it visible again unless extended. */
  visibleUntil: number;
  /** What its worker last told SQS about it (WorkerQueue notes it; repeatLastWord uses it). */
  lastWord?: LastWord;
}

export class HeldMessages {
  private readonly byId = new Map<string, HeldMessage>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** The held entry, or undefined when it was already held (the handle was adopted instead). */
  hold(message: ReceivedSqsMessage, visibilitySeconds: number): HeldMessage | undefined {
    const visibleUntil = this.now() + visibilitySeconds * 1000;
    const existing = this.byId.get(message.sqsMessageId);
    if (existing) {
      existing.receiptHandle = message.receiptHandle;
      existing.visibleUntil = visibleUntil;
      return undefined;
    }
    const held: HeldMessage = { ...message, visibleUntil };
    this.byId.set(message.sqsMessageId, held);
    return held;
  }

  release(message: HeldMessage): void {
    this.byId.delete(message.sqsMessageId);
  }

  get size(): number {
    return this.byId.size;
  }

  all(): IterableIterator<HeldMessage> {
    return this.byId.values();
  }

  /** Age in ms (wall clock) of the oldest message of the lane being worked; 0 when none. */
  oldestAgeMs(lane: Priority, wallNow: number): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const message of this.byId.values()) {
      if (message.lane === lane && message.sentTimestampMs > 0)
        oldest = Math.min(oldest, message.sentTimestampMs);
    }
    return oldest === Number.POSITIVE_INFINITY ? 0 : Math.max(0, wallNow - oldest);
  }
}
