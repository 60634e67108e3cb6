// Keeps held messages invisible while they wait in the pipeline: a bulk message can wait behind
// urgent traffic and the rate limit for longer than half its queue's visibility timeout, and if
// SQS made it visible again another receive would pick it up (and, once claimed, delete it unsent).
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { HeldMessages } from './held-messages.ts';
import type { LaneQueue } from './sqs-lane.ts';

export interface VisibilityKeeperOptions {
  held: HeldMessages;
  queues: Record<Priority, LaneQueue>;
  visibilitySeconds: Record<Priority, number>;
  log: Logger;
  now?: () => number;
}

export class VisibilityKeeper {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private sweeping = false;

  constructor(private readonly options: VisibilityKeeperOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    const shortest = Math.min(...Object.values(this.options.visibilitySeconds));
    // A quarter of the shortest timeout: a message gets extended when half of it is left, at the latest.
    const everyMs = Math.max(250, Math.min(5_000, (shortest * 1000) / 4));
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Extends every held message that has less than half of its visibility timeout left. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.now();
      const extensions: Promise<void>[] = [];
      for (const message of this.options.held.all()) {
        // Its worker has told SQS what to do (deleted it, or gave it back after a pause): extended
        // now, a give-back's short pause would become the whole visibility timeout.
        if (message.lastWord) continue;
        const seconds = this.options.visibilitySeconds[message.lane];
        if (message.visibleUntil - now > (seconds * 1000) / 2) continue;
        // Counted from before the call, and only once SQS took it: after a refusal the message is
        // still due, so the next sweep (seconds later) tries again. Moved on at once, a refused
        // extension was not tried again until SQS had shown the message to another receive.
        const extendedUntil = now + seconds * 1000;
        extensions.push(
          this.options.queues[message.lane].changeVisibility(message.receiptHandle, seconds).then(
            () => {
              if (!message.lastWord) message.visibleUntil = Math.max(message.visibleUntil, extendedUntil);
            },
            (error: unknown) => {
              const leftMs = Math.round(message.visibleUntil - this.now());
              this.options.log.warn('visibility not extended; tried again at the next sweep', {
                lane: message.lane,
                sqsMessageId: message.sqsMessageId,
                visibleAgainInMs: leftMs,
                error,
              });
            },
          ),
        );
      }
      if (extensions.length > 0)
        this.options.log.debug('visibility extended', { messages: extensions.length });
      await Promise.all(extensions);
    } finally {
      this.sweeping = false;
    }
  }
}
